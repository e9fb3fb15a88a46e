"""ASGI middleware (Starlette, FastAPI, Django ASGI, any ASGI 3 app): reports exceptions raised by
the application with the route (the route template when the framework sets ``scope["route"]``),
method, status and request id, then re-raises them.

    from bloop.integrations.asgi import BloopASGIMiddleware
    app = BloopASGIMiddleware(app)
"""
from typing import Any, Awaitable, Callable, Dict, MutableMapping, Optional

from .. import _scope
from . import _client

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]


def _header(scope: Scope, name: bytes) -> Optional[str]:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            try:
                return value.decode("latin-1")
            except Exception:
                return None
    return None


def route_of(scope: Scope) -> str:
    """The route template if the framework recorded it (Starlette/FastAPI: ``scope["route"].path``),
    else the path."""
    route = scope.get("route")
    template = getattr(route, "path", None) or getattr(route, "path_format", None)
    if isinstance(template, str) and template:
        return template
    if isinstance(route, str) and route:
        return route
    return (scope.get("root_path") or "") + (scope.get("path") or "/")


class BloopASGIMiddleware:
    def __init__(self, app: Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
                                      Awaitable[None]], client: Any = None) -> None:
        self.app = app
        self.client = client

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        if scope.get("type") not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        status: Dict[str, Optional[int]] = {"value": None}

        async def recording_send(message: Message) -> None:
            if message.get("type") == "http.response.start":
                status["value"] = message.get("status")
            await send(message)

        token = _scope.push({"route_or_procedure": route_of(scope),
                             "request_id": _header(scope, b"x-request-id"),
                             "metadata": {"method": scope.get("method") or scope.get("type")}})
        try:
            await self.app(scope, receive, recording_send)
        except Exception as e:
            client = _client(self.client)
            if client is not None:
                context = _scope.current()
                metadata = dict(context.get("metadata") or {})
                metadata.update({"unhandled": True, "mechanism": "asgi"})
                client.capture_exception(
                    e, route_or_procedure=route_of(scope), request_id=context.get("request_id"),
                    http_status=status["value"] if status["value"] is not None else 500, metadata=metadata)
            raise
        finally:
            _scope.pop(token)
