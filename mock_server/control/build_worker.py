"""One worker thread for the work on whole sandboxes that would otherwise stall the event loop.

Building a big scenario, restoring or taking a snapshot makes (or walks) millions of objects. Run
on the event loop, every other client waits for it; run in this thread, the loop keeps serving
(it gets the GIL back every few milliseconds). Two costs would still reach the loop, and are kept
off it too:
- the cyclic garbage collector, which a build sets off again and again and whose full passes walk
  the whole heap (100-300 ms each): paused during the work; what the work made is then frozen out
  of later passes, as the start-up world is (cli.py). Freed sandboxes are acyclic data, which
  reference counting frees all the same;
- freeing a replaced or deleted sandbox: handed to this thread to drop (`retire`), in pieces of a
  few hundred entries (one cascade of frees over a whole sandbox holds the GIL for 10–20 ms).
One thread, so builds run one at a time and never race each other on shared caches.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from ..store.json_pieces import PIECE_ITEMS
from ..store.sandbox import Sandbox

T = TypeVar("T")


class BuildWorker:
    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sandbox-build")

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        context = contextvars.copy_context()
        return await asyncio.get_running_loop().run_in_executor(
            self._pool, context.run, _without_gc_passes, work, *args
        )

    def retire(self, garbage: Sandbox) -> None:
        """Let the worker drop the last reference to `garbage` (the caller must hold no other)."""
        self._pool.submit(_drop, [garbage])


def _without_gc_passes(work: Callable[..., T], *args: Any) -> T:
    enabled = gc.isenabled()
    gc.disable()
    try:
        return work(*args)
    finally:
        if enabled:
            gc.freeze()
            gc.enable()


def _drop(holder: list[Sandbox]) -> None:
    """Drop the sandbox, its bulk a few hundred items at a time. Nothing is taken apart: what
    anyone else still holds (a request in flight) stays whole and alive."""
    bulk = bulk_of(holder[0])
    holder.clear()  # frees the containers only: the items live on in `bulk`
    while bulk:
        del bulk[-PIECE_ITEMS:]


def bulk_of(sandbox: Sandbox) -> list[object]:
    """The items that make up most of a sandbox's weight: its service-log entries, vehicles and
    links, and the entries of its snapshots' states."""
    bulk: list[object] = [*sandbox.service_log, *sandbox.vehicles.values(), *sandbox.links.values()]
    for snapshot in sandbox.snapshots.values():
        for value in snapshot.state.values():
            if isinstance(value, list):
                bulk += value
    return bulk
