"""A ``logging.Handler`` that reports ``logger.exception(...)`` (and, by default, every record at
its level or above) to bloop.

    import logging
    from bloop.integrations.logging import BloopHandler
    logging.getLogger().addHandler(BloopHandler())      # level ERROR by default

A record with an exception is reported as that exception (type, message, stack), the log message in
the metadata. A record without one is reported as a message event whose type is the logger's name
and whose stack is the line that logged it, so that each call site is its own issue. The SDK's own
logger (``bloop``) is never reported.
"""
import logging
from typing import Any, Optional

from .. import _wire
from . import _client


class BloopHandler(logging.Handler):
    def __init__(self, level: int = logging.ERROR, client: Any = None, capture_messages: bool = True) -> None:
        super().__init__(level)
        self.client = client
        self.capture_messages = capture_messages

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == "bloop" or record.name.startswith("bloop."):
            return
        try:
            client = _client(self.client)
            if client is None:
                return
            metadata = {"logger": record.name, "level": record.levelname}
            try:
                text: Optional[str] = record.getMessage()
            except Exception:
                text = str(record.msg)
            error = record.exc_info[1] if record.exc_info else None
            if error is not None:
                if text:
                    metadata["log_message"] = _wire.truncate_utf8(text, 1024)
                client.capture_exception(error, metadata=metadata)
            elif self.capture_messages:
                stack = '  File "%s", line %d, in %s\n' % (record.pathname, record.lineno, record.funcName)
                client.capture({"error_type": record.name, "message": text or "(empty log message)",
                                "stack": stack, **_scope_fields(), "metadata": _merged_metadata(metadata)})
        except Exception:
            pass  # never self.handleError(): that prints to stderr and reporting must stay silent


def _scope_fields() -> dict:
    from .. import _scope
    return {k: v for k, v in _scope.current().items() if k != "metadata" and v is not None}


def _merged_metadata(metadata: dict) -> dict:
    from .. import _scope
    out = dict(_scope.current().get("metadata") or {})
    out.update(metadata)
    return out
