"""The origin the docs name: `http://localhost:5000` in the built site, the one a page is served from
when the mock serves it (behind a proxy too).

The site is rendered once with DEFAULT_ORIGIN written out whole (render.highlight keeps it in one
piece through Pygments), so serving it from another origin is one bytes.replace per file."""

from __future__ import annotations

import re
from collections.abc import Mapping

DEFAULT_ORIGIN = "http://localhost:5000"  # the same as content/calls.yaml and content/mock.yaml say

# A host name, IPv4 or bracketed IPv6 address, and an optional port: nothing that could break out of
# the HTML, the Markdown or a snippet's string literal it is written into.
_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*|\[[0-9A-Fa-f:.]{2,45}\])")
_AUTHORITY = re.compile(rf"{_HOST.pattern}(?::[0-9]{{1,5}})?")


def _first(value: str | None) -> str:
    """The first of a proxy chain's comma-separated values (the client-facing one)."""
    return (value or "").split(",")[0].strip()


def request_origin(scheme: str, headers: Mapping[str, str]) -> str:
    """`scheme://host[:port]` the client used: X-Forwarded-Proto / X-Forwarded-Host where a proxy
    set them, else the request's own scheme and Host header. DEFAULT_ORIGIN when they make no
    plausible origin."""
    proto = (_first(headers.get("x-forwarded-proto")) or scheme).lower()
    host = _first(headers.get("x-forwarded-host")) or headers.get("host", "").strip()
    if proto not in ("http", "https") or len(host) > 260 or not _AUTHORITY.fullmatch(host):
        return DEFAULT_ORIGIN
    host = host.lower()
    default_port = ":443" if proto == "https" else ":80"
    if host.endswith(default_port):
        host = host[: -len(default_port)]
    return f"{proto}://{host}"


def with_origin(content: bytes, origin: str) -> bytes:
    """`content` with every DEFAULT_ORIGIN written as `origin` (`origin` from request_origin)."""
    if origin == DEFAULT_ORIGIN:
        return content
    return content.replace(DEFAULT_ORIGIN.encode("ascii"), origin.encode("ascii"))
