"""Per-request (or per-job) context added to every capture made inside it: route, request id, user,
metadata. Kept in a ``contextvars.ContextVar`` so threads and asyncio tasks each see their own."""
import contextlib
import contextvars
from typing import Any, Dict, Iterator, Mapping, Optional

_current: "contextvars.ContextVar[Optional[Dict[str, Any]]]" = contextvars.ContextVar("bloop_scope", default=None)

SCOPE_FIELDS = ("route_or_procedure", "screen", "http_status", "request_id", "user_id_hash",
                "device_id_hash", "fingerprint", "metadata")


def current() -> Dict[str, Any]:
    return _current.get() or {}


def merged(fields: Mapping[str, Any]) -> Dict[str, Any]:
    """The current scope with ``fields`` on top (None values do not override; metadata is merged)."""
    out = dict(current())
    for key, value in fields.items():
        if value is None:
            continue
        if key == "metadata" and isinstance(value, Mapping) and isinstance(out.get("metadata"), Mapping):
            combined = dict(out["metadata"])
            combined.update(value)
            out["metadata"] = combined
        else:
            out[key] = value
    return out


def push(fields: Mapping[str, Any]) -> "contextvars.Token[Optional[Dict[str, Any]]]":
    return _current.set(merged(fields))


def pop(token: "contextvars.Token[Optional[Dict[str, Any]]]") -> None:
    try:
        _current.reset(token)
    except ValueError:  # reset from another context (e.g. a generator finished elsewhere)
        _current.set(None)


def update(**fields: Any) -> None:
    """Adds to the scope in place (e.g. the route, once the framework has resolved it)."""
    _current.set(merged(fields))


@contextlib.contextmanager
def scope(route: Optional[str] = None, *, request_id: Optional[str] = None, user_id_hash: Optional[str] = None,
          device_id_hash: Optional[str] = None, screen: Optional[str] = None, http_status: Optional[int] = None,
          fingerprint: Optional[str] = None, metadata: Optional[Mapping[str, Any]] = None) -> Iterator[None]:
    """Context for every capture inside the block::

        with bloop.scope("job:send_invoice", metadata={"invoice": 42}):
            send_invoice(42)   # an error captured here carries the route and metadata
    """
    token = push({"route_or_procedure": route, "request_id": request_id, "user_id_hash": user_id_hash,
                  "device_id_hash": device_id_hash, "screen": screen, "http_status": http_status,
                  "fingerprint": fingerprint, "metadata": metadata})
    try:
        yield
    finally:
        pop(token)
