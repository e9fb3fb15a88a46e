"""bloop-sdk: report errors (and LLM traces) from Python to a bloop server.

    import bloop
    bloop.init(endpoint="https://bloop.example.com", secret=os.environ["BLOOP_SECRET"],
               environment="prod", release="1.4.2")
    try:
        ...
    except Exception as e:
        bloop.capture_exception(e)

Uncaught exceptions of every thread are reported by default, and what is queued is sent at exit.
"""
import threading
from typing import Any, Mapping, Optional

from ._scope import scope
from .client import BloopClient
from .llm import Span, Trace, current_span, current_trace, wrap_openai

__version__ = "0.1.0"

_client: Optional[BloopClient] = None
_lock = threading.Lock()


def init(endpoint: Optional[str] = None, secret: Optional[str] = None, **options: Any) -> BloopClient:
    """Creates the global client (closing a previous one) and returns it. Options: see BloopClient;
    unset endpoint/secret/project_key/environment/release are read from BLOOP_ENDPOINT, BLOOP_SECRET,
    BLOOP_PROJECT_KEY, BLOOP_ENVIRONMENT and BLOOP_RELEASE. Without an endpoint and a secret the
    client is disabled (every call is a no-op)."""
    global _client
    client = BloopClient(endpoint, secret, **options)
    with _lock:
        previous, _client = _client, client
    if previous is not None:
        previous.close()
    return client


def get_client() -> Optional[BloopClient]:
    return _client


def capture_exception(error: Optional[BaseException] = None, **context: Any) -> bool:
    """Reports ``error`` (default: the exception being handled). See BloopClient.capture_exception."""
    client = _client
    return client.capture_exception(error, **context) if client is not None else False


def capture_message(error_type: str, message: Optional[str] = None, **context: Any) -> bool:
    """``capture_message("PaymentDeclined", "card declined")`` or ``capture_message("text")``."""
    client = _client
    return client.capture_message(error_type, message, **context) if client is not None else False


def capture(event: Mapping[str, Any]) -> bool:
    client = _client
    return client.capture(event) if client is not None else False


def flush(timeout: Optional[float] = None) -> bool:
    client = _client
    return client.flush(timeout) if client is not None else True


def close(timeout: Optional[float] = None) -> bool:
    """Flushes and closes the global client, restoring the hooks it installed."""
    global _client
    with _lock:
        client, _client = _client, None
    return client.close(timeout) if client is not None else True


def trace(name: str, **kwargs: Any) -> Trace:
    """Starts an LLM trace sent through the global client when it ends (see bloop.llm)."""
    return Trace(name, **kwargs)


__all__ = [
    "BloopClient", "Span", "Trace", "__version__", "capture", "capture_exception", "capture_message", "close",
    "current_span", "current_trace", "flush", "get_client", "init", "scope", "trace", "wrap_openai",
]
