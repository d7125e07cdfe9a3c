"""The docs site's Trimble page: its cURL snippets, run against the mock as the fleet owner, work."""

from __future__ import annotations

import html
import re

from tests.integration.controls.conftest import start_controls


def test_the_trimble_docs_page_curl_snippets_answer_as_documented_for_the_fleet_owner() -> None:
    controls = start_controls()
    with controls.client:
        page = controls.client.get("/docs/trimble.html")
        assert page.status_code == 200 and "Trimble" in page.text
        text = html.unescape(re.sub(r"<[^>]+>", "", page.text))
        snippets = re.findall(
            r'curl -sS (?:-X (\w+) )?"\$BASE_URL(/api/assets/v1/vehicles[^"]*)"(.*?)-w', text, re.S
        )
        assert snippets, "no cURL snippet on the Trimble page"
        gets = [(path, rest) for method, path, rest in snippets if method in ("", "GET")]
        assert gets
        for path, rest in gets:
            assert "Authorization: bearer $TRIMBLE_TOKEN" in rest  # the fleet owner's token by default
            answer = controls.client.get(path, headers={"Authorization": "bearer demo-fleet"})
            assert answer.status_code == 200, answer.text
            assert answer.json()["size"] == 12
