"""Each operation of a spec prepared once: what a request must look like to be served directly.

An operation is prepared only when every part of it is one the direct path reproduces exactly:
query and path parameters of type string or integer (no arrays, styles or nullables), bearer
security or none, no body or a body only in application/json, JSON answers only. Any other
operation is left to Connexion for every request.

An API whose handlers read the request themselves (`DirectApi.reads_request`: Connexion's request
validation and security stood aside for it, as the Navixy pack does for its own envelope) has its
operations prepared without parameters or body: Connexion accepts every request routed to them, so
the direct path only routes, gives the handler Connexion's request context and checks the answer.
"""

from __future__ import annotations

import copy
import inspect
import re
import typing as t
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from connexion.decorators.parameter import sanitized, unwrap_decorators
from connexion.operations import OpenAPIOperation
from connexion.resolver import Resolver
from connexion.spec import Specification
from connexion.utils import inspect_function_arguments, is_json_mimetype, is_nullable

from ..fast_validation import PARAMETER, REQUEST_BODY, RESPONSE_BODY, CompiledSchemas

JSON = "application/json"
# Digits only: Python's int() also takes " 7", "+7", "1_0" and "٧"; those are left to Connexion.
_INTEGER_TEXT = re.compile(r"[0-9]{1,18}\Z")
_CONVERTERS: dict[str, Callable[[str], t.Any]] = {"string": str, "integer": int}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
TokenInfo = Callable[[str], "Mapping[str, t.Any] | None"]


@dataclass(frozen=True)
class DirectApi:
    """An API's operations offered to the direct path: its spec as Connexion resolved it (refs
    followed), its handler for an operationId (the resolver it was added with), and where it is
    served."""

    specification: Specification
    resolve: Callable[[str], Callable[..., t.Any]]
    base_path: str = ""
    # The API's own validator map, when it was added with one (its answers checked the same way).
    validator_map: dict[str, t.Any] | None = None
    # Its handlers take no arguments and read `connexion.request`; Connexion checks nothing of the
    # request before them (the API stood request validation and security aside).
    reads_request: bool = False
    # Operations whose answer is the envelope below around data that depends only on the sandbox's
    # state and the request's arguments (and base URL): while nothing may have changed, its
    # encoded and checked data can be sent again (reuse.py). Not the clock, nor anything else.
    pure_reads: frozenset[str] = frozenset()
    envelope: Envelope | None = None


@dataclass(frozen=True)
class Envelope:
    """How an API wraps a JSON answer: `{data: ..., meta: {request_id, generated_at, ...}}`; the
    request id and the moment (on the sandbox's clock) are the parts made anew for every request."""

    data: str = "data"
    meta: str = "meta"
    request_id: str = "request_id"
    generated_at: str = "generated_at"


class MetaCheck(t.NamedTuple):
    """The compiled check of an envelope's `meta` alone; and where meta's own check is "each member
    passes its own", the checks of the request id and the moment alone (else None): a meta that
    passed, with only those two changed, passes exactly when they pass theirs."""

    whole: t.Any
    request_id: t.Any = None
    generated_at: t.Any = None


@dataclass(frozen=True)
class Reuse:
    """What it takes to send a pure read's answer again: its envelope, and for each documented
    (status, media type) the check of `meta` alone, where the whole answer's check is exactly "data
    passes and meta passes" (None: that answer is never reused)."""

    envelope: Envelope
    meta_checks: dict[tuple[int, str], MetaCheck | None]


class Unprepared(Exception):
    """This operation has a part the direct path does not reproduce; Connexion serves it."""


@dataclass(frozen=True)
class Parameter:
    name: str
    kwarg: str
    type: str
    required: bool
    validator: t.Any  # compiled; is_valid(value) -> bool

    def convert(self, text: str) -> tuple[bool, t.Any]:
        """(True, value) when Connexion would convert `text` to `value` and accept it."""
        if not text or (self.type == "integer" and not _INTEGER_TEXT.match(text)):
            return False, None
        value = _CONVERTERS[self.type](text)
        return bool(self.validator.is_valid(value)), value


@dataclass(frozen=True)
class Body:
    kwarg: str | None  # None: the handler does not take the body
    validator: t.Any


@dataclass(frozen=True)
class ResponseCheck:
    """What Connexion checks of an answer with one status and media type."""

    validator: t.Any | None  # None: no schema, any body passes
    required_headers: frozenset[str]


@dataclass
class DirectOperation:
    operation_id: str
    method: str  # upper case
    template: str  # with the API's base path
    connexion: OpenAPIOperation
    handler: Callable[..., t.Any]
    arguments: frozenset[str]
    query: dict[str, Parameter]
    path: dict[str, Parameter]
    query_defaults: dict[str, t.Any]  # kwarg -> converted default, for the handler's arguments only
    secured: bool
    body: Body | None
    body_defined: bool
    produces: tuple[str, ...]
    responses: dict[tuple[int, str], ResponseCheck] = field(default_factory=dict)
    validator_map: dict[str, t.Any] | None = None  # None: the engine's
    reads_request: bool = False  # see DirectApi.reads_request
    reuse: Reuse | None = None  # a pure read of its API (DirectApi.pure_reads)

    def passes_context(self, key: str) -> bool:
        return key in self.arguments


def prepare_operations(
    specification: Specification,
    handlers: Mapping[str, Callable[..., t.Any]],
    compiled: CompiledSchemas,
    *,
    base_path: str = "",
) -> list[DirectOperation]:
    """Every operation of the spec the direct path can serve, prepared."""
    return prepare_api(DirectApi(specification, handlers.__getitem__, base_path), compiled)


def prepare_api(api: DirectApi, compiled: CompiledSchemas) -> list[DirectOperation]:
    """Every operation of the API the direct path can serve, prepared."""
    resolver = Resolver(function_resolver=api.resolve)
    prepared = []
    for path, item in api.specification.get("paths", {}).items():
        for method in item:
            if method not in ("get", "put", "post", "delete", "patch"):
                continue
            operation = OpenAPIOperation.from_spec(
                api.specification, path=path, method=method, resolver=resolver
            )
            try:
                if api.reads_request:
                    direct = _prepare_reading(operation, api.base_path + path, compiled)
                else:
                    direct = _prepare(operation, api.base_path + path, compiled)
            except Unprepared:
                continue
            direct.validator_map = api.validator_map
            if api.envelope is not None and direct.operation_id in api.pure_reads:
                direct.reuse = _reuse(operation, api.envelope, compiled)
            prepared.append(direct)
    return prepared


def _prepare_reading(
    operation: OpenAPIOperation, template: str, compiled: CompiledSchemas
) -> DirectOperation:
    """An operation whose handler reads the request itself: routed, called, its answer checked."""
    signature = inspect.signature(unwrap_decorators(operation.function))
    if any(parameter.default is inspect.Parameter.empty for parameter in signature.parameters.values()):
        raise Unprepared("handlers that need arguments")  # **kwargs included
    produces = tuple(dict.fromkeys(operation.produces))
    if "{" in template or not produces or not all(is_json_mimetype(media) for media in produces):
        raise Unprepared("path parameters, or answers that are not JSON")
    return DirectOperation(
        operation_id=operation.operation_id,
        method=operation.method.upper(),
        template=template,
        connexion=operation,
        handler=operation.function,
        arguments=frozenset(),
        query={},
        path={},
        query_defaults={},
        secured=False,
        body=None,
        body_defined=operation.is_request_body_defined,
        produces=produces,
        responses=_responses(operation, compiled),
        reads_request=True,
    )


def _prepare(operation: OpenAPIOperation, template: str, compiled: CompiledSchemas) -> DirectOperation:
    handler = operation.function
    arguments, has_kwargs = inspect_function_arguments(unwrap_decorators(handler))
    if has_kwargs or "context_" in arguments:
        raise Unprepared("handlers taking **kwargs or the whole context")
    parameters = {"query": {}, "path": {}}  # type: dict[str, dict[str, Parameter]]
    defaults: dict[str, t.Any] = {}
    for definition in operation.parameters:
        location = definition["in"]
        parameter = _parameter(definition, compiled)
        if location not in parameters:
            raise Unprepared(f"{location} parameters")
        parameters[location][parameter.name] = parameter
        if location == "query" and "default" in definition["schema"] and parameter.kwarg in arguments:
            defaults[parameter.kwarg] = _default(definition, parameter)
    produces = tuple(dict.fromkeys(operation.produces))
    if not produces or not all(is_json_mimetype(media) for media in produces):
        raise Unprepared("answers that are not JSON")
    return DirectOperation(
        operation_id=operation.operation_id,
        method=operation.method.upper(),
        template=template,
        connexion=operation,
        handler=handler,
        arguments=frozenset(arguments),
        query=parameters["query"],
        path=parameters["path"],
        query_defaults=defaults,
        secured=_bearer_secured(operation),
        body=_body(operation, arguments, compiled),
        body_defined=operation.is_request_body_defined,
        produces=produces,
        responses=_responses(operation, compiled),
    )


def _default(definition: Mapping[str, t.Any], parameter: Parameter) -> t.Any:
    """The default Connexion passes for an absent query parameter: the spec's, converted to the type."""
    try:
        return _CONVERTERS[parameter.type](copy.deepcopy(definition["schema"]["default"]))
    except (TypeError, ValueError) as exc:
        raise Unprepared(f"default of {parameter.name}") from exc


def _parameter(definition: Mapping[str, t.Any], compiled: CompiledSchemas) -> Parameter:
    schema = definition.get("schema")
    name = definition["name"]
    if (
        not isinstance(schema, Mapping)
        or schema.get("type") not in _CONVERTERS
        or is_nullable(definition)
        or schema.get("format") == "binary"
        or "style" in definition
        or "explode" in definition
        or "content" in definition
        or "default" in definition
        or not _IDENTIFIER.match(name)
        or sanitized(name) != name
    ):
        raise Unprepared(f"parameter {name}")
    return Parameter(
        name=name,
        kwarg=name,
        type=schema["type"],
        required=bool(definition.get("required", False)),
        validator=compiled.validator(schema, PARAMETER),
    )


def _bearer_secured(operation: OpenAPIOperation) -> bool:
    """True for one bearer requirement, False for none; anything else stays with Connexion."""
    requirements = operation.security or []
    if not requirements:
        return False
    if len(requirements) != 1 or len(requirements[0]) != 1:
        raise Unprepared("more than one security requirement")
    ((name, scopes),) = requirements[0].items()
    scheme = operation.security_schemes.get(name, {})
    if scopes or scheme.get("type") != "http" or str(scheme.get("scheme", "")).lower() != "bearer":
        raise Unprepared("security other than one bearer scheme")
    return True


def _body(operation: OpenAPIOperation, arguments: list[str], compiled: CompiledSchemas) -> Body | None:
    if not operation.is_request_body_defined:
        return None
    if list(operation.consumes) != [JSON]:
        raise Unprepared("bodies in other media types")
    definition = operation.body_definition(JSON)
    schema = operation.body_schema(JSON)
    if not schema or is_nullable(definition):
        raise Unprepared("bodies without a schema, or nullable ones")
    name = sanitized(operation.body_name(JSON))
    return Body(
        kwarg=name if name in arguments else None,
        validator=compiled.validator(schema, REQUEST_BODY),
    )


def _responses(
    operation: OpenAPIOperation, compiled: CompiledSchemas
) -> dict[tuple[int, str], ResponseCheck]:
    """Only documented numeric statuses; any other answer takes Connexion's own validation."""
    checks = {}
    for status, definition in operation.responses.items():
        if not str(status).isdigit():
            continue
        required = frozenset(
            name.lower()
            for name, header in definition.get("headers", {}).items()
            if header.get("required", False)
        )
        for media in definition.get("content", {}):
            schema = operation.response_schema(status, media)
            validator = compiled.validator(schema, RESPONSE_BODY) if schema else None
            checks[(int(status), media)] = ResponseCheck(validator, required)
    return checks


# The keywords an envelope's schema may have for its check to be "each member passes its own".
_ENVELOPE_KEYWORDS = frozenset(
    {
        "type",
        "required",
        "properties",
        "additionalProperties",
        "description",
        "title",
        "example",
        "components",
    }
)


def _reuse(operation: OpenAPIOperation, envelope: Envelope, compiled: CompiledSchemas) -> Reuse:
    checks: dict[tuple[int, str], t.Any] = {}
    for status, definition in operation.responses.items():
        if not str(status).isdigit():
            continue
        for media in definition.get("content", {}):
            schema = operation.response_schema(status, media)
            checks[(int(status), media)] = _meta_check(schema, envelope, compiled)
    return Reuse(envelope, checks)


def _meta_check(schema: t.Any, envelope: Envelope, compiled: CompiledSchemas) -> MetaCheck | None:
    """The check of the meta member alone, when an answer {data, meta} passes the whole schema
    exactly when data passes its member's schema and meta passes this; else None."""
    members = _members(schema, {envelope.data, envelope.meta})
    if members is None:
        return None
    components = {"components": schema["components"]} if "components" in schema else {}
    meta = members[envelope.meta]
    whole = compiled.validator({**meta, **components}, RESPONSE_BODY)
    fresh = _members(meta, {envelope.request_id, envelope.generated_at}, exact=False)
    if fresh is None:
        return MetaCheck(whole)
    request_id, generated_at = (
        compiled.validator({**fresh[name], **components}, RESPONSE_BODY)
        for name in (envelope.request_id, envelope.generated_at)
    )
    return MetaCheck(whole, request_id, generated_at)


def _members(schema: t.Any, names: set[str], *, exact: bool = True) -> Mapping[str, t.Any] | None:
    """An object schema's member schemas, when its check is "each member passes its own" and it
    has the members `names` (only those, with `exact`); else None."""
    if not isinstance(schema, Mapping) or not set(schema) <= _ENVELOPE_KEYWORDS or schema.get("nullable"):
        return None
    properties = schema.get("properties")
    if (
        schema.get("type") != "object"
        or not isinstance(properties, Mapping)
        or not (set(properties) == names if exact else names <= set(properties))
        or not isinstance(schema.get("additionalProperties", True), bool)
        or not all(isinstance(properties[name], Mapping) for name in names)
    ):
        return None
    return properties
