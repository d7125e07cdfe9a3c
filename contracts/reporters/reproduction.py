"""How a failure is told to a person: what broke, and the requests to send to see it again."""

from __future__ import annotations

from ..exchange import Secrets
from ..failures import Failure

# Long state-machine histories are cut to their end; the last requests are the ones that matter.
MAX_STEPS_SHOWN = 12


def describe(failure: Failure) -> str:
    return f"[{failure.rule_id}] {failure.rule_summary}"


def reproduction_steps(failure: Failure, secrets: Secrets) -> list[str]:
    """Numbered steps: method, URL, body, status, then the curl line to send it again."""
    steps = failure.steps[-MAX_STEPS_SHOWN:]
    skipped = len(failure.steps) - len(steps)
    lines: list[str] = []
    if skipped:
        lines.append(f"(first {skipped} step(s) of the sequence left out)")
    for number, step in enumerate(steps, start=skipped + 1):
        lines.append(f"{number}. {step.method} {secrets.redact(step.url)}")
        if step.request_body_text is not None:
            lines.append(f"   body: {secrets.redact(step.request_body_text)}")
        status = step.status if step.status is not None else "no response"
        answer = secrets.redact(step.response_body_text).replace("\r", "").replace("\n", "\\n")
        lines.append(f"   -> {status} {answer[:300]}")
        lines.append(f"   {step.curl(secrets)}")
    for curl in failure.curl_lines:
        lines.append(f"   {secrets.redact(curl)}")
    return lines
