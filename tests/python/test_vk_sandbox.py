"""The sandbox VK API speaks users.get as VK does, and with_sandbox runs a command against it."""

from __future__ import annotations

import subprocess
import sys
from random import Random
from typing import Any

import pytest
import requests

from devtools.demo_shop.generator import vk_id_for
from devtools.harness.paths import REPO
from devtools.sandbox.server import SandboxServer
from devtools.sandbox.vk_api import profile_for

pytestmark = pytest.mark.independent  # no module state: tests are dealt out one by one

# ids drawn the way the demo shop draws them (same ranges, one per user)
DEMO_IDS = [vk_id_for(uid, Random(uid)) for uid in range(1, 601)]


def users_get(sandbox: SandboxServer, ids: list[int], token: str = "t") -> Any:
    response = requests.post(
        f"{sandbox.url('vk')}/method/users.get",
        data={"user_ids": ",".join(map(str, ids)), "fields": "sex,bdate", "v": "5.199"},
        headers={"Authorization": f"Bearer {token}"} if token else {},
        timeout=10,
    )
    return response


def test_demo_ids_cover_every_profile_form() -> None:
    profiles = [p for p in map(profile_for, DEMO_IDS) if p is not None]
    assert profiles == [p for p in map(profile_for, DEMO_IDS) if p is not None]  # deterministic
    bdates = {len(p["bdate"].split(".")) if "bdate" in p else 0 for p in profiles}
    assert bdates == {0, 2, 3}  # absent, D.M, D.M.YYYY
    assert {p.get("deactivated") for p in profiles} == {None, "deleted", "banned"}
    assert any(p["is_closed"] for p in profiles)
    assert {p["occupation"]["type"] for p in profiles if "occupation" in p} == {
        "work",
        "university",
        "school",
    }
    entries = [e for p in profiles for e in p.get("career", [])]
    assert any("from" in e for e in entries) and any("from" not in e for e in entries)
    titles = {p["city"]["title"] for p in profiles if "city" in p}
    assert any(t != t.strip() for t in titles) and any(t.isupper() for t in titles)
    usable = [p for p in profiles if not p.get("deactivated") and "city" in p]
    assert len(usable) > len(DEMO_IDS) / 2
    assert len(profiles) < len(DEMO_IDS)  # some ids are invalid: VK drops them


def test_users_get_answers_by_id_and_reports_errors_in_200_bodies(
    sandbox: SandboxServer,
) -> None:
    sandbox.clear()
    ids = DEMO_IDS[:10]
    body = users_get(sandbox, ids).json()
    assert [u["id"] for u in body["response"]] == [i for i in ids if profile_for(i)]
    no_token = users_get(sandbox, ids, token="")
    assert no_token.status_code == 200 and no_token.json()["error"]["error_code"] == 5
    too_many = users_get(sandbox, list(range(1, 1002)))
    assert too_many.json()["error"]["error_code"] == 100


def test_fault_switches(sandbox: SandboxServer) -> None:
    sandbox.clear()
    ids = DEMO_IDS[:5]
    sandbox.set_faults("vk", error6_burst=1, http5xx=1, drop_ids=[ids[0]], error29_after=3)
    assert users_get(sandbox, ids).status_code == 502
    assert users_get(sandbox, ids).json()["error"]["error_code"] == 6
    answered = users_get(sandbox, ids).json()["response"]
    assert ids[0] not in {u["id"] for u in answered}
    assert users_get(sandbox, ids).json()["error"]["error_code"] == 29
    sandbox.clear()
    sandbox.set_faults("vk", malformed_json=1)
    assert users_get(sandbox, ids).status_code == 200
    assert not users_get(sandbox, ids).text.startswith('{"response": [{"id": 1, "first_na')


def test_with_sandbox_exports_settings_and_returns_the_exit_code() -> None:
    script = "import os, sys; print(os.environ['VK_API_URL'], os.environ['VK_TOKEN']); sys.exit(3)"
    done = subprocess.run(
        [sys.executable, "-m", "devtools.sandbox.with_sandbox", "--", sys.executable, "-c", script],
        cwd=REPO,
        env={"PATH": "/usr/bin:/bin", "VK_TOKEN": "mine"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 3
    url, token = done.stdout.splitlines()[-1].split()
    assert url.startswith("http://127.0.0.1:") and url.endswith("/vk/method")
    assert token == "mine"  # what the environment sets wins
