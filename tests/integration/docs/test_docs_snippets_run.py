"""Every snippet in the docs, run against the real mock, gets the status its page promises."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest

from minbil_docs.site import SpecPaths, build_pages
from tests.integration.docs.mock_runner import RunningMock
from tests.integration.docs.snippet_runner import reported_status, run_snippet, snippet_env

PAGES = build_pages(SpecPaths.of_project())
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
CAROWNER_PREFIX = "/api/co/"
# Navixy's actions change state when called by GET too.
CHANGING_GETS = ("/v2/vehicle/create", "/v2/vehicle/update", "/v2/vehicle/delete")
SNIPPETS = [
    pytest.param(endpoint, snippet, id=f"{page.slug}-{endpoint.operation.operation_id}-{snippet.language}")
    for page in PAGES
    for endpoint in page.endpoints
    for snippet in endpoint.snippets
]


def _tools_for(language: str, request: pytest.FixtureRequest) -> Path | None:
    if language == "curl":
        for tool in ("bash", "curl", "jq"):
            if shutil.which(tool) is None:
                pytest.skip(f"{tool} is needed to run the cURL snippets")
        return None
    if language in ("axios", "fetch"):
        modules = request.getfixturevalue("node_modules")
        return modules if language == "axios" else None
    return None


def _what_it_may_change(call: Any) -> str | None:
    """Reads change nothing; CarOwner writes change the caller's sandbox; anything else (the control
    API) may change the whole mock."""
    if call.method in SAFE_METHODS and not call.path_template.startswith(CHANGING_GETS):
        return None
    return "sandboxes" if call.path_template.startswith(CAROWNER_PREFIX) else "world"


# The demo sandboxes are shared: only the operator deletes them or their `start` snapshot. These
# snippets are run on a copy of demo-kari's world of the reader's own, as a reader would.
ON_OWN_SANDBOX = ("deleteSandbox", "deleteSnapshot")


def _own_sandbox(call: Any, mock: RunningMock) -> dict[str, str]:
    if call.operation_id not in ON_OWN_SANDBOX:
        return {}
    made = httpx.post(f"{mock.base_url}/__mock/sandboxes", json={"scenario": "demo"})
    token = made.json()["token"]
    httpx.post(
        f"{mock.base_url}/__mock/sandbox/snapshots",
        json={"name": "start"},
        headers={"Authorization": f"Bearer {token}"},
    ).raise_for_status()
    return {"MINBIL_ACCESS_TOKEN": token}


@pytest.mark.parametrize(("endpoint", "snippet"), SNIPPETS)
def test_snippet_gets_the_documented_status_from_the_mock(
    endpoint: Any, snippet: Any, mock: RunningMock, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    modules = _tools_for(snippet.language, request)
    mock.fresh()
    call = endpoint.call
    mock.needs = _what_it_may_change(call)
    done = run_snippet(snippet, tmp_path, snippet_env(mock.base_url, **_own_sandbox(call, mock)), modules)
    status = reported_status(snippet, done.stdout)
    assert status == call.expect, (
        f"{snippet.label} snippet of {endpoint.operation.operation_id} got {status}, the page says "
        f"{call.expect}\n--- stdout\n{done.stdout[-2000:]}\n--- stderr\n{done.stderr[-2000:]}"
    )
    assert done.returncode == 0, done.stderr
    if snippet.language == "python" and call.json_response:
        body = json.loads(done.stdout.split("\n", 1)[1])
        assert body, "the snippet printed an empty body"


GET_VEHICLES = next(e for p in PAGES for e in p.endpoints if e.operation.operation_id == "getVehicles")


@pytest.mark.parametrize("snippet", GET_VEHICLES.snippets, ids=lambda s: s.language)
def test_snippet_sends_the_token_from_the_environment(
    snippet: Any, mock: RunningMock, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    modules = _tools_for(snippet.language, request)
    env = snippet_env(mock.base_url, MINBIL_ACCESS_TOKEN="not-a-demo-token")
    done = run_snippet(snippet, tmp_path, env, modules)
    assert reported_status(snippet, done.stdout + done.stderr) == 401 or "401" in done.stderr


@pytest.mark.parametrize("reset", ["sandboxes", "world"])
def test_a_fresh_mock_forgets_what_the_last_snippet_changed(mock: RunningMock, reset: str) -> None:
    def link() -> int:
        response = httpx.post(
            f"{mock.base_url}/api/co/vehicles",
            json={"registration_number": "EV20240"},
            headers={"Authorization": "Bearer demo-kari"},
            timeout=10,
        )
        return response.status_code

    mock.fresh()
    assert [link(), link()] == [201, 200]
    mock.needs = reset  # type: ignore[assignment]
    mock.fresh()
    assert link() == 201
    mock.needs = "sandboxes"
