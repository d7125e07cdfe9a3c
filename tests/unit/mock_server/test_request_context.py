"""The request's id and base URL, made cheaply, are what the standard library and Starlette give."""

from __future__ import annotations

import os
import typing as t
import uuid

from hypothesis import given
from hypothesis import strategies as st
from starlette.requests import Request

from mock_server.request_context import current_base_url, new_request_id, start_request


def test_request_ids_are_random_version_4_uuids_in_canonical_text() -> None:
    ids = [new_request_id() for _ in range(200)]
    for text in ids:
        parsed = uuid.UUID(text)
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122
        assert str(parsed) == text
    assert len(set(ids)) == len(ids)


HOSTS = st.one_of(
    st.none(),
    st.sampled_from(["localhost:5000", "127.0.0.1", "[::1]:8080", "example.com:443", "bad host", ""]),
)


@given(
    scheme=st.sampled_from(["http", "https"]),
    server=st.sampled_from([None, ("127.0.0.1", 5000), ("::1", 443), ("10.0.0.2", 80)]),
    root_path=st.sampled_from(["", "/mock", "/mock/"]),
    app_root_path=st.sampled_from([None, "", "/app"]),
    host=HOSTS,
    path=st.sampled_from(["/api/co/vehicles", "/"]),
)
def test_base_url_is_starlettes_for_every_scope(
    scheme: str,
    server: tuple[str, int] | None,
    root_path: str,
    app_root_path: str | None,
    host: str | None,
    path: str,
) -> None:
    scope: dict[str, t.Any] = {
        "type": "http",
        "scheme": scheme,
        "server": server,
        "root_path": root_path,
        "path": root_path.rstrip("/") + path,
        "query_string": b"a=1",
        "headers": [(b"host", host.encode())] if host is not None else [],
    }
    if app_root_path is not None:
        scope["app_root_path"] = app_root_path
    start_request(None, scope)
    assert current_base_url() == current_base_url() == str(Request(scope).base_url)


def test_a_forked_process_makes_request_ids_of_its_own() -> None:
    new_request_id()  # random bytes are read ahead in this process
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: the ids it would make next
        os.write(write, ",".join(new_request_id() for _ in range(8)).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    child = set(os.read(read, 65536).decode().split(","))
    os.close(read)
    parent = {new_request_id() for _ in range(8)}
    assert len(child) == 8 and not child & parent
