"""A drop-in Connexion AsyncApp that does its per-operation set-up once, not on every request.

Stock Connexion 3.3 rebuilds each operation's decorator chain on every request (AsyncOperation.fn
is a property: it wraps the handler again and runs inspect.signature on it), and its security
handlers run inspect.signature on the token function twice per request. A profile of
`GET /api/co/vehicles` put between a sixth and a fifth of the request's time there. Nothing in that set-up
depends on the request (the wrappers read the request from Connexion's context when called), so
here it runs once per operation and is kept. Routing, validation and responses are unchanged.

For operations without a request body, a request without a Content-Type has neither body nor form
files, so their parameters are bound without asking Connexion for either (stock Connexion parses
an empty form on every GET); anything else takes Connexion's own path.
"""

from __future__ import annotations

import functools
import typing as t

from connexion import AsyncApp
from connexion.apps.asynchronous import AsyncApi, AsyncOperation
from connexion.context import receive, scope
from connexion.decorators.main import StarletteDecorator
from connexion.decorators.parameter import (
    AsyncParameterDecorator,
    inspect_function_arguments,
    prep_kwargs,
    unwrap_decorators,
)
from connexion.lifecycle import ConnexionRequest
from connexion.operations import AbstractOperation
from connexion.security import AbstractSecurityHandler


class _BodylessParameters(AsyncParameterDecorator):
    def __init__(self, *, body_defined: bool, **kwargs: t.Any) -> None:
        super().__init__(**kwargs)
        self._body_defined = body_defined
        # Parameter names are sanitised on every request; the answer never changes.
        self.sanitize_fn = functools.lru_cache(maxsize=256)(self.sanitize_fn)

    def __call__(self, function: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        standard = super().__call__(function)
        arguments, has_kwargs = inspect_function_arguments(unwrap_decorators(function))
        if self._body_defined or has_kwargs:
            return standard

        @functools.wraps(function)
        async def wrapper(request: ConnexionRequest) -> t.Any:
            if "content-type" in request.headers:
                return await standard(request)
            kwargs = prep_kwargs(
                request,
                request_body=None,
                files={},
                arguments=arguments,
                has_kwargs=False,
                sanitize=self.sanitize_fn,
            )
            return await function(**kwargs)

        return wrapper


class _DecorateOnce(StarletteDecorator):
    def __init__(self, *, body_defined: bool, **kwargs: t.Any) -> None:
        super().__init__(**kwargs)
        self._body_defined = body_defined

    @property
    def _parameter_decorator_cls(self) -> t.Any:
        return functools.partial(_BodylessParameters, body_defined=self._body_defined)

    def __call__(self, function: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        decorated = self.decorate(function)

        @functools.wraps(function)
        async def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
            request = self.framework.get_request(uri_parser=self.uri_parser, scope=scope, receive=receive)
            return await decorated(request)

        return wrapper


class _PreparedOperation(AsyncOperation):
    body_defined = True  # until from_operation says otherwise: Connexion's own path is always right

    @classmethod
    def from_operation(cls, operation: AbstractOperation, **kwargs: t.Any) -> AsyncOperation:
        prepared = super().from_operation(operation, **kwargs)
        prepared.body_defined = operation.is_request_body_defined  # type: ignore[attr-defined]
        return prepared

    @functools.cached_property
    def fn(self) -> t.Callable[..., t.Any]:  # type: ignore[override]  # a property upstream
        decorator = _DecorateOnce(
            body_defined=self.body_defined, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier
        )
        return decorator(self._fn)


class _PreparedApi(AsyncApi):
    def make_operation(self, operation: AbstractOperation) -> AsyncOperation:
        return _PreparedOperation.from_operation(
            operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier
        )


def _introspect_once(handler_cls: type[AbstractSecurityHandler]) -> type[AbstractSecurityHandler]:
    """The handler class, remembering which keywords each token function accepts."""
    accepts: dict[tuple[t.Callable[..., t.Any], str], bool] = {}
    upstream = handler_cls._accepts_kwarg

    def _accepts_kwarg(func: t.Callable[..., t.Any], keyword: str) -> bool:
        key = (func, keyword)
        if key not in accepts:
            accepts[key] = upstream(func, keyword)
        return accepts[key]

    return type(handler_cls.__name__, (handler_cls,), {"_accepts_kwarg": staticmethod(_accepts_kwarg)})


class PreparedAsyncApp(AsyncApp):
    """AsyncApp whose operations and security handlers are prepared once; same arguments."""

    # What the HTTP protocol may answer itself (direct/wire.py); set by create_app.
    wire: t.Any = None

    def __init__(
        self, import_name: str, *, security_map: dict[str, t.Any] | None = None, **kwargs: t.Any
    ) -> None:
        prepared_security = {name: _introspect_once(cls) for name, cls in (security_map or {}).items()}
        super().__init__(import_name, security_map=prepared_security or None, **kwargs)
        self._middleware_app.api_cls = _PreparedApi
