"""Django: add ``"bloop.integrations.django.BloopMiddleware"`` to ``MIDDLEWARE`` (first is best).

Exceptions Django turns into 500 responses (its ``got_request_exception`` signal; not ``Http404``,
``PermissionDenied`` or bad requests) are reported with the URL pattern (``/orders/<int:order_id>/``),
method, status and request id; every capture inside a request (``logger.exception``,
``bloop.capture_exception``) gets the same context. Call ``bloop.init(...)`` in settings.py or in an
``AppConfig.ready()``.
"""
import sys
from typing import Any, Callable, Optional

from .. import _scope
from . import _client

_client_override: Optional[Any] = None


def _route(request: Any) -> str:
    match = getattr(request, "resolver_match", None)
    route = getattr(match, "route", None) if match is not None else None
    if isinstance(route, str) and route:
        return route if route.startswith(("/", "^")) else "/" + route
    return getattr(request, "path", None) or "/"


def _on_exception(sender: Any, request: Any = None, **extra: Any) -> None:
    c = _client(_client_override)
    if c is None:
        return
    try:
        error = sys.exc_info()[1]
        if error is None:
            return
        context = _scope.current()
        metadata = dict(context.get("metadata") or {})
        metadata.update({"unhandled": True, "mechanism": "django"})
        request_id = context.get("request_id")
        if request is not None:
            metadata["method"] = getattr(request, "method", None)
            request_id = request.META.get("HTTP_X_REQUEST_ID") or request_id
        c.capture_exception(error, route_or_procedure=_route(request) if request is not None else None,
                            http_status=500, request_id=request_id, metadata=metadata)
    except Exception:
        pass


def install(client: Any = None) -> None:
    """Connects the 500 signal (BloopMiddleware does it too); ``client`` defaults to the global one."""
    global _client_override
    from django.core.signals import got_request_exception

    if client is not None:
        _client_override = client
    got_request_exception.connect(_on_exception, weak=False, dispatch_uid="bloop-got-request-exception")


class BloopMiddleware:
    sync_capable = True
    async_capable = False

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response
        install()

    def __call__(self, request: Any) -> Any:
        token = _scope.push({"route_or_procedure": getattr(request, "path", None),
                             "request_id": request.META.get("HTTP_X_REQUEST_ID"),
                             "metadata": {"method": getattr(request, "method", None)}})
        try:
            return self.get_response(request)
        finally:
            _scope.pop(token)

    def process_view(self, request: Any, view_func: Any, view_args: Any, view_kwargs: Any) -> None:
        _scope.update(route_or_procedure=_route(request))
        return None
