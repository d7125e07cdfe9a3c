"""Every link the spec documents, followed once on purpose: the resource it promises must be there.

schemathesis's stateful phase follows links at random and reaches some of them in a run; this walk
reaches each one, with the values the link itself extracts. A link target that answers 404 for the
resource its source just returned breaks `conformance.resource-availability`; a read that still finds
the resource after a link's DELETE removed it breaks `conformance.use-after-free`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..client import ApiClient, ApiResponse
from ..context import SuiteContext
from ..failures import CheckSkipped, expect
from ..spec import Operation, load_spec, operations, resolve

RULE = "conformance.resource-availability"


@dataclass(frozen=True)
class Link:
    source: str  # operationId
    status: str
    name: str
    target: str  # operationId
    parameters: dict[str, str]  # "query.registration_number" -> runtime expression
    request_body: Any

    @property
    def label(self) -> str:
        return f"{self.source} -> {self.status} -> {self.name}"


def documented_links(document: dict[str, Any]) -> list[Link]:
    found = []
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            for status, response in operation.get("responses", {}).items():
                for name, link in (resolve(document, response).get("links") or {}).items():
                    link = resolve(document, link)
                    found.append(
                        Link(
                            operation["operationId"],
                            str(status),
                            name,
                            link["operationId"],
                            dict(link.get("parameters") or {}),
                            link.get("requestBody"),
                        )
                    )
    return found


def run(ctx: SuiteContext) -> None:
    document = load_spec(ctx.options.spec_path)
    by_id = {operation.operation_id: operation for operation in operations(ctx.options.spec_path)}
    links = documented_links(document)
    for source in dict.fromkeys(link.source for link in links):
        outgoing = [link for link in links if link.source == source]
        ctx.run_check(
            f"links from {source}",
            lambda source=source, outgoing=outgoing: _follow(ctx, by_id, by_id[source], outgoing),
        )


def _follow(ctx: SuiteContext, by_id: dict[str, Operation], source: Operation, links: list[Link]) -> None:
    usable = [link for link in links if not (ctx.options.read_only and _mutating(by_id, link))]
    if not usable:
        raise CheckSkipped("read-only mode: these links lead to or from operations that change data")
    api = ctx.client()
    # Links to operations that remove what the source made come last, so the others still find it;
    # following one puts the server back where the source's other answer (201 rather than 200) is given.
    pending = sorted(usable, key=lambda link: _removes(by_id, link))
    reached: list[Link] = []
    for _ in range(3 * len(usable)):
        if not pending:
            break
        sent = _send_source(api, source, ctx.options.plates)
        here = [link for link in pending if link.status == str(sent.response.status)]
        if here:
            if _follow_one(api, by_id, here[0], sent):
                reached.append(here[0])
                if _removes(by_id, here[0]):
                    _expect_gone(api, by_id, usable, here[0], sent)
            pending.remove(here[0])
            continue
        reset = next(
            (link for link in usable if link.status == str(sent.response.status) and _removes(by_id, link)),
            None,
        )
        if reset is None:
            break
        _follow_one(api, by_id, reset, sent)
    missed = [link.label for link in usable if link not in reached]
    ctx.progress(
        f"links from {source.operation_id}: followed {len(reached)} of {len(usable)}"
        + (f" (not reached: {', '.join(missed)})" if missed else "")
    )
    if not reached:
        raise CheckSkipped(f"no link of {source.operation_id} could be followed: {', '.join(missed)}")


def _follow_one(api: ApiClient, by_id: dict[str, Operation], link: Link, sent: _Sent) -> bool:
    """Follows `link` from the answer `sent`; False when the answer holds nothing to follow."""
    target = by_id[link.target]
    request = _target_request(target, link, sent)
    if request is None:
        return False
    response = api.request(target.method, request.path, params=request.query or None, **request.body)
    expect(
        200 <= response.status < 300,
        RULE,
        f"{link.label}: {target.label} answered {response.status} for what {link.source} just "
        "returned, not 2xx",
        sent.response.exchange,
        response.exchange,
    )
    return True


def _expect_gone(
    api: ApiClient, by_id: dict[str, Operation], links: list[Link], removal: Link, sent: _Sent
) -> None:
    """After a link's DELETE succeeded, the reads that led to the same resource must answer 404."""
    for read in [
        link for link in links if link.status == removal.status and by_id[link.target].method == "GET"
    ]:
        request = _target_request(by_id[read.target], read, sent)
        if request is None:
            continue
        response = api.get(request.path, params=request.query or None)
        expect(
            response.status == 404,
            "conformance.use-after-free",
            f"after {removal.label} succeeded, {read.label} still answered {response.status}, not 404",
            sent.response.exchange,
            response.exchange,
        )


def _removes(by_id: dict[str, Operation], link: Link) -> bool:
    return by_id[link.target].method == "DELETE"


@dataclass(frozen=True)
class _Sent:
    path: str
    query: dict[str, str]
    body: Any
    response: ApiResponse


@dataclass(frozen=True)
class _Request:
    path: str
    query: dict[str, str]
    body: dict[str, Any]


def _send_source(api: ApiClient, source: Operation, plates: tuple[str, ...]) -> _Sent:
    body = source.sample_body
    if isinstance(body, dict) and "registration_number" in body and plates:
        body = {**body, "registration_number": plates[0]}  # a plate this server can look up
    extra: dict[str, Any] = {} if body is None else {"json_body": body}
    response = api.request(source.method, source.sample_path, params=source.sample_query or None, **extra)
    return _Sent(source.sample_path, dict(source.sample_query), body, response)


def _target_request(target: Operation, link: Link, sent: _Sent) -> _Request | None:
    path, query = target.path, dict(target.sample_query)
    sample_path_values = _path_values(target.path, target.sample_path)
    values: dict[str, str] = {}
    for key, expression in link.parameters.items():
        location, _, name = key.rpartition(".")
        value = evaluate(expression, sent)
        if value is None:
            return None
        if location == "path" or (not location and "{" + name + "}" in target.path):
            values[name] = str(value)
        else:
            query[name] = str(value)
    for name, value in {**sample_path_values, **values}.items():
        path = path.replace("{" + name + "}", value)
    if link.request_body is not None:
        body = _evaluate_nested(link.request_body, sent)
        return _Request(path, query, {"json_body": body})
    return _Request(path, query, {} if target.sample_body is None else {"json_body": target.sample_body})


def _path_values(template: str, sample: str) -> dict[str, str]:
    names = [part[1:-1] for part in template.split("/") if part.startswith("{")]
    values = [s for t, s in zip(template.split("/"), sample.split("/"), strict=False) if t.startswith("{")]
    return dict(zip(names, values, strict=False))


def _mutating(by_id: dict[str, Operation], link: Link) -> bool:
    return by_id[link.target].mutates or by_id[link.source].mutates


def evaluate(expression: Any, sent: _Sent) -> Any:
    """A runtime expression of OpenAPI 3.0 (the subset links use); None when it names nothing."""
    if not isinstance(expression, str) or not expression.startswith("$"):
        return expression
    if expression.startswith("$response.body#"):
        return _pointer(_json(sent.response), expression.split("#", 1)[1])
    if expression.startswith("$request.body#"):
        return _pointer(sent.body, expression.split("#", 1)[1])
    if expression.startswith("$request.query."):
        return sent.query.get(expression.removeprefix("$request.query."))
    if expression.startswith("$response.header."):
        return sent.response.headers.get(expression.removeprefix("$response.header."))
    if expression == "$statusCode":
        return sent.response.status
    return None


def _evaluate_nested(value: Any, sent: _Sent) -> Any:
    if isinstance(value, dict):
        return {key: _evaluate_nested(inner, sent) for key, inner in value.items()}
    if isinstance(value, list):
        return [_evaluate_nested(inner, sent) for inner in value]
    return evaluate(value, sent)


def _json(response: ApiResponse) -> Any:
    try:
        return response.json()
    except Exception:  # not JSON: the link has nothing to extract (conformance reports the body)
        return None


def _pointer(document: Any, pointer: str) -> Any:
    current = document
    for token in _tokens(pointer):
        if isinstance(current, dict):
            current = current.get(token)
        elif isinstance(current, list) and token.isdigit() and int(token) < len(current):
            current = current[int(token)]
        else:
            return None
    return current


def _tokens(pointer: str) -> Iterator[str]:
    for part in pointer.lstrip("/").split("/") if pointer.strip("/") else []:
        yield part.replace("~1", "/").replace("~0", "~")
