"""Headless Chromium driven over its DevTools protocol (a websocket), with nothing to download.

One browser, one tab: `open(url, width)` loads a page at a window width (phone widths emulate a
mobile device, so the page's viewport tag counts as on a real phone) and reports what a person
would notice: sideways scrolling, console errors, failed loads and requests to other hosts."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from websockets.sync.client import connect

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    # Nothing may leave the machine: any host but loopback goes to a closed port.
    "--proxy-server=127.0.0.1:9",
    "--remote-debugging-port=0",
)
PHONE_WIDTH = 600  # at or below: emulate a phone (touch, viewport tag honoured)


@dataclass
class PageReport:
    url: str
    width: int
    page_width: int = 0  # document.documentElement.scrollWidth
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # requests that failed or answered >= 400
    requests: list[str] = field(default_factory=list)

    def foreign_requests(self, allowed_hosts: set[str]) -> list[str]:
        """Requests to anything but `allowed_hosts` (data: and blob: URLs are part of the page)."""
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob", "file", "about")
            and urlsplit(url).hostname not in allowed_hosts
        ]

    @property
    def problems(self) -> list[str]:
        found = []
        if self.page_width > self.width:
            found.append(
                f"scrolls sideways: the page is {self.page_width} px wide in a {self.width} px window"
            )
        found += [f"console error: {text}" for text in self.console_errors]
        found += [f"failed request: {text}" for text in self.failed]
        return found


class Browser:
    def __init__(self, executable: Path = CHROMIUM) -> None:
        self._stack = ExitStack()  # undone in close(), also when starting fails half-way
        profile = self._stack.enter_context(
            tempfile.TemporaryDirectory(prefix="minbil-chromium-", ignore_cleanup_errors=True)
        )
        self._process = subprocess.Popen(
            [str(executable), *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._stack.callback(self._stop_process)
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        try:
            self._socket = self._stack.enter_context(
                connect(self._devtools_url(), max_size=64 * 2**20, open_timeout=20)
            )
            target = self.call("Target.createTarget", url="about:blank")["targetId"]
            self._session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Network"):
                self.call(f"{domain}.enable", session=True)
        except BaseException:
            self.close()
            raise

    def _devtools_url(self) -> str:
        assert self._process.stderr is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = self._process.stderr.readline()
            found = re.search(r"DevTools listening on (ws://\S+)", line)
            if found:
                return found.group(1)
            if not line and self._process.poll() is not None:
                break
        raise RuntimeError("Chromium did not start (no DevTools address within 30 s)")

    def call(self, method: str, session: bool = False, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        self._send(message)
        while True:
            reply = self._receive(30)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))
            self._events.append(reply)

    def _send(self, message: dict[str, Any]) -> None:
        self._socket.send(json.dumps(message))

    def _receive(self, timeout: float) -> dict[str, Any]:
        return dict(json.loads(self._socket.recv(timeout=timeout)))

    def evaluate(self, expression: str) -> Any:
        result = self.call(
            "Runtime.evaluate", session=True, expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, url: str, width: int, height: int = 900, ready: str = "true") -> PageReport:
        """Load `url` in a `width` px window; wait for the load event, then until `ready` (a JS
        expression) is true and the network has been quiet for a moment."""
        phone = width <= PHONE_WIDTH
        self.call(
            "Emulation.setDeviceMetricsOverride",
            session=True,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=phone,
        )
        self.call("Emulation.setTouchEmulationEnabled", session=True, enabled=phone)
        self._events.clear()
        self.call("Page.navigate", session=True, url=url)
        self._wait_for("Page.loadEventFired", 30)
        deadline = time.monotonic() + 20
        while not self.evaluate(f"Boolean({ready})"):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url}: not ready ({ready}) within 20 s")
            time.sleep(0.05)
        self._drain(quiet=0.15)
        report = PageReport(url, width, page_width=int(self.evaluate("document.documentElement.scrollWidth")))
        self._read_events(report)
        return report

    def screenshot(self, path: Path) -> None:
        shot = self.call("Page.captureScreenshot", session=True, format="png")
        path.write_bytes(base64.b64decode(shot["data"]))

    def _wait_for(self, method: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not any(event.get("method") == method for event in self._events):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RuntimeError(f"no {method} within {timeout} s")
            self._events.append(self._receive(remaining))

    def _drain(self, quiet: float) -> None:
        """Collect events until none has come for `quiet` seconds."""
        while True:
            try:
                self._events.append(self._receive(quiet))
            except TimeoutError:
                return

    def _read_events(self, report: PageReport) -> None:
        statuses: dict[str, tuple[str, int]] = {}
        for event in self._events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Network.requestWillBeSent":
                report.requests.append(params["request"]["url"])
            elif method == "Network.responseReceived":
                response = params["response"]
                statuses[params["requestId"]] = (response["url"], int(response["status"]))
            elif method == "Network.loadingFailed" and not params.get("canceled"):
                report.failed.append(f"{params.get('type')} {params.get('errorText')}")
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                report.console_errors.append(
                    details.get("exception", {}).get("description") or details["text"]
                )
            elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                report.console_errors.append(
                    " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
                )
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                report.console_errors.append(params["entry"]["text"])
        report.failed += [f"{url} answered {status}" for url, status in statuses.values() if status >= 400]

    def _stop_process(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stderr is not None:
            self._process.stderr.close()

    def close(self) -> None:
        self._stack.close()


def chromium_or_reason() -> tuple[Path | None, str]:
    """Debian's Chromium, installed by scripts/chromium where it is missing and we are root."""
    if not CHROMIUM.is_file():
        script = Path(__file__).resolve().parents[3] / "scripts" / "chromium"
        done = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=900, check=False)
        if done.returncode != 0:
            return None, done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "no Chromium"
    if shutil.which(str(CHROMIUM)) is None:
        return None, f"{CHROMIUM} is not executable"
    return CHROMIUM, ""
