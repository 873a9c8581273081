"""The incremental machinery is in dbt's DAG (docs/incremental.md), checked on its manifest.

`dbt parse` writes target/manifest.json in seconds, with no warehouse. Three rules, each also
shown to fail on a manifest broken the way it guards against:

- every incremental mart is a parent of incremental_watermark (the watermark is built last,
  so a night whose mart fails keeps the old one); the parents are listed by hand, as
  `-- depends_on:` comments, because the watermark reads none of them;
- a change set (models/intermediate/incremental) names a mart only in ref() (tonight's
  build) or in source('published_marts', ...) (last night's, the night's starting point):
  never by its database, through adapter.get_relation or a macro of its own;
- every ref() a model's SQL writes is among the model's parents: a ref() only inside
  `{% if is_incremental() %}` is not (dbt parses with is_incremental() false) and fails the
  first incremental night, not the first build.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from devtools.harness.warehouse import Warehouse, assert_ok

Manifest = dict[str, Any]
WATERMARK = "incremental_watermark"
PUBLISHED = "published_marts"
CHANGE_SETS = ("intermediate", "incremental")  # fqn after the project: the folder
JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
SQL_COMMENT = re.compile(r"--[^\n]*")
REF = re.compile(r"""\bref\(\s*['"](\w+)['"]\s*\)""")


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> Manifest:
    # parse needs no warehouse and no shop: the URLs only have to be well-formed
    warehouse = Warehouse(tmp_path_factory.mktemp("dag"), shop_db_url="sqlite:///unused")
    assert_ok(warehouse.dbt("parse"))
    return dict(json.loads((warehouse.root / "target" / "manifest.json").read_text()))


def models(manifest: Manifest) -> list[dict[str, Any]]:
    return [node for node in manifest["nodes"].values() if node["resource_type"] == "model"]


def marts(manifest: Manifest) -> dict[str, dict[str, Any]]:
    return {node["name"]: node for node in models(manifest) if node["fqn"][1] == "marts"}


def watermark_problems(manifest: Manifest) -> list[str]:
    """The incremental marts that are not parents of incremental_watermark."""
    all_marts = marts(manifest)
    parents = set(all_marts[WATERMARK]["depends_on"]["nodes"])
    return [
        f"{name} is incremental but not a parent of {WATERMARK}: add"
        f" `-- depends_on: {{{{ ref('{name}') }}}}` to {WATERMARK}.sql"
        for name, node in sorted(all_marts.items())
        if name != WATERMARK
        and node["config"]["materialized"] == "incremental"
        and node["unique_id"] not in parents
    ]


def mart_reads_outside_ref(manifest: Manifest) -> list[str]:
    """Where a change set names a mart other than in ref() or source('published_marts', ...)."""
    names = "|".join(sorted(marts(manifest), key=len, reverse=True))
    databases = "|".join(sorted({node["schema"] for node in marts(manifest).values()} | {"marts"}))
    allowed = re.compile(
        rf"""\bref\(\s*['"]({names})['"]\s*\)"""
        rf"""|\bsource\(\s*['"]{PUBLISHED}['"]\s*,\s*['"]({names})['"]\s*\)"""
    )
    named = re.compile(rf"\b({databases})\s*\.\s*`?\w+`?|\b({names})\b")
    problems = []
    for node in models(manifest):
        if tuple(node["fqn"][1:3]) != CHANGE_SETS:
            continue
        code = SQL_COMMENT.sub("", JINJA_COMMENT.sub("", node["raw_code"]))
        for match in named.finditer(allowed.sub("", code)):
            problems.append(
                f"{node['name']} reads `{match.group(0)}` outside ref(): use ref() for tonight's"
                f" mart or source('{PUBLISHED}', ...) for the published one"
            )
    return problems


def refs_missing_from_parents(manifest: Manifest) -> list[str]:
    """The ref()s a model's SQL writes that dbt did not record as its parents."""
    by_name = {node["name"]: node["unique_id"] for node in models(manifest)}
    by_name |= {
        node["name"]: node["unique_id"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "seed"
    }
    problems = []
    for node in models(manifest):
        parents = set(node["depends_on"]["nodes"])
        for name in REF.findall(JINJA_COMMENT.sub("", node["raw_code"])):
            if by_name.get(name) not in parents:
                problems.append(
                    f"{node['name']} writes ref('{name}') but dbt did not see it when parsing:"
                    " ref() it outside `{% if is_incremental() %}` (docs/incremental.md)"
                )
    return problems


def test_the_project_keeps_every_rule(manifest: Manifest) -> None:
    assert watermark_problems(manifest) == []
    assert mart_reads_outside_ref(manifest) == []
    assert refs_missing_from_parents(manifest) == []


def test_the_rules_see_the_incremental_marts_and_change_sets(manifest: Manifest) -> None:
    """The rules above check something: the marts and change sets they look at exist."""
    incremental = {
        name
        for name, node in marts(manifest).items()
        if node["config"]["materialized"] == "incremental"
    }
    assert {"fct_orders", "dim_users", "mart_ad_daily", WATERMARK} <= incremental
    change_sets = {
        node["name"] for node in models(manifest) if tuple(node["fqn"][1:3]) == CHANGE_SETS
    }
    assert {"int_changed_orders", "int_changed_users", "int_touched_ad_days"} <= change_sets


def test_a_mart_missing_from_the_watermark_is_named(manifest: Manifest) -> None:
    incremental = [
        name
        for name, node in marts(manifest).items()
        if node["config"]["materialized"] == "incremental" and name != WATERMARK
    ]
    assert len(incremental) >= 7
    for name in incremental:
        broken = copy.deepcopy(manifest)
        marts(broken)[WATERMARK]["depends_on"]["nodes"].remove(f"model.shop_analytics.{name}")
        problems = watermark_problems(broken)
        assert len(problems) == 1 and problems[0].startswith(f"{name} is incremental"), problems


def with_code(manifest: Manifest, model: str, code: str) -> Manifest:
    broken = copy.deepcopy(manifest)
    node = next(node for node in models(broken) if node["name"] == model)
    node["raw_code"] += code
    return broken


@pytest.mark.parametrize(
    ("code", "named"),
    [
        ("\nunion all select order_id from marts_build.fct_orders", "fct_orders"),
        ("\nunion all select order_id from marts.`fct_orders`", "fct_orders"),
        (
            "\n{% set old = adapter.get_relation(database=none, schema='marts',"
            " identifier='dim_users') %}",
            "dim_users",
        ),
        ("\n{% set old = my_own_lookup('mart_ad_daily') %}", "mart_ad_daily"),
    ],
)
def test_a_change_set_reading_a_mart_outside_ref_is_named(
    manifest: Manifest, code: str, named: str
) -> None:
    problems = mart_reads_outside_ref(with_code(manifest, "int_changed_orders", code))
    assert len(problems) == 1 and problems[0].startswith("int_changed_orders reads"), problems
    assert named in problems[0]


@pytest.mark.parametrize(
    "code",
    [
        "\n-- compared with marts_build.fct_orders, the mart of tonight",
        "\n{# the published dim_users #}",
        "\n{% set tonight = ref('fct_orders') %}",
        "\n{% set last_night = load_relation(source('published_marts', 'mart_ad_daily')) %}",
    ],
)
def test_comments_ref_and_the_published_source_are_not_reads_outside_ref(
    manifest: Manifest, code: str
) -> None:
    assert mart_reads_outside_ref(with_code(manifest, "int_changed_orders", code)) == []


def test_a_ref_only_inside_is_incremental_is_named(manifest: Manifest) -> None:
    code = (
        "\n{% if is_incremental() %} where 1 in"
        " (select 1 from {{ ref('int_changed_users') }}) {% endif %}"
    )
    problems = refs_missing_from_parents(with_code(manifest, "mart_romi_city_daily", code))
    assert problems == [
        "mart_romi_city_daily writes ref('int_changed_users') but dbt did not see it when"
        " parsing: ref() it outside `{% if is_incremental() %}` (docs/incremental.md)"
    ]
