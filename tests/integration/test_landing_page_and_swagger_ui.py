"""`/` points a newcomer at everything (and lists this world's demo tokens); both Swagger UIs fit a
phone and load everything they need from the mock itself."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from mock_server.settings import Settings
from tests.integration.conftest import KARI, OLA, Mock, start_mock

PLACES = (
    'href="docs/"',
    'href="ui/"',
    'href="__mock/ui/"',
    'href="openapi.json"',
    'href="__mock/openapi.json"',
)


def test_the_front_page_links_docs_swagger_uis_specs_and_lists_the_demo_tokens(shared_mock: Mock) -> None:
    response = shared_mock.client.get("/", headers={"Accept": "text/html,*/*"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert all(place in page for place in PLACES)
    assert f"<code>{KARI}</code>" in page and f"<code>{OLA}</code>" in page
    assert "Kari Nordmann: 3 vehicles" in page
    assert '<meta name="viewport"' in page and 'rel="icon"' in page


def test_the_front_page_answers_json_with_absolute_urls_of_the_origin_asked_for(shared_mock: Mock) -> None:
    response = shared_mock.client.get(
        "/", headers={"Accept": "application/json", "Host": "mock.example.test:8080"}
    )
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["docs"] == "http://mock.example.test:8080/docs/"
    assert body["control_ui"] == "http://mock.example.test:8080/__mock/ui/"
    assert [user["token"] for user in body["demo_tokens"]] == [KARI, OLA, "demo-fleet"]
    assert '", "' not in response.text and '": ' not in response.text  # compact


def test_without_demo_users_the_front_page_lists_no_tokens_and_says_how_to_get_one() -> None:
    started = start_mock(Settings(demo=False))
    with started.client:
        json_body = started.client.get("/", headers={"Accept": "application/json"}).json()
        page = started.client.get("/").text
    assert json_body["demo_tokens"] == []
    assert "demo-kari" not in page and "--no-demo" in page and "/__mock/sandboxes" in page


def test_a_deleted_demo_sandbox_is_no_longer_offered(mock: Mock) -> None:
    mock.world.sandboxes.remove(OLA)
    tokens = [
        u["token"] for u in mock.client.get("/", headers={"Accept": "application/json"}).json()["demo_tokens"]
    ]
    assert tokens == [KARI, "demo-fleet"]


def test_both_swagger_uis_have_a_viewport_tag_and_their_files_come_from_the_mock(shared_mock: Mock) -> None:
    for ui, title in (("/ui/", "MinBil CarOwner API"), ("/__mock/ui/", "MinBil mock control API")):
        page = shared_mock.client.get(ui)
        assert page.status_code == 200
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page.text
        assert f"<title>{title} · Swagger UI</title>" in page.text
        files = re.findall(r'(?:href|src)="([^"]+)"', page.text)
        assert len(files) >= 4
        for relative in files:
            assert not relative.startswith(("http:", "https:", "//"))
            url = urljoin(ui, relative)
            assert shared_mock.client.get(url).status_code == 200, url


def test_a_file_that_is_not_part_of_swagger_ui_is_a_problem_404(shared_mock: Mock) -> None:
    response = shared_mock.client.get("/swagger-ui/index.j2")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "NOT_FOUND"
