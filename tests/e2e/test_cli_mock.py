"""The real `minbil-mock` command on a real socket: what a newcomer runs first."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.running_mock import running_mock


@pytest.fixture(scope="module", name="running_mock")
def running_mock_fixture() -> Iterator[tuple[str, subprocess.Popen]]:
    flags = ("--seed", "3")
    with running_mock(*flags, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as started:
        yield started


def test_the_mock_prints_the_demo_tokens_and_serves_them(running_mock) -> None:
    base, process = running_mock
    banner = "".join(process.stdout.readline() for _ in range(9))
    assert "demo-kari" in banner and "demo-ola" in banner
    assert f"ws://localhost:{base.rsplit(':', 1)[1]}/realtime/v1/websocket" in banner
    answer = httpx.get(f"{base}/api/co/vehicles", headers={"Authorization": "Bearer demo-kari"})
    assert answer.status_code == 200 and len(answer.json()["data"]) == 3


def test_the_mock_remembers_a_change_across_requests(running_mock) -> None:
    base, _ = running_mock
    auth = {"Authorization": "Bearer demo-ola"}
    linked = httpx.post(f"{base}/api/co/vehicles", headers=auth, json={"registration_number": "SU20481"})
    listed = httpx.get(f"{base}/api/co/vehicles", headers=auth).json()["data"]
    assert linked.status_code == 201
    assert [(v["registration_number"], v["is_primary"]) for v in listed] == [("SU20481", True)]


def test_the_registry_fake_answers_at_its_real_path(running_mock) -> None:
    base, _ = running_mock
    answer = httpx.get(
        f"{base}/ws/no/vegvesen/kjoretoy/felles/datautlevering/enkeltoppslag/kjoretoydata",
        params={"kjennemerke": "EK39085"},
        headers={"SVV-Authorization": "Apikey minbil-demo-apikey"},
    )
    assert answer.status_code == 200
    assert answer.json()["kjoretoydataListe"][0]["kjoretoyId"]["kjennemerke"] == "EK 39085"
