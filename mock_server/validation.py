"""Request validators that report every broken rule as a field list (in words, mock_server/schema_errors.py),
and never 500 on bad bytes."""

from __future__ import annotations

import json
import typing as t

from connexion.datastructures import MediaTypeDict
from connexion.exceptions import ProblemException
from connexion.utils import is_null, is_nullable
from connexion.validators import (
    VALIDATOR_MAP,
    FormDataValidator,
    JSONRequestBodyValidator,
    MultiPartFormDataValidator,
    ParameterValidator,
)
from jsonschema import Draft4Validator, ValidationError
from jsonschema.exceptions import best_match
from starlette.datastructures import FormData
from starlette.formparsers import MultiPartException
from starlette.types import Scope

from .fast_validation import PARAMETER, REQUEST_BODY, CompiledSchemas, response_validator_class
from .problems import CATALOGUE
from .schema_errors import field_errors, readable

_V = t.TypeVar("_V")


class RequestRejected(ProblemException):
    """A request broke a schema rule; carries the stable code and per-field errors."""

    def __init__(self, code: str, detail: str, errors: list[dict[str, str]] | None = None) -> None:
        kind = CATALOGUE[code]
        super().__init__(status=kind.status, title=kind.title, detail=detail)
        self.code = code
        self.errors = errors or []


class StructuredJSONBodyValidator(JSONRequestBodyValidator):
    compiled_schemas: CompiledSchemas | None = None  # one app's compiled validators, see validator_map()

    async def _parse(self, stream: t.AsyncGenerator[bytes, None], scope: Scope) -> t.Any:
        raw = b"".join([message async for message in stream])
        try:
            text = raw.decode(self._encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise RequestRejected("INVALID_JSON", f"The body is not valid {self._encoding} text.") from exc
        if not text:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise RequestRejected("INVALID_JSON", f"The body is not valid JSON: {exc}.") from exc

    def _validate(self, body: t.Any) -> dict | None:
        if not self._nullable and body is None:
            raise RequestRejected(
                "VALIDATION_FAILED",
                "The request body must not be empty.",
                [{"field": "body", "message": "required"}],
            )
        compiled = self.compiled_schemas
        if compiled is not None and compiled.accepts(self._schema, REQUEST_BODY, body):
            return None  # the compiled check passed; the Python one below explains rejections
        _reject_body(self._validator.iter_errors(body))
        return None


def _reject_body(found: t.Iterable[ValidationError]) -> None:
    """RequestRejected with a field error per broken rule of a body, if any; a missing plate alone
    has its own code."""
    errors = sorted(found, key=lambda e: list(e.absolute_path))
    if not errors:
        return
    fields = field_errors(errors, "body")
    code = (
        "REGISTRATION_NUMBER_REQUIRED"
        if {"body.registration_number"} == {f["field"] for f in fields} and errors[0].validator == "required"
        else "VALIDATION_FAILED"
    )
    raise RequestRejected(code, "; ".join(f"{f['field']}: {f['message']}" for f in fields), fields)


class StructuredParameterValidator(ParameterValidator):
    compiled_schemas: CompiledSchemas | None = None  # one app's compiled validators, see validator_map()

    def validate_parameter(  # type: ignore[override]  # Connexion's is static; it is called on self
        self, parameter_type: str, value: t.Any, param: dict, param_name: str | None = None
    ) -> str | None:
        if (
            self.compiled_schemas is not None
            and value is not None
            and not (is_nullable(param) and is_null(value))
            and self.compiled_schemas.accepts(param.get("schema", param), PARAMETER, value)
        ):
            return None
        message = ParameterValidator.validate_parameter(parameter_type, value, param, param_name)
        if message is None or value is None:
            return message
        # The rule Connexion reported, in words: its own message prints an enum as a Python list.
        schema = param.get("schema", param)
        error = best_match(
            Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER).iter_errors(value)
        )
        return message if error is None else readable(error)

    def validate_request(self, request: t.Any) -> None:
        fields: list[dict[str, str]] = []
        if self.strict_validation:
            for name in self.validate_query_parameter_list(
                request, security_params=self.security_query_params
            ):
                fields.append({"field": name, "message": "unknown query parameter"})
        checks = {
            "query": self.validate_query_parameter,
            "path": self.validate_path_parameter,
            "header": self.validate_header_parameter,
            "cookie": self.validate_cookie_parameter,
        }
        for location, check in checks.items():
            for param in self.parameters.get(location, []):
                error = check(param, request)
                if error:
                    fields.append({"field": param["name"], "message": error.splitlines()[0]})
        if fields:
            raise RequestRejected(
                "VALIDATION_FAILED", "; ".join(f"{f['field']}: {f['message']}" for f in fields), fields
            )


class _ReadableForm:
    """A form body that cannot be parsed (no boundary, broken parts) is the client's error, and one
    that breaks the schema gets the same per-field errors as a JSON body.

    Validation parses the form on its own; the uploads it parsed are closed here, or every upload
    would leave a temporary file behind.
    """

    def _validate(self, body: t.Any) -> dict | None:
        if not isinstance(body, dict):
            return super()._validate(body)  # type: ignore[misc]
        if self._strict_validation:  # type: ignore[attr-defined]
            self._validate_params_strictly(body)  # type: ignore[attr-defined]
        _reject_body(self._validator.iter_errors(body))  # type: ignore[attr-defined]
        return None

    async def _parse(self, stream: t.AsyncGenerator[bytes, None], scope: Scope) -> t.Any:
        parsed: list[FormData] = []
        base = super()._form_parser_cls  # type: ignore[misc]

        class ClosingParser(base):  # type: ignore[valid-type, misc]
            async def parse(self) -> FormData:
                form = await super().parse()
                parsed.append(form)
                return form

        self._parser_override = ClosingParser
        try:
            return await super()._parse(stream, scope)  # type: ignore[misc]
        except (MultiPartException, ValueError, KeyError) as exc:
            raise RequestRejected(
                "VALIDATION_FAILED",
                f"The form body could not be read: {exc}.",
                [{"field": "body", "message": "unreadable form data"}],
            ) from exc
        finally:
            for form in parsed:
                await form.close()

    @property
    def _form_parser_cls(self) -> t.Any:
        return getattr(self, "_parser_override", None) or super()._form_parser_cls  # type: ignore[misc]


class StructuredFormValidator(_ReadableForm, FormDataValidator):
    pass


class StructuredMultiPartValidator(_ReadableForm, MultiPartFormDataValidator):
    pass


def validator_map(compiled: CompiledSchemas | None = None) -> dict[str, t.Any]:
    # Compiled validators live as long as the app whose spec they were built from.
    compiled = compiled if compiled is not None else CompiledSchemas()
    bodies = MediaTypeDict(dict(VALIDATOR_MAP["body"]))
    bodies["*/*json"] = _bound(StructuredJSONBodyValidator, compiled)
    bodies["application/x-www-form-urlencoded"] = StructuredFormValidator
    bodies["multipart/form-data"] = StructuredMultiPartValidator
    responses = MediaTypeDict(dict(VALIDATOR_MAP["response"]))
    responses["*/*json"] = response_validator_class(compiled)
    parameters = _bound(StructuredParameterValidator, compiled)
    return {"parameter": parameters, "body": bodies, "response": responses}


def _bound(cls: type[_V], compiled: CompiledSchemas) -> type[_V]:
    return type(cls.__name__, (cls,), {"compiled_schemas": compiled})
