"""WSGI middleware: reports exceptions raised by the application (also while the response body is
being produced) with the request's route, method, status and request id, then re-raises them.

    from bloop.integrations.wsgi import BloopWSGIMiddleware
    application = BloopWSGIMiddleware(application)
"""
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional

from .. import _scope
from . import _client

REQUEST_ID_HEADERS = ("HTTP_X_REQUEST_ID", "HTTP_X_CORRELATION_ID")


def request_fields(environ: Dict[str, Any]) -> Dict[str, Any]:
    request_id = None
    for header in REQUEST_ID_HEADERS:
        if environ.get(header):
            request_id = environ[header]
            break
    return {
        "route_or_procedure": (environ.get("SCRIPT_NAME") or "") + (environ.get("PATH_INFO") or "/"),
        "request_id": request_id,
        "metadata": {"method": environ.get("REQUEST_METHOD")},
    }


class BloopWSGIMiddleware:
    def __init__(self, app: Callable[..., Iterable[bytes]], client: Any = None) -> None:
        self.app = app
        self.client = client

    def __call__(self, environ: Dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        status: List[Optional[int]] = [None]

        def recording_start_response(status_line: str, headers: List[Any], exc_info: Any = None) -> Any:
            try:
                status[0] = int(str(status_line).split(" ", 1)[0])
            except ValueError:
                pass
            if exc_info is None:
                return start_response(status_line, headers)
            return start_response(status_line, headers, exc_info)

        token = _scope.push(request_fields(environ))
        try:
            try:
                result = self.app(environ, recording_start_response)
            except Exception as e:
                self._capture(e, status[0])
                raise
            return _Body(result, self, status, dict(_scope.current()))
        finally:
            _scope.pop(token)

    def _capture(self, error: BaseException, status: Optional[int], fields: Optional[Dict[str, Any]] = None) -> None:
        client = _client(self.client)
        if client is None:
            return
        context = dict(fields or _scope.current())
        metadata = dict(context.get("metadata") or {})
        metadata["unhandled"] = True
        metadata["mechanism"] = "wsgi"
        client.capture_exception(
            error, route_or_procedure=context.get("route_or_procedure"), request_id=context.get("request_id"),
            http_status=status if status is not None else 500, metadata=metadata)


class _Body:
    """The response iterable, passed through; an exception while iterating is reported, then raised.
    ``close()`` is forwarded as PEP 3333 requires."""

    def __init__(self, result: Iterable[bytes], middleware: BloopWSGIMiddleware, status: List[Optional[int]],
                 fields: Dict[str, Any]) -> None:
        self.result = result
        self.middleware = middleware
        self.status = status
        self.fields = fields

    def __iter__(self) -> Iterator[bytes]:
        # No scope is pushed here: a generator left unfinished (client gone) would leak it into the
        # thread's next request. The request's fields are passed explicitly instead.
        iterator = iter(self.result)
        while True:
            try:
                chunk = next(iterator)
            except StopIteration:
                return
            except Exception as e:
                self.middleware._capture(e, self.status[0], self.fields)
                raise
            yield chunk

    def close(self) -> None:
        close = getattr(self.result, "close", None)
        if close is not None:
            try:
                close()
            except Exception as e:
                self.middleware._capture(e, self.status[0], self.fields)
                raise
