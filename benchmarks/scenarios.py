"""The requests driven at every server: the same method, headers and body for each peer."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

DEMO_TOKEN = "demo-kari"
REGISTRY_API_KEY = "minbil-demo-apikey"
FLEET_TOKEN = "demo-fleet"  # the demo fleet owner, whose fleet the Trimble and Navixy APIs show
REGISTRY_BASE_PATH = "/ws/no/vegvesen/kjoretoy/felles/datautlevering"
TRIMBLE_BASE_PATH = "/api/assets/v1"
NAVIXY_BASE_PATH = "/v2"
# The base path each service's spec is served under by the mock (Prism serves the spec's paths bare).
BASE_PATHS = {
    "api": "",
    "registry": REGISTRY_BASE_PATH,
    "trimble": TRIMBLE_BASE_PATH,
    "navixy": NAVIXY_BASE_PATH,
}
# The demo fleet owner's Navixy session hash, made from the sandbox token as the Navixy pack makes it
# (`credentials.navixy.hash` of GET /__mock/sandbox); Prism takes any 32 hex digits.
FLEET_NAVIXY_HASH = hashlib.sha256(f"navixy-hash:{FLEET_TOKEN}".encode()).hexdigest()[:32]
NAVIXY_LIST_BODY = json.dumps({"sort": ["label=asc"], "limit": 10, "offset": 0}).encode()
BEARER = (("Authorization", f"Bearer {DEMO_TOKEN}"),)
NOTIFICATIONS_BODY = json.dumps({"message.new": {"email": False, "push": True}}).encode()


@dataclass(frozen=True)
class Scenario:
    name: str
    method: str
    path: str
    service: str = "api"  # "api": the CarOwner API; "registry": the Vegvesen fake; or a fleet API
    headers: tuple[tuple[str, str], ...] = BEARER
    body: bytes | None = None

    @property
    def is_get(self) -> bool:
        return self.method == "GET"

    def path_on(self, peer: str) -> str:
        """Prism serves a spec's paths without the server URL's base path; the mock keeps it."""
        if peer == "prism":
            return self.path.removeprefix(BASE_PATHS[self.service])
        return self.path

    def all_headers(self) -> tuple[tuple[str, str], ...]:
        if self.body is None:
            return self.headers
        return (*self.headers, ("Content-Type", "application/json"))


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("vehicles list", "GET", "/api/co/vehicles"),
    Scenario("vehicle details", "GET", "/api/co/vehicles?registration_number=BT57225"),
    Scenario("service-log list page", "GET", "/api/co/service-log/list"),
    Scenario("PUT notifications", "PUT", "/api/co/settings/notifications", body=NOTIFICATIONS_BODY),
    Scenario(
        "registry lookup",
        "GET",
        f"{REGISTRY_BASE_PATH}/enkeltoppslag/kjoretoydata?kjennemerke=EK39085",
        service="registry",
        headers=(("SVV-Authorization", f"Apikey {REGISTRY_API_KEY}"),),
    ),
    Scenario(
        "Trimble vehicles page",
        "GET",
        f"{TRIMBLE_BASE_PATH}/vehicles?offset=0&limit=10&sortExpression=vehicleName&sortDirection=ASC",
        service="trimble",
        headers=(("Authorization", f"Bearer {FLEET_TOKEN}"),),  # Prism wants this spelling
    ),
    Scenario(
        "Navixy vehicle list",
        "POST",
        f"{NAVIXY_BASE_PATH}/vehicle/list?hash={FLEET_NAVIXY_HASH}",  # the spec's sessionHash scheme
        service="navixy",
        headers=(),
        body=NAVIXY_LIST_BODY,
    ),
)

# The request used to decide that a server has started: an authenticated GET of the vehicle list.
READY_PROBE = SCENARIOS[0]


def select(names: str | None) -> tuple[Scenario, ...]:
    """Scenarios whose name contains any of the comma-separated words (all when none given)."""
    if not names:
        return SCENARIOS
    words = [word.strip().lower() for word in names.split(",") if word.strip()]
    chosen = tuple(s for s in SCENARIOS if any(word in s.name.lower() for word in words))
    if not chosen:
        raise ValueError(f"no scenario matches {names!r}; known: {', '.join(s.name for s in SCENARIOS)}")
    return chosen
