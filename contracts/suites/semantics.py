"""Semantics: state machines against a plain model, after a fixed walkthrough that hits every rule once.

The walkthrough makes the quick profile as sharp as the deep one on the known rules; the machines then
look for sequences nobody thought of. The user's vehicles and preferences are restored at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from hypothesis import seed
from hypothesis.stateful import RuleBasedStateMachine, run_state_machine_as_test

from ..client import ApiClient
from ..context import SuiteContext
from ..machines import preferences_machine, vehicle_machine
from ..machines.recording import MachineViolation, machine_settings
from ..machines.shrinking import shrink
from .user_snapshot import preserved_user_data

PAUSE = "let time pass"
DESCRIPTION = "state machines vs a plain model: linking, primary fallback, updates, preferences"


def run(ctx: SuiteContext) -> None:
    if ctx.options.read_only:
        ctx.run_check("semantics", ctx.skip_if_read_only)
        return

    def api() -> ApiClient:
        return ApiClient(ctx.http, ctx.options.token)

    vehicles = vehicle_machine(api, ctx.options.plates)
    preferences = preferences_machine(api)
    with preserved_user_data(ctx):
        ctx.run_check(
            "vehicles: walkthrough of every rule",
            lambda: _walk_vehicles(vehicles, ctx.options.plates, _time_passing(ctx)),
        )
        ctx.progress("vehicles: state machine")
        ctx.run_check("vehicles: state machine", lambda: _explore(ctx, vehicles))
        ctx.run_check("preferences: walkthrough of every rule", lambda: _walk_preferences(preferences))
        ctx.progress("preferences: state machine")
        ctx.run_check("preferences: state machine", lambda: _explore(ctx, preferences))


def _explore(ctx: SuiteContext, machine: type[RuleBasedStateMachine]) -> None:
    seeded = seed(ctx.options.seed)(machine)
    try:
        run_state_machine_as_test(seeded, settings=machine_settings(ctx.options.profile))
    except Exception as error:  # hypothesis may wrap the violation (flaky replays come as a group)
        found = _machine_violation(error)
        if found is None:
            raise
        ctx.progress(f"shrinking a failing run of {len(found.calls)} steps ({found.rule_id})")
        raise shrink(machine, found, ctx.options.profile.shrink_seconds) from None


def _machine_violation(error: BaseException) -> MachineViolation | None:
    if isinstance(error, MachineViolation):
        return error
    if isinstance(error, BaseExceptionGroup):
        return next((found for inner in error.exceptions if (found := _machine_violation(inner))), None)
    return None


def _time_passing(ctx: SuiteContext) -> Callable[[], None] | None:
    """A minute passing on the server, where its clock can be moved (mock controls): it makes an
    updated_at that did not move visible on a server that keeps whole seconds."""
    clock = ctx.options.time_control
    if clock is None:
        return None
    return lambda: clock.advance(ctx.options.token, timedelta(minutes=1))


def _walk_vehicles(
    machine_class: type[RuleBasedStateMachine],
    plates: tuple[str, ...],
    let_time_pass: Callable[[], None] | None = None,
) -> None:
    first, second, third, fourth = list(dict.fromkeys(plates))[:4]
    machine: Any = machine_class()
    steps: list[tuple[str, tuple[Any, ...]]] = [
        ("link", (first, "exact", None)),
        ("link", (first, "lower", "Ignorert")),  # already linked: 200, nickname ignored
        ("link", (second, "spaced", None)),
        ("link", (third, "dashed", "Hytta")),
        ("link", (fourth, "exact", None)),
        (PAUSE, ()),
        ("rename", (fourth, "Pendler")),
        ("rename", (third, "Sommerbil")),  # third is now the most recently updated, neither oldest nor newest
        ("unlink", (first, "reg")),  # the primary goes: third must take over
        ("link", (first, "exact", None)),  # the kept record comes back
        ("set_primary", (fourth,)),
        ("change_image", (second, "https://bilder.minbil.no/kontrakt/1.jpg")),
        ("rename", (second, "Familiebil")),  # a nickname alone leaves the image alone
        ("refresh", (second,)),
        ("details", (second, "registration_number")),
        ("unlink", (second, "registration_number")),
        ("unlink", (second, "reg")),  # not linked any more: 404
        ("set_primary", (second,)),
        ("rename", (second, "Ingen")),  # not linked: 404
        ("unlink", (fourth, "reg")),
        ("unlink", (third, "reg")),
        ("unlink", (first, "reg")),
    ]
    machine.clean_slate()
    machine.server_agrees_with_model()
    for name, arguments in steps:
        if name == PAUSE:
            if let_time_pass is not None:
                let_time_pass()
            continue
        getattr(machine, name)(*arguments)
        machine.server_agrees_with_model()
    machine.teardown()


def _walk_preferences(machine_class: type[RuleBasedStateMachine]) -> None:
    machine: Any = machine_class()
    machine.read_current()
    current = machine.model
    flip = not current["message.new"]["push"]
    machine.update({"message.new": {"push": flip}})
    machine.server_agrees_with_model()
    machine.update({"booking.accepted": {"email": False, "push": True}, "rating.reminder": {"email": True}})
    machine.server_agrees_with_model()
    for poison in ("unknown-event", "unknown-channel", "not-a-boolean"):
        machine.rejected_update([("message.new", "push"), ("booking.declined", "email")], poison)
        machine.server_agrees_with_model()
    machine.teardown()
