"""The docs site an analyst opens with `make docs`, rendered by a real browser.

`make docs-site` writes the site (`dbt docs generate`, here `--static`: one HTML file with the
project and the catalog inside), and headless Chromium (Debian package `chromium`) runs its
JavaScript and dumps the page it shows. What must be on each page comes from the project's yml
(through dbt's manifest), not from the site. The site names a model's relation from the
catalog: the warehouse holds the published marts as DataLens reads them (empty tables with the
contract's columns in `marts`, made from the yml), and nothing in `marts_build`.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

from devtools.harness.paths import REPO
from devtools.harness.warehouse import Warehouse

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
MARTS = {"fct_orders", "fct_order_items", "dim_users", "mart_dimension_metrics"}
PUBLISHED = "marts"  # the database DataLens reads (docs/datalens.md)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site `make docs` generates, as one static file, over a warehouse of published marts."""
    root = tmp_path_factory.mktemp("docs")
    warehouse = Warehouse(root, shop_db_url="sqlite:///unused")
    warehouse.query(f"create database {PUBLISHED}")
    for mart, columns in contract_columns().items():
        typed = ", ".join(f"`{name}` {data_type}" for name, data_type in columns)
        warehouse.query(f"create table {PUBLISHED}.{mart} ({typed}) engine = Memory")
    flags = f"--static --target-path {root / 'target'} --log-path {root / 'logs'}"
    command = ["make", "--no-print-directory", "docs-site", f"DOCS_ARGS={flags}"]
    env = {**os.environ, "WAREHOUSE_URL": warehouse.url}
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return root / "target"


def contract_columns() -> dict[str, list[tuple[str, str]]]:
    """Every mart's columns and their types, as its yml's contract declares them."""
    marts = {}
    for path in (REPO / "models" / "marts").rglob("_*__models.yml"):
        for model in yaml.safe_load(path.read_text()).get("models", []):
            columns = [(c["name"], c["data_type"]) for c in model.get("columns", [])]
            marts[model["name"]] = columns
    return marts


@pytest.fixture(scope="module")
def manifest(site: Path) -> dict[str, Any]:
    return dict(json.loads((site / "manifest.json").read_text()))


def plain(text: str) -> str:
    """Text as the site shows it: markdown code marks gone, whitespace collapsed."""
    return re.sub(r"\s+", " ", text.replace("`", "")).strip()


def shown_texts(site: Path, pages: list[str], profiles: Path) -> dict[str, str]:
    """The visible text of each page of the site after its JavaScript ran. The browsers run
    side by side: each mostly waits (its own start, the page's virtual time)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        texts = pool.map(shown_text, [site] * len(pages), pages, map(profiles.joinpath, pages))
        return dict(zip(pages, texts, strict=True))


def shown_text(site: Path, page: str, profile: Path) -> str:
    """The visible text of one page of the site after its JavaScript ran."""
    done = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",  # tests may run as root
            "--disable-gpu",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=5000",
            "--dump-dom",
            f"{(site / 'static_index.html').as_uri()}#!/{page}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", done.stdout, flags=re.S)
    return plain(html.unescape(re.sub(r"<[^>]+>", " ", body)))


def test_every_mart_page_shows_its_columns_and_their_descriptions(
    site: Path, manifest: dict[str, Any], tmp_path: Path
) -> None:
    marts = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["fqn"][1] == "marts"
    ]
    assert {node["name"] for node in marts} >= MARTS
    texts = shown_texts(site, [f"model/{node['unique_id']}" for node in marts], tmp_path)
    for node in marts:
        text = texts[f"model/{node['unique_id']}"]
        # the relation DataLens reads, not the write-audit-publish scratch database
        assert f"Relation {PUBLISHED}.{node['name']} " in text, node["name"]
        assert f"marts_build.{node['name']}" not in text, node["name"]
        assert plain(node["description"])[:200] in text, node["name"]
        assert node["columns"], node["name"]
        for column in node["columns"].values():
            assert column["description"], f"{node['name']}.{column['name']} has no description"
            assert plain(column["description"]) in text, f"{node['name']}.{column['name']}"


def test_every_datalens_exposure_is_shown_with_the_marts_it_reads(
    site: Path, manifest: dict[str, Any], tmp_path: Path
) -> None:
    exposures = list(manifest["exposures"].values())
    assert exposures
    pages = [f"exposure/{exposure['unique_id']}" for exposure in exposures]
    texts = shown_texts(site, pages, tmp_path)
    for exposure in exposures:
        text = texts[f"exposure/{exposure['unique_id']}"]
        assert exposure["label"] in text
        assert plain(exposure["description"])[:200] in text
        depends_on = text[text.index("Depends On") :]
        for model in exposure["depends_on"]["nodes"]:
            assert manifest["nodes"][model]["name"] in depends_on, (exposure["name"], model)
