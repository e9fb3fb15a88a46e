"""One signed POST of a batch, and what the answer means for the batch."""
import email.utils
import json
import logging
import time
import urllib.error
import urllib.request
from typing import Dict, Optional, Sequence

from . import _wire

logger = logging.getLogger("bloop")

SENT = "sent"          # 2xx: done
REFUSED = "refused"    # other 4xx (and redirects): retrying the same bytes cannot help; dropped
RETRY = "retry"        # 429/503 (after Retry-After), 5xx and network errors (after backoff)

DEFAULT_RETRY_AFTER = 60.0  # seconds, when a 429/503 carries no Retry-After (as Sentry)
MAX_RETRY_AFTER = 3600.0


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None  # a redirected POST would lose its body or its signature: report the 3xx


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date. None if unreadable."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        return min(MAX_RETRY_AFTER, max(0.0, float(int(value))))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    current = time.time() if now is None else now
    return min(MAX_RETRY_AFTER, max(0.0, when.timestamp() - current))


class Outcome:
    __slots__ = ("kind", "status", "retry_after", "detail")

    def __init__(self, kind: str, status: int = 0, retry_after: Optional[float] = None, detail: str = "") -> None:
        self.kind = kind
        self.status = status
        self.retry_after = retry_after  # seconds from the server; None = back off by our own schedule
        self.detail = detail

    def __repr__(self) -> str:
        return "Outcome(%s, %s, %s)" % (self.kind, self.status, self.retry_after)


class Transport:
    def __init__(self, endpoint: str, secret: str, project_key: Optional[str], timeout: float) -> None:
        base = endpoint.rstrip("/")
        self.urls = {"events": base + "/v1/ingest/batch", "traces": base + "/v1/traces/batch"}
        self.secret = secret
        self.project_key = project_key
        self.timeout = timeout
        self._opener = urllib.request.build_opener(_NoRedirect())

    def headers(self, body: bytes) -> Dict[str, str]:
        h = {"Content-Type": "application/json", "X-Signature": _wire.sign(self.secret, body),
             "User-Agent": "bloop-sdk-python"}
        if self.project_key:
            h["X-Project-Key"] = self.project_key
        return h

    def send(self, key: str, items: Sequence[bytes], timeout: Optional[float] = None) -> Outcome:
        body = _wire.envelope(key, items)  # serialized once; these exact bytes are signed
        try:
            request = urllib.request.Request(self.urls[key], data=body, headers=self.headers(body), method="POST")
            with self._opener.open(request, timeout=timeout or self.timeout) as response:
                answer = response.read(65536)
                self._log_refused_items(answer)
                return Outcome(SENT, response.status)
        except urllib.error.HTTPError as e:
            status = e.code
            retry_after = parse_retry_after(e.headers.get("Retry-After") if e.headers else None)
            try:
                detail = e.read(300).decode("utf-8", "replace")
            except Exception:
                detail = ""
            finally:
                e.close()
            if status in (429, 503):
                return Outcome(RETRY, status, DEFAULT_RETRY_AFTER if retry_after is None else retry_after, detail)
            if status >= 500:
                return Outcome(RETRY, status, None, detail)
            return Outcome(REFUSED, status, None, detail)
        except Exception as e:  # URLError, timeouts, resets, bad status lines: the network
            return Outcome(RETRY, 0, None, "%s: %s" % (type(e).__name__, e))

    @staticmethod
    def _log_refused_items(answer: bytes) -> None:
        try:
            errors = json.loads(answer.decode("utf-8")).get("errors") or []
        except Exception:
            return
        for err in errors[:5]:
            if isinstance(err, dict):
                logger.warning("bloop refused an event (index %s): %s", err.get("index"), err.get("error"))

