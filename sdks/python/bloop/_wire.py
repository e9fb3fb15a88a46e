"""The wire format: caps in UTF-8 bytes, JSON-safe values, signing and batching.

Everything here is byte-compatible with bloop-api (``Signatures``, ``Utf8``) and the server's limits,
and checked against ``sdks/conformance/vectors.json`` by the tests.
"""
import hashlib
import hmac
import json
import math
from collections.abc import Mapping
from typing import Any, Dict, List, Optional, Sequence

MESSAGE_BYTES = 2048
STACK_BYTES = 8192
METADATA_BYTES = 4096
FINGERPRINT_CHARS = 256  # counted as the server counts them: UTF-16 code units
BODY_BYTES = 32768
BATCH_EVENTS = 50
SPANS_PER_TRACE = 100
TRACE_ID_CHARS = 128

EVENT_FIELDS = (
    "timestamp", "source", "environment", "release", "error_type", "message", "app_version",
    "build_number", "route_or_procedure", "screen", "stack", "http_status", "request_id",
    "user_id_hash", "device_id_hash", "fingerprint", "metadata",
)

# '{"events":[' + ']}' (or the traces equivalent is computed from the key).
_MAX_DEPTH = 8


def clean_text(value: str) -> str:
    """The string as it can travel in UTF-8: lone surrogates (from surrogateescape) become '?'."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return value.encode("utf-8", "replace").decode("utf-8")


def utf8_len(value: str) -> int:
    return len(value.encode("utf-8", "replace"))


def truncate_utf8(value: str, max_bytes: int) -> str:
    """The longest prefix of ``value`` that fits in ``max_bytes`` UTF-8 bytes, never splitting a
    character (as bloop-api's ``Utf8.truncate``)."""
    value = clean_text(value)
    raw = value.encode("utf-8")
    if len(raw) <= max_bytes:
        return value
    # Only the last character can be cut in half; "ignore" drops its leftover bytes.
    return raw[:max_bytes].decode("utf-8", "ignore")


def truncate_utf16(value: str, max_units: int) -> str:
    """At most ``max_units`` UTF-16 code units (Java's String.length), never splitting a pair."""
    if len(value) <= max_units // 2:
        return value
    units = 0
    for i, ch in enumerate(value):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > max_units:
            return value[:i]
    return value


def json_safe(value: Any, depth: int = 0, _seen: Optional[set] = None) -> Any:
    """A copy of ``value`` that ``json.dumps(allow_nan=False)`` accepts: dict keys as strings,
    tuples/sets as lists, NaN and infinities and unknown objects as their ``repr``, cycles cut."""
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, str):
        return clean_text(value)
    if depth >= _MAX_DEPTH:
        return "<too deep>"
    if _seen is None:
        _seen = set()
    if isinstance(value, (Mapping, list, tuple, set, frozenset)):
        if id(value) in _seen:
            return "<cycle>"
        _seen.add(id(value))
        try:
            if isinstance(value, Mapping):
                return {clean_text(k if isinstance(k, str) else str(k)): json_safe(v, depth + 1, _seen)
                        for k, v in value.items()}
            return [json_safe(v, depth + 1, _seen) for v in value]
        finally:
            _seen.discard(id(value))
    try:
        return clean_text(repr(value))
    except Exception:  # a broken __repr__ must not lose the event
        return "<%s>" % type(value).__name__


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON, as the SDKs send it (and as vectors.json's body_of builds bodies)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8", "replace")


def cap_metadata(metadata: Any) -> Optional[Dict[str, Any]]:
    """Metadata as the server accepts it: a JSON object of at most 4096 bytes. An oversized one is
    replaced by ``{"bloop_metadata_dropped": "<n> bytes ..."}`` (never a refused event); a value that
    is not a mapping is wrapped as ``{"value": ...}``."""
    if metadata is None:
        return None
    safe = json_safe(metadata)
    if not isinstance(safe, dict):
        safe = {"value": safe}
    if not safe:
        return None
    size = len(dumps(safe))
    if size > METADATA_BYTES:
        return {"bloop_metadata_dropped": "%d bytes is over the %d-byte cap" % (size, METADATA_BYTES)}
    return safe


def sign(secret: str, body: bytes) -> str:
    """Lower-case hex HMAC-SHA256 of the exact body bytes, keyed with the secret's UTF-8 bytes."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def envelope(key: str, items: Sequence[bytes]) -> bytes:
    """``{"<key>":[item,item,...]}`` from already serialized items (the body is built once)."""
    return b'{"' + key.encode("ascii") + b'":[' + b",".join(items) + b"]}"


def envelope_overhead(key: str) -> int:
    return len(envelope(key, []))


def batch_sizes(sizes: Sequence[int], key: str = "events", max_items: int = BATCH_EVENTS,
                max_body: int = BODY_BYTES) -> List[int]:
    """How many items go in each request, greedily and in order: a batch takes items while it holds
    at most ``max_items`` and its body fits in ``max_body`` bytes. An item too large on its own still
    goes alone (callers drop those before they are queued)."""
    out: List[int] = []
    count, body = 0, envelope_overhead(key)
    for size in sizes:
        extra = size + (1 if count else 0)
        if count and (count == max_items or body + extra > max_body):
            out.append(count)
            count, body = 0, envelope_overhead(key)
            extra = size
        count += 1
        body += extra
    if count:
        out.append(count)
    return out
