"""Every source the loaders know, under its one name.

A source's name is everywhere the same: the key here, its package `loaders/<name>/`, its dlt
pipeline and dataset (tables `raw.<name>__*`), its dbt source (`models/staging/<name>/`), its
sandbox route (`/<name>`) and its step in `make nightly`. Adding a source is a package, a
line here and a staging folder: docs/adding-a-source.md.

A source package exports two names:
- `Settings`: a frozen dataclass with `from_env(run)`, which reads and validates every
  variable of the source (ConfigError in one line), and `skip_reason` (None, or why the
  source is skipped: no credentials);
- `load(run, settings)`: lands the source; returns dlt's LoadInfo, or None when there was
  nothing to load (it logs why).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any, Protocol, cast

from loaders.common.settings import RunSettings

# in the order `make load` runs them: the ad platforms last (their marts join the orders)
SOURCES: tuple[str, ...] = ("mysql", "vk", "vk_ads", "yandex_direct")


class SourceSettings(Protocol):
    @property
    def skip_reason(self) -> str | None: ...


class SourceSettingsType(Protocol):
    def from_env(self, run: RunSettings) -> SourceSettings: ...


class SourcePackage(Protocol):
    Settings: SourceSettingsType

    def load(self, run: RunSettings, settings: Any) -> Any: ...


def source_package(name: str) -> SourcePackage:
    """The package of source `name` (imported on first use: dlt is heavy)."""
    if name not in SOURCES:
        raise KeyError(name)
    return cast(SourcePackage, importlib.import_module(f"loaders.{name}"))


def unknown_sources(names: list[str]) -> list[str]:
    return sorted(set(names) - set(SOURCES))


def read_settings(run: RunSettings, names: Sequence[str]) -> dict[str, Any]:
    """Every selected source's settings, read and checked (ConfigError for the first bad one)."""
    return {name: source_package(name).Settings.from_env(run) for name in names}
