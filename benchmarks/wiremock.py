"""WireMock, the static-stub peer: the jar of the npm `wiremock` package, pinned by package.json.

Its stubs are our mock's own answers: each scenario is sent to our mock once at start, and the
status, headers and body bytes it answered become a WireMock stub matching the same method, URL,
credential header and body. WireMock then only looks the stub up and writes it out, the floor of
what a mock server can do; ours computes and validates every answer.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .scenarios import Scenario

HERE = Path(__file__).resolve().parent
PACKAGE = HERE / "node_modules" / "wiremock"

# What a WireMock user sets for speed: a fixed heap touched up front, the throughput collector.
JVM_FLAGS: tuple[str, ...] = ("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch", "-XX:+UseParallelGC")
# WireMock's fastest setting for static stubs: no journal, no logging, no templating pass, no gzip,
# and 8 Jetty threads (on its one core the fewest Jetty starts with; the default and 14 or 40 threads
# answered fewer requests at more CPU per request: benchmarks/RESULTS.md).
WIREMOCK_FLAGS: tuple[str, ...] = (
    "--container-threads",
    "8",
    "--no-request-journal",
    "--disable-request-logging",
    "--disable-response-templating",
    "--disable-gzip",
    "--disable-banner",
    "--disable-extensions-scanning",
)
# Load per scenario before WireMock is measured, for its JIT to compile the hot paths: at least
# JIT_WARMUP_S, then slices until two in a row agree within STEADY_WITHIN, at most JIT_WARMUP_MAX_S.
JIT_WARMUP_S = 5.0
JIT_WARMUP_MAX_S = 30.0
WARMUP_SLICE_S = 2.0
STEADY_WITHIN = 0.10
# Headers that belong to one connection or one moment, which WireMock writes itself.
_NOT_COPIED = frozenset({"date", "server", "connection", "keep-alive", "transfer-encoding"})


class WireMockUnavailable(RuntimeError):
    """Java is missing, or the npm package carrying the jar could not be installed."""


@dataclass(frozen=True)
class RecordedAnswer:
    """What our mock answered to one scenario's request: the bytes WireMock will answer with."""

    scenario: Scenario
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def warm_until_steady(run_slice: Callable[[float], float], minimum_s: float) -> list[float]:
    """Drive slices (run_slice(seconds) -> req/s) for at least `minimum_s`, then until the last two
    agree within STEADY_WITHIN or JIT_WARMUP_MAX_S has gone; returns every slice's rate."""
    rates: list[float] = []
    spent = 0.0
    while spent < JIT_WARMUP_MAX_S:
        rates.append(run_slice(WARMUP_SLICE_S))
        spent += WARMUP_SLICE_S
        if spent >= minimum_s and len(rates) >= 2 and _steady(rates[-2], rates[-1]):
            break
    return rates


def _steady(before: float, now: float) -> bool:
    return before > 0 and abs(now - before) / before <= STEADY_WITHIN


def pinned_version() -> str:
    return str(json.loads((HERE / "package.json").read_text())["dependencies"]["wiremock"])


def installed_version() -> str | None:
    manifest = PACKAGE / "package.json"
    if not manifest.exists():
        return None
    return str(json.loads(manifest.read_text())["version"])


def jar_path() -> Path | None:
    jars = sorted((PACKAGE / "build").glob("wiremock-standalone-*.jar"))
    return jars[-1] if jars else None


def ensure_installed(install_command: Sequence[str]) -> str:
    """Install the npm package (the same `npm ci` that installs Prism) when missing; its version."""
    if shutil.which("java") is None:
        raise WireMockUnavailable("java is needed to run WireMock (apt-get install default-jre-headless)")
    if installed_version() != pinned_version() or jar_path() is None:
        if shutil.which("npm") is None:
            raise WireMockUnavailable("npm is needed to install the wiremock package")
        result = subprocess.run(list(install_command), cwd=HERE, capture_output=True, text=True, check=False)
        if result.returncode != 0 or jar_path() is None:
            raise WireMockUnavailable(f"npm could not install wiremock: {result.stderr.strip()[-500:]}")
    return installed_version() or pinned_version()


def java_version() -> str:
    try:
        result = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False)
    except OSError:
        return "absent"
    first = (result.stderr or result.stdout).strip().splitlines()
    return first[0] if first else "?"


def server_argv(root: Path, port: int, jar: Path | None = None) -> list[str]:
    jar_text = str(jar or jar_path() or PACKAGE / "build" / "wiremock-standalone.jar")
    return [
        *("java", *JVM_FLAGS, "-jar", jar_text),
        *("--port", str(port), "--bind-address", "127.0.0.1", "--root-dir", str(root)),
        *WIREMOCK_FLAGS,
    ]


def record(url: str, scenario: Scenario, timeout: float = 10.0) -> RecordedAnswer:
    """Send the scenario's request to our mock once; keep the answer's status, headers and body."""
    request = urllib.request.Request(
        url, data=scenario.body, method=scenario.method, headers=dict(scenario.all_headers())
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return RecordedAnswer(scenario, response.status, tuple(response.headers.items()), response.read())
    except urllib.error.HTTPError as error:
        return RecordedAnswer(scenario, error.code, tuple(error.headers.items()), error.read())


def stub(answer: RecordedAnswer) -> dict[str, object]:
    """A WireMock stub: the same request (method, URL, credential headers, body) gets these bytes."""
    scenario = answer.scenario
    request: dict[str, object] = {"method": scenario.method, "url": scenario.path_on("wiremock")}
    if scenario.headers:
        request["headers"] = {name: {"equalTo": value} for name, value in scenario.headers}
    if scenario.body is not None:
        request["bodyPatterns"] = [{"equalToJson": scenario.body.decode()}]
    headers: dict[str, str | list[str]] = {}
    for name, value in answer.headers:
        if name.lower() in _NOT_COPIED:
            continue
        known = headers.get(name)
        headers[name] = value if known is None else [*_as_list(known), value]
    return {
        "request": request,
        "response": {
            "status": answer.status,
            "headers": headers,
            "base64Body": base64.b64encode(answer.body).decode(),
        },
    }


def write_root(root: Path, answers: Sequence[RecordedAnswer]) -> Path:
    """WireMock's --root-dir: one mappings file holding a stub per answer."""
    mappings = root / "mappings"
    mappings.mkdir(parents=True, exist_ok=True)
    (root / "__files").mkdir(exist_ok=True)
    path = mappings / "scenarios.json"
    path.write_text(json.dumps({"mappings": [stub(answer) for answer in answers]}, indent=1))
    return path


def _as_list(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]
