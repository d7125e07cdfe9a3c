"""A stateful step that did not carry its link's values cannot prove a created resource missing."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st
from schemathesis.core.result import Err, Ok
from schemathesis.engine.recorder import CaseNode
from schemathesis.generation.stateful.state_machine import ExtractedParam, Transition

from contracts.suites.stateful_links import unfollowed_link

plates = st.from_regex(r"[A-HJ-NPR-Z]{2}[0-9]{5}", fullmatch=True)


def _recorder(*, applied: bool, query=None, body=None, link_query=None, link_body=None):
    parameters = {}
    if link_query is not None:
        parameters["query"] = {
            name: ExtractedParam(
                definition="$response.body#/data/registration_number", value=Ok(value), is_required=True
            )
            for name, value in link_query.items()
        }
    request_body = (
        ExtractedParam(
            definition={"registration_number": "$response..."}, value=Ok(link_body), is_required=True
        )
        if link_body is not None
        else None
    )
    transition = Transition(
        id="linkVehicle -> 201 -> GetLinkedVehicle",
        parent_id="parent",
        is_inferred=False,
        parameters=parameters,
        request_body=request_body,
    )
    case = SimpleNamespace(path_parameters={}, query=query or {}, headers={}, cookies={}, body=body)
    node = CaseNode(value=case, parent_id="parent", transition=transition, is_transition_applied=applied)
    return SimpleNamespace(cases={"child": node})


@given(plates)
def test_a_step_that_used_its_links_values_is_not_dismissed(plate):
    recorder = _recorder(
        applied=True, query={"registration_number": plate}, link_query={"registration_number": plate}
    )
    assert unfollowed_link(recorder, "child") is None


@given(plates, plates)
def test_a_step_with_a_generated_parameter_instead_of_the_links_is_dismissed(linked, sent):
    recorder = _recorder(
        applied=True, query={"registration_number": sent}, link_query={"registration_number": linked}
    )
    reason = unfollowed_link(recorder, "child")
    assert (reason is None) == (linked == sent)


@given(plates, plates)
def test_a_step_with_a_generated_body_instead_of_the_links_is_dismissed(linked, sent):
    recorder = _recorder(
        applied=True, body={"registration_number": sent}, link_body={"registration_number": linked}
    )
    assert (unfollowed_link(recorder, "child") is None) == (linked == sent)


def test_a_step_recorded_as_not_applying_its_transition_is_dismissed():
    recorder = _recorder(
        applied=False, query={"registration_number": "BT57225"}, link_query={"registration_number": "BT57225"}
    )
    assert "did not use the values" in unfollowed_link(recorder, "child")


def test_a_link_whose_value_could_not_be_extracted_does_not_dismiss():
    recorder = _recorder(applied=True, query={"registration_number": "BT57225"})
    recorder.cases["child"].transition.parameters["query"] = {
        "registration_number": ExtractedParam(
            definition="$response.body#/x", value=Err(KeyError("x")), is_required=True
        )
    }
    assert unfollowed_link(recorder, "child") is None


def test_a_root_step_is_never_dismissed():
    recorder = SimpleNamespace(
        cases={
            "root": CaseNode(
                value=SimpleNamespace(), parent_id=None, transition=None, is_transition_applied=False
            )
        }
    )
    assert unfollowed_link(recorder, "root") is None
    assert unfollowed_link(recorder, "unknown") is None
