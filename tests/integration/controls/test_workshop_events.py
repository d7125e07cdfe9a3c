"""The workshop side of a booking, and the notifications it would send under the owner's preferences."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.packs.carowner.domain.models import NOTIFICATION_EVENTS
from mock_server.packs.carowner.service_log_store import LogFilter
from mock_server.packs.carowner.state import owner_state
from tests.integration.controls.conftest import Controls


def _booked(controls: Controls, token: str, plate: str = "EL23456") -> str:
    answer = controls.event(token, type="booking.requested", registration_number=plate)
    assert answer.status_code == 201, answer.text
    return answer.json()["booking"]["id"]


def test_a_booking_goes_through_its_life_and_completion_writes_the_service_log(
    shared_controls: Controls,
) -> None:
    token = shared_controls.new_sandbox("one-car")
    sandbox = shared_controls.sandbox(token)
    last_km = max(e.mileage_km for e in owner_state(sandbox).service_log.select(LogFilter(plate="EL23456")))
    booking_id = _booked(shared_controls, token)
    for event in ("booking.accepted", "booking.completed"):
        assert shared_controls.event(token, type=event, booking_id=booking_id).status_code == 201
    booking = shared_controls.call("GET", "/__mock/sandbox/bookings", token).json()["bookings"][0]
    newest = shared_controls.call("GET", "/api/co/service-log/latest", token, params={"limit": 1}).json()[
        "data"
    ][0]
    assert booking["status"] == "completed" and booking["service_log_id"] == newest["id"]
    assert newest["booking_id"] == booking_id and newest["mileage_km"] > last_km
    assert newest["items"] and newest["total_price_nok"] == sum(i["price_nok"] for i in newest["items"])
    assert newest["workshop"]["org_nr"] == booking["workshop"]["org_nr"]


def test_completion_schedules_a_rating_reminder_a_day_later(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox("one-car")
    booking_id = _booked(shared_controls, token)
    shared_controls.event(token, type="booking.accepted", booking_id=booking_id)
    done = shared_controls.event(token, type="booking.completed", booking_id=booking_id).json()
    assert shared_controls.notifications(token, event="rating.reminder") == []
    moved = shared_controls.call("POST", "/__mock/sandbox/clock", token, json={"hours": 25}).json()
    reminders = [n for n in moved["notifications"] if n["event"] == "rating.reminder"]
    assert {n["channel"] for n in reminders} == {"email", "push"}
    assert all(n["service_log_id"] == done["service_log_entry_id"] for n in reminders)
    assert "vurdering" in reminders[0]["body"]


def test_a_declined_booking_cannot_be_completed(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox("one-car")
    booking_id = _booked(shared_controls, token)
    declined = shared_controls.event(
        token, type="booking.declined", booking_id=booking_id, reason="Fullbooket."
    )
    completed = shared_controls.event(token, type="booking.completed", booking_id=booking_id)
    assert declined.status_code == 201 and "Fullbooket." in declined.json()["notifications"][0]["body"]
    assert completed.status_code == 409 and completed.json()["code"] == "BOOKING_STATE_CONFLICT"


def test_an_update_moves_the_appointment_and_tells_the_owner(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox("one-car")
    booking_id = _booked(shared_controls, token)
    answer = shared_controls.event(
        token, type="booking.updated", booking_id=booking_id, appointment_date="2031-03-04"
    )
    assert answer.json()["booking"]["appointment_date"] == "2031-03-04"
    assert "4. mars 2031" in answer.json()["notifications"][0]["body"]


def test_a_workshop_message_joins_the_thread_and_counts(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox("one-car")
    entry = shared_controls.call("GET", "/api/co/service-log/latest", token, params={"limit": 1}).json()[
        "data"
    ][0]
    answer = shared_controls.event(
        token, type="message.new", service_log_id=entry["id"], body="Bilen er klar."
    )
    assert answer.status_code == 201 and answer.json()["message_count"] == entry["message_count"] + 1
    thread = shared_controls.call("GET", f"/api/co/service-log/messages/{entry['id']}", token).json()["data"]
    assert (
        thread["messages"][-1]["body"] == "Bilen er klar." and thread["messages"][-1]["sender"] == "workshop"
    )
    assert thread["messages"][-1]["read_at"] is None


def test_a_mileage_below_the_last_reading_is_refused(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox("one-car")
    booking_id = _booked(shared_controls, token)
    shared_controls.event(token, type="booking.accepted", booking_id=booking_id)
    answer = shared_controls.event(token, type="booking.completed", booking_id=booking_id, mileage_km=1)
    assert answer.status_code == 409 and answer.json()["code"] == "MILEAGE_NOT_ABOVE_LAST"


def test_unknown_bookings_cars_and_workshops_are_404(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox("one-car")
    answers = {
        "BOOKING_NOT_FOUND": shared_controls.event(
            token, type="booking.accepted", booking_id="5b1c2e9a-3f4d-5e6f-8a9b-0c1d2e3f4a5b"
        ),
        "VEHICLE_NOT_LINKED": shared_controls.event(
            token, type="booking.requested", registration_number="CV12345"
        ),
        "WORKSHOP_NOT_FOUND": shared_controls.event(
            token, type="booking.requested", registration_number="EL23456", workshop_org_nr="123456789"
        ),
        "SERVICE_LOG_NOT_FOUND": shared_controls.event(
            token, type="message.new", service_log_id=999999, body="Hei"
        ),
    }
    assert {code: a.status_code for code, a in answers.items()} == dict.fromkeys(answers, 404)
    assert {a.json()["code"] for a in answers.values()} == set(answers)


def test_an_event_of_one_type_with_fields_of_another_is_rejected(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox("one-car")
    answer = shared_controls.event(token, type="booking.accepted", registration_number="EL23456")
    assert answer.status_code == 400 and answer.json()["code"] == "VALIDATION_FAILED"


@settings(max_examples=15, deadline=None)
@given(
    prefs=st.dictionaries(
        st.sampled_from(NOTIFICATION_EVENTS),
        st.fixed_dictionaries({"email": st.booleans(), "push": st.booleans()}),
    )
)
def test_notifications_go_out_exactly_on_the_channels_the_owner_wants(
    shared_controls: Controls, prefs: dict
) -> None:
    token = shared_controls.new_sandbox("one-car")
    assert shared_controls.call("PUT", "/api/co/settings/notifications", token, json=prefs).status_code == 200
    wanted = owner_state(shared_controls.sandbox(token)).preferences
    booking_id = _booked(shared_controls, token)
    shared_controls.event(token, type="booking.accepted", booking_id=booking_id)
    done = shared_controls.event(token, type="booking.completed", booking_id=booking_id).json()
    shared_controls.event(token, type="message.new", service_log_id=done["service_log_entry_id"], body="Hei!")
    shared_controls.call("POST", "/__mock/sandbox/clock", token, json={"days": 2})
    sent = {
        (n["event"], n["channel"])
        for n in shared_controls.notifications(token)
        if not n["event"].startswith("eu_")
    }
    events = ("booking.requested", "booking.accepted", "booking.completed", "message.new", "rating.reminder")
    expected = {
        (event, channel) for event in events for channel in ("email", "push") if wanted[event][channel]
    }
    assert sent == expected
