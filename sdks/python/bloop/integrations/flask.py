"""Flask: ``init_app(app)`` reports the exceptions Flask turns into 500 responses (its
``got_request_exception`` signal), with the route template (``/orders/<int:order_id>``), method,
status and request id, and gives every capture inside a request (``logger.exception``,
``bloop.capture_exception``) the same context.

    from bloop.integrations.flask import init_app
    init_app(app)
"""
from typing import Any

from .. import _scope
from . import _client
from .wsgi import BloopWSGIMiddleware


def init_app(app: Any, client: Any = None) -> Any:
    import flask

    if getattr(app, "_bloop_installed", False):
        return app
    app._bloop_installed = True
    # Per-request scope (and exceptions that propagate out of Flask, e.g. with PROPAGATE_EXCEPTIONS).
    app.wsgi_app = BloopWSGIMiddleware(app.wsgi_app, client)

    def record_route() -> None:
        rule = getattr(flask.request, "url_rule", None)
        if rule is not None:
            _scope.update(route_or_procedure=rule.rule)

    app.before_request(record_route)

    def on_exception(sender: Any, exception: BaseException, **extra: Any) -> None:
        c = _client(client)
        if c is None:
            return
        try:
            rule = getattr(flask.request, "url_rule", None)
            route = rule.rule if rule is not None else flask.request.path
            context = _scope.current()
            metadata = dict(context.get("metadata") or {})
            metadata.update({"unhandled": True, "mechanism": "flask", "method": flask.request.method})
            c.capture_exception(exception, route_or_procedure=route, http_status=500,
                                request_id=flask.request.headers.get("X-Request-ID") or context.get("request_id"),
                                metadata=metadata)
        except Exception:
            pass

    flask.got_request_exception.connect(on_exception, app, weak=False)
    return app
