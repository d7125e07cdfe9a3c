"""`--workers N`: N processes serve one listening socket, sharing their sandboxes in PostgreSQL.

The world is built, seeded and wired once, in this process; then each worker is forked from it (so
the specs, the prepared operations and the loaded sandboxes are shared copy-on-write and a worker
starts in milliseconds) and opens its own connections to the database. The kernel hands each new
connection on the one socket to a worker that accepts it. From then on every worker's sandboxes
are the stored ones (mock_server/shared_state.py): a worker forked from the start-up world brings
itself up to date request by request. A worker that dies is replaced; SIGTERM or SIGINT stops all.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from .store.postgres_state import PostgresState

# A worker that dies sooner than this after its start is replaced only after a pause.
_QUICK_DEATH_SECONDS = 1.0


def serve_workers(count: int, state: PostgresState, run: Callable[[], None]) -> int:
    """Fork `count` workers that each `run()` (serve until stopped); wait for them; 0 when stopped."""
    state.close()  # connections never cross a fork: each worker opens its own
    children: dict[int, float] = {}
    stopping = False

    def start() -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                signal.signal(signal.SIGINT, signal.default_int_handler)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                state.reconnect()
                run()
            except KeyboardInterrupt:
                pass
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        children[pid] = time.monotonic()

    def stop(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for _ in range(count):
        start()
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        started = children.pop(pid, None)
        if stopping or started is None:
            continue
        code = os.waitstatus_to_exitcode(status)
        sys.stderr.write(f"minbil-mock: worker {pid} ended ({code}); starting another\n")
        if time.monotonic() - started < _QUICK_DEATH_SECONDS:
            time.sleep(_QUICK_DEATH_SECONDS)
        if not stopping:
            start()
    return 0
