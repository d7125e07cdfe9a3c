"""Run by test_python_client.py with an interpreter that has the PyPI `realtime` package: subscribe
to a user's bookings channel, fire a workshop event, print what arrived as JSON. Argument: base URL."""

import asyncio
import json
import sys

import httpx
from realtime import AsyncRealtimeClient


async def main(base: str) -> None:
    token = "demo-kari"
    auth = {"Authorization": f"Bearer {token}"}
    config = httpx.get(f"{base}/api/co/realtime/config", headers=auth).json()
    client = AsyncRealtimeClient(
        config["supabase_url"].replace("http", "ws", 1) + "/realtime/v1", token=config["anon_key"]
    )
    await client.connect()
    await client.set_auth(token)
    got, states = [], []
    joined = asyncio.Event()
    channel = client.channel(
        config["channels"]["bookings"],
        {"config": {"private": True, "broadcast": {"self": False, "ack": False}, "presence": {"key": ""}}},
    )
    channel.on_broadcast("*", got.append)
    await channel.subscribe(lambda state, error: (states.append(str(state)), joined.set()))
    await asyncio.wait_for(joined.wait(), 5)
    plate = httpx.get(f"{base}/api/co/vehicles", headers=auth).json()["data"][0]["registration_number"]
    booking = httpx.post(
        f"{base}/__mock/sandbox/workshop-events",
        headers=auth,
        json={"type": "booking.requested", "registration_number": plate},
    ).json()["booking"]
    for _ in range(100):
        if got:
            break
        await asyncio.sleep(0.01)
    await client.close()
    print(
        json.dumps(
            {
                "states": states,
                "booking": booking["id"],
                "got": [[m["event"], m["payload"]["id"]] for m in got],
            }
        )
    )


asyncio.run(main(sys.argv[1]))
