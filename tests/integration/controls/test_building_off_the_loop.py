"""Building a sandbox (or a snapshot) does not hold up the other clients of the mock."""

from __future__ import annotations

import asyncio
import threading
from uuid import UUID

import httpx

from mock_server.app import build_world, create_app
from mock_server.domain.sandboxes import EmptyOnly, ScenarioInfo
from mock_server.sandbox_gate import SandboxGate
from mock_server.settings import Settings
from mock_server.store.sandbox import Sandbox

SLOW = "slow"


class SlowScenario(EmptyOnly):
    """A scenario whose build waits until the test lets it finish."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()

    def scenarios(self) -> list[ScenarioInfo]:
        return [*super().scenarios(), ScenarioInfo(SLOW, "Slow", "Builds until released.")]

    def build(self, name: str, token: str, user_id: UUID) -> Sandbox:
        if name == SLOW:
            self.started.set()
            self.release.wait(timeout=10)
            name = "empty"
        return super().build(name, token, user_id)


async def _while_building(path: str, body: dict | None = None) -> None:
    source = SlowScenario()
    world = build_world(Settings(demo=False), scenarios=lambda registry: source)
    app = create_app(world.settings, world)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
        token = (await client.post("/__mock/sandboxes")).json()["token"]
        slow = asyncio.create_task(
            client.post(path, json=body or {"scenario": SLOW}, headers={"Authorization": f"Bearer {token}"})
        )
        while not source.started.is_set():
            await asyncio.sleep(0.005)
        # The build is under way: another client is answered before it ends.
        other = await asyncio.wait_for(client.get("/__mock/scenarios"), timeout=5)
        assert other.status_code == 200
        assert not slow.done(), "the build ran on the event loop and held every other client up"
        half_built = [s for s in world.sandboxes if s.token != token]
        assert half_built == [], "a sandbox was visible before it was built"
        source.release.set()
        answer = await slow
        assert answer.status_code in (200, 201), answer.text


def test_a_big_scenario_is_built_while_other_clients_are_answered() -> None:
    asyncio.run(_while_building("/__mock/sandboxes"))


def test_a_reset_is_built_while_other_clients_are_answered() -> None:
    async def reset_slow_sandbox() -> None:
        source = SlowScenario()
        world = build_world(Settings(demo=False), scenarios=lambda registry: source)
        app = create_app(world.settings, world)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
            source.release.set()
            token = (await client.post("/__mock/sandboxes", json={"scenario": SLOW})).json()["token"]
            source.started.clear()
            source.release.clear()
            auth = {"Authorization": f"Bearer {token}"}
            reset = asyncio.create_task(client.post("/__mock/sandbox/reset", headers=auth))
            while not source.started.is_set():
                await asyncio.sleep(0.005)
            other = await asyncio.wait_for(client.get("/__mock/scenarios"), timeout=5)
            assert other.status_code == 200 and not reset.done()
            source.release.set()
            assert (await reset).status_code == 200

    asyncio.run(reset_slow_sandbox())


def test_a_snapshot_waits_for_the_requests_of_its_sandbox_and_no_one_else() -> None:
    async def scenario() -> None:
        gate = SandboxGate()
        await gate.enter("mine")  # a request of the sandbox in flight
        order: list[str] = []

        async def snapshot() -> None:
            async with gate.alone("mine", inside_request=False):
                order.append("snapshot")

        task = asyncio.create_task(snapshot())
        await asyncio.sleep(0.01)
        assert order == [], "the snapshot started while a request of its sandbox was in flight"
        await asyncio.wait_for(gate.enter("theirs"), timeout=1)  # other sandboxes go on
        newcomer = asyncio.create_task(gate.enter("mine"))
        await asyncio.sleep(0.01)
        assert not newcomer.done(), "a new request of the sandbox went in while the snapshot waited"
        gate.leave("mine")
        await task
        await newcomer  # let in once the snapshot is taken
        assert order == ["snapshot"]

    asyncio.run(scenario())
