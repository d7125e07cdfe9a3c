"""Where the work on whole sandboxes runs, so that it does not stall the event loop.

Building a big scenario, restoring or taking a snapshot makes (or walks) millions of objects. Run
on the event loop, every other client waits for it. Two places take it instead:
- a build process (with `processes=True`, as the CLI runs; started by `start` or the first build,
  one per serving process, so each of `--workers N` has its own): a scenario is built there, with a
  replica of the registry fake, and comes back as its state in compact JSON pieces
  (domain/sandboxes.py `BuildElsewhere`). The build shares no GIL with the event loop; only
  turning the state into the sandbox is left for this process (a third of the work);
- one worker thread, for everything else: the sandbox made from what the build process sent,
  restores, snapshots, and every build when there is no build process (or it broke). The loop
  keeps serving meanwhile: it gets the GIL back at every switch interval (cli.py sets 1 ms), as
  long as no single call holds it longer — which is why JSON is written and read in pieces
  (store/json_pieces.py) and sandboxes are freed in pieces.
Two more costs would still reach the loop, and are kept off it too:
- the cyclic garbage collector, which a build sets off again and again and whose full passes walk
  the whole heap (100-300 ms each): paused during the work; what the work made is then frozen out
  of later passes, as the start-up world is (cli.py). Freed sandboxes are acyclic data, which
  reference counting frees all the same;
- freeing a replaced or deleted sandbox: handed to the thread to drop (`retire`), in pieces of a
  few hundred entries (one cascade of frees over a whole sandbox holds the GIL for 10–20 ms).
One thread and one build process, so builds run one at a time and never race each other on shared
caches.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, TypeVar

from ..store.json_pieces import PIECE_ITEMS
from ..store.row_layout import row_items
from ..store.sandbox import Sandbox

if TYPE_CHECKING:
    from uuid import UUID

    from ..domain.sandboxes import SandboxLifecycle

T = TypeVar("T")
BUILD_NICENESS = 10
PARENT_CHECK_S = 1.0


class BuildWorker:
    def __init__(self, *, processes: bool = False) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sandbox-build")
        self._wanted = processes
        self._processes: ProcessPoolExecutor | None = None
        self._owner = 0  # the process that started the build process (a fork has none of its own)

    def start(self) -> None:
        """Start the build process now, if one is wanted and this process has none yet (the first
        build would start it; started early, it need not wait for the imports)."""
        if self._wanted and (self._processes is None or self._owner != os.getpid()):
            self._start_process()

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """`work(*args)` in the worker thread, with the collector paused."""
        context = contextvars.copy_context()
        return await asyncio.get_running_loop().run_in_executor(
            self._pool, context.run, _without_gc_passes, work, *args
        )

    async def build(self, lifecycle: SandboxLifecycle, scenario: str, token: str, user_id: UUID) -> Sandbox:
        """A new sandbox from `scenario`: built in the build process when there is one and the
        scenario source can build there, else in the worker thread."""
        job = lifecycle.build_elsewhere(scenario, token, user_id) if self._wanted else None
        if job is not None:
            self.start()
            pool = self._processes
            try:
                built = await asyncio.wrap_future(self.in_build_process(job.run, *job.args))
            except BrokenProcessPool:  # the process died (killed, out of memory): build here
                self._restart(pool)
            else:
                return await self.run(lifecycle.built_elsewhere, scenario, token, user_id, job, built)
        return await self.run(lifecycle.build, scenario, token, user_id)

    def in_build_process(self, work: Callable[..., T], *args: Any) -> Future[T]:
        """`work(*args)` in the build process (`work` a module-level function, `args` plain data);
        BrokenProcessPool when there is none or it died (then a new one is started for what follows)."""
        self.start()
        pool = self._processes
        if pool is None:
            raise BrokenProcessPool("no build process")
        try:
            return pool.submit(work, *args)
        except BrokenProcessPool:
            self._restart(pool)
            raise

    def retire(self, garbage: Sandbox) -> None:
        """Let the worker drop the last reference to `garbage` (the caller must hold no other)."""
        self._pool.submit(_drop, [garbage])

    def close(self) -> None:
        """Stop the build process and the thread, once the work given them is done."""
        self._wanted = False
        if self._processes is not None and self._owner == os.getpid():
            self._processes.shutdown(wait=True)
        self._processes = None
        self._pool.shutdown(wait=True)

    def _start_process(self) -> None:
        # spawn: a fresh interpreter, not a fork of one that runs an event loop and threads. Niced:
        # on a busy machine the server's own requests come first, the builds after.
        self._processes = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_in_build_process,
        )
        self._owner = os.getpid()
        self._processes.submit(os.getpid)  # start it now: the first build need not wait for imports

    def _restart(self, broken: ProcessPoolExecutor | None) -> None:
        if broken is not None and self._processes is broken:
            self._processes = None
            broken.shutdown(wait=False)
            self.start()


def _in_build_process() -> None:
    os.nice(BUILD_NICENESS)
    # Ctrl-C in a terminal reaches the whole process group: the server stops, and stops this
    # process when it exits (a traceback from here would only be noise).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A server killed outright cannot stop this process, and the process would wait for work for
    # ever (it holds its own end of the queue): it ends when its parent has gone.
    parent = os.getppid()
    threading.Thread(target=_end_with, args=(parent,), name="parent-watch", daemon=True).start()


def _end_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_S)
    os._exit(0)


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
    """The items that make up most of a sandbox's weight: those its packs keep as rows (CarOwner's
    service-log entries, vehicles and links), and the items of its snapshots' states' lists."""
    bulk: list[object] = row_items(sandbox)
    for snapshot in sandbox.snapshots.values():
        parts = [snapshot.state, *snapshot.state.get("packs", {}).values()]
        for value in (value for part in parts for value in part.values()):
            if isinstance(value, list):
                bulk += value
    return bulk
