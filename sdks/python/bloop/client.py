"""The bloop client: capture, queue, send, flush, close."""
import atexit
import logging
import os
import random
import re
import signal
import sys
import threading
import time
import weakref
from types import FrameType, TracebackType
from typing import Any, Callable, Dict, List, Mapping, Optional, Type

from . import _scope, _stack, _wire
from ._queue import PendingQueue
from ._transport import REFUSED, SENT, Transport

logger = logging.getLogger("bloop")

_SOURCE = re.compile(r"^[a-z0-9_-]{1,32}$")
_CAPTURED = "__bloop_captured__"
_KEYS = ("events", "traces")

# threading.__excepthook__ only exists from Python 3.10.
_ORIGINAL_THREADING_HOOK = getattr(threading, "__excepthook__", threading.excepthook)

BeforeSend = Callable[[Dict[str, Any]], Optional[Dict[str, Any]]]


class BloopClient:
    """Reports errors (and LLM traces) to a bloop server.

    Capturing never blocks and never raises: events are checked, capped and serialized on the calling
    thread, then wait in a bounded queue (full: the oldest is dropped and counted) for one background
    sender, which posts signed batches of at most 50 events and 32 KB every ``flush_interval`` seconds
    or as soon as a batch is full. 429/503 are retried after ``Retry-After``, network errors and 5xx
    with exponential backoff; other 4xx drop the batch and are logged once.

    With ``auto_capture`` (default) uncaught exceptions of the main thread (``sys.excepthook``) and of
    other threads (``threading.excepthook``) are reported, then handed to the hooks installed before.
    At interpreter exit pending events are sent synchronously, for at most ``shutdown_timeout``
    seconds. ``close()`` flushes, stops the sender and restores every hook.
    """

    def __init__(
        self,
        endpoint: Optional[str] = None,
        secret: Optional[str] = None,
        *,
        project_key: Optional[str] = None,
        environment: Optional[str] = None,
        release: Optional[str] = None,
        source: str = "python",
        app_version: Optional[str] = None,
        build_number: Optional[str] = None,
        flush_interval: float = 2.0,
        max_queue_size: int = 1000,
        max_batch_size: int = _wire.BATCH_EVENTS,
        shutdown_timeout: float = 2.0,
        request_timeout: float = 5.0,
        min_backoff: float = 1.0,
        max_backoff: float = 60.0,
        auto_capture: bool = True,
        install_signal_handlers: bool = False,
        before_send: Optional[BeforeSend] = None,
        before_send_trace: Optional[BeforeSend] = None,
    ) -> None:
        endpoint = endpoint if endpoint is not None else os.environ.get("BLOOP_ENDPOINT")
        secret = secret if secret is not None else os.environ.get("BLOOP_SECRET")
        if project_key is None:
            project_key = os.environ.get("BLOOP_PROJECT_KEY") or None
        self.environment = environment or os.environ.get("BLOOP_ENVIRONMENT") or "production"
        self.release = release or os.environ.get("BLOOP_RELEASE") or "unknown"
        if not isinstance(source, str) or not _SOURCE.match(source):
            raise ValueError("source must match [a-z0-9_-]{1,32}, got %r" % (source,))
        if not 1 <= max_batch_size <= _wire.BATCH_EVENTS:
            raise ValueError("max_batch_size must be between 1 and %d" % _wire.BATCH_EVENTS)
        if max_queue_size < 1:
            raise ValueError("max_queue_size must be at least 1")
        for name, value in (("flush_interval", flush_interval), ("shutdown_timeout", shutdown_timeout),
                            ("request_timeout", request_timeout), ("min_backoff", min_backoff),
                            ("max_backoff", max_backoff)):
            if not value > 0:
                raise ValueError("%s must be a positive number of seconds" % name)
        if endpoint and not endpoint.startswith(("http://", "https://")):
            raise ValueError("endpoint must be an http(s) URL, got %r" % (endpoint,))
        self.source = source
        self.app_version = app_version
        self.build_number = build_number
        self.flush_interval = float(flush_interval)
        self.max_batch_size = int(max_batch_size)
        self.shutdown_timeout = float(shutdown_timeout)
        self.min_backoff = float(min_backoff)
        self.max_backoff = float(max_backoff)
        self.before_send = before_send
        self.before_send_trace = before_send_trace
        # Without an endpoint and a secret (e.g. BLOOP_* unset on a laptop) the client does nothing.
        self.enabled = bool(endpoint and secret)
        if not self.enabled:
            logger.info("bloop: no endpoint or secret given, error reporting is off")
        self._transport = Transport(endpoint or "http://127.0.0.1", secret or "", project_key, float(request_timeout))
        self._cond = threading.Condition(threading.RLock())
        self._queues = {key: PendingQueue(int(max_queue_size), self._cond) for key in _KEYS}
        self._not_before = {key: 0.0 for key in _KEYS}
        self._backoff = {key: self.min_backoff for key in _KEYS}
        self._logged_refusals: Dict[str, set] = {key: set() for key in _KEYS}
        self._failing = {key: False for key in _KEYS}
        self._flush_requests = 0
        self._send_now = False
        self._stop = False
        self._closing = False
        self._closed = False
        self._close_result = True
        self._close_lock = threading.Lock()
        self._sender: Optional[threading.Thread] = None
        self._sender_pid = 0
        self._prev_excepthook: Optional[Callable[..., Any]] = None
        self._prev_threading_hook: Optional[Callable[..., Any]] = None
        self._prev_sigterm: Any = None
        self._signal_installed = False
        self._hooks_installed = False
        self._atexit_registered = False
        if self.enabled:
            _register_fork_handler(self)
            atexit.register(self._at_exit)
            self._atexit_registered = True
            if auto_capture:
                self.install_hooks()
            if install_signal_handlers:
                self.install_signal_handlers()

    # ----------------------------------------------------------------------------------- capture

    def capture_exception(
        self,
        error: Optional[BaseException] = None,
        *,
        route: Optional[str] = None,
        route_or_procedure: Optional[str] = None,
        screen: Optional[str] = None,
        http_status: Optional[int] = None,
        request_id: Optional[str] = None,
        user_id_hash: Optional[str] = None,
        device_id_hash: Optional[str] = None,
        fingerprint: Optional[str] = None,
        metadata: Optional[Mapping[str, Any]] = None,
    ) -> bool:
        """Reports ``error`` (by default the exception being handled): its type, message and stack,
        causes included. Returns True if the event was queued. The same exception object is reported
        once, however many integrations see it."""
        try:
            if error is None:
                error = sys.exc_info()[1]
            if error is None or not self._accepting():
                return False
            if getattr(error, _CAPTURED, False):
                return False
            try:
                setattr(error, _CAPTURED, True)
            except Exception:
                pass
            message = _stack.exception_message(error)
            event = {
                "error_type": _stack.type_name(type(error)),
                "message": message if message.strip() else "(no message)",
                "stack": _stack.format_stack(error) or None,
            }
            return self._capture_fields(event, dict(
                route_or_procedure=route_or_procedure or route, screen=screen, http_status=http_status,
                request_id=request_id, user_id_hash=user_id_hash, device_id_hash=device_id_hash,
                fingerprint=fingerprint, metadata=metadata))
        except Exception:
            logger.debug("bloop: capture_exception failed", exc_info=True)
            return False

    def capture_message(
        self,
        error_type: str,
        message: Optional[str] = None,
        *,
        route: Optional[str] = None,
        route_or_procedure: Optional[str] = None,
        screen: Optional[str] = None,
        http_status: Optional[int] = None,
        request_id: Optional[str] = None,
        user_id_hash: Optional[str] = None,
        device_id_hash: Optional[str] = None,
        fingerprint: Optional[str] = None,
        metadata: Optional[Mapping[str, Any]] = None,
    ) -> bool:
        """An error without an exception: ``capture_message("PaymentDeclined", "card 4 declined")``,
        or ``capture_message("something odd")`` (error type ``Message``). No stack is sent, so the
        server groups it by type, message and route."""
        try:
            if not self._accepting():
                return False
            if message is None:
                error_type, message = "Message", error_type
            event = {"error_type": error_type, "message": message}
            return self._capture_fields(event, dict(
                route_or_procedure=route_or_procedure or route, screen=screen, http_status=http_status,
                request_id=request_id, user_id_hash=user_id_hash, device_id_hash=device_id_hash,
                fingerprint=fingerprint, metadata=metadata))
        except Exception:
            logger.debug("bloop: capture_message failed", exc_info=True)
            return False

    def capture(self, event: Mapping[str, Any]) -> bool:
        """A fully built event (the wire fields of SPEC §2); missing timestamp, source, environment and
        release take the client's. Fields the server does not know are left out."""
        try:
            if not self._accepting() or not isinstance(event, Mapping):
                return False
            return self._enqueue_event(dict(event))
        except Exception:
            logger.debug("bloop: capture failed", exc_info=True)
            return False

    def _capture_fields(self, event: Dict[str, Any], context: Dict[str, Any]) -> bool:
        fields = _scope.merged(context)
        for key in _scope.SCOPE_FIELDS:
            if fields.get(key) is not None:
                event[key] = fields[key]
        return self._enqueue_event(event)

    def _accepting(self) -> bool:
        if not self.enabled:
            return False
        if self._closing:
            self._queues["events"].count_dropped()
            return False
        return True

    def _enqueue_event(self, event: Dict[str, Any]) -> bool:
        event.setdefault("timestamp", int(time.time() * 1000))
        event.setdefault("source", self.source)
        event.setdefault("environment", self.environment)
        event.setdefault("release", self.release)
        if self.app_version is not None:
            event.setdefault("app_version", self.app_version)
        if self.build_number is not None:
            event.setdefault("build_number", self.build_number)
        if self.before_send is not None:
            try:
                result = self.before_send(event)
            except Exception:
                logger.warning("bloop: before_send raised; the event is dropped", exc_info=True)
                self._queues["events"].count_dropped()
                return False
            if result is None:
                return False
            event = dict(result)
        data = _wire.dumps(self.within_caps(event))
        if len(data) > _wire.BODY_BYTES - _wire.envelope_overhead("events"):
            logger.warning("bloop: an event of %d bytes is over the %d-byte body cap; dropped",
                           len(data), _wire.BODY_BYTES)
            self._queues["events"].count_dropped()
            return False
        self._ensure_sender()
        self._queues["events"].add(data)
        return True

    def within_caps(self, event: Mapping[str, Any]) -> Dict[str, Any]:
        """The event as the server accepts it: known fields only, no nulls, required fields filled,
        strings capped in UTF-8 bytes (message 2 KB, stack 8 KB), metadata at most 4 KB."""
        out: Dict[str, Any] = {}
        unknown = [k for k in event if k not in _wire.EVENT_FIELDS]
        if unknown:
            logger.debug("bloop: fields the server does not accept are left out: %s", unknown)
        for key in _wire.EVENT_FIELDS:
            value = event.get(key)
            if value is None:
                continue
            if key == "timestamp":
                try:
                    value = int(value)
                except (TypeError, ValueError):
                    value = int(time.time() * 1000)
                if value <= 0:
                    value = int(time.time() * 1000)
            elif key == "http_status":
                try:
                    value = int(value)
                except (TypeError, ValueError):
                    continue
                if not 100 <= value <= 599:
                    continue
            elif key == "metadata":
                value = _wire.cap_metadata(value)
                if value is None:
                    continue
            else:
                value = _wire.clean_text(value if isinstance(value, str) else str(value))
                if key == "message":
                    value = _wire.truncate_utf8(value, _wire.MESSAGE_BYTES)
                elif key == "stack":
                    value = _wire.truncate_utf8(value, _wire.STACK_BYTES)
                elif key == "fingerprint":
                    value = _wire.truncate_utf16(value, _wire.FINGERPRINT_CHARS)
                if not value.strip() and key not in ("message", "error_type", "environment", "release"):
                    continue
            out[key] = value
        if not isinstance(out.get("source"), str) or not _SOURCE.match(out["source"]):
            out["source"] = self.source
        for key, default in (("environment", self.environment), ("release", self.release),
                             ("error_type", "Error"), ("message", "(no message)")):
            if not isinstance(out.get(key), str) or not out[key].strip():
                out[key] = default
        out.setdefault("timestamp", int(time.time() * 1000))
        # The server's field order does not matter; keep timestamp first for readability.
        return {k: out[k] for k in _wire.EVENT_FIELDS if k in out}

    # ----------------------------------------------------------------------------------- traces

    def trace(self, name: str, **kwargs: Any) -> "Any":
        """Starts an LLM trace (see ``bloop.llm.Trace``); use it as a context manager."""
        from .llm import Trace
        return Trace(name, client=self, **kwargs)

    def _enqueue_trace(self, trace: Dict[str, Any]) -> bool:
        try:
            if not self._accepting():
                return False
            if self.before_send_trace is not None:
                try:
                    result = self.before_send_trace(trace)
                except Exception:
                    logger.warning("bloop: before_send_trace raised; the trace is dropped", exc_info=True)
                    self._queues["traces"].count_dropped()
                    return False
                if result is None:
                    return False
                trace = dict(result)
            from .llm import trace_within_caps
            data = trace_within_caps(trace, _wire.BODY_BYTES - _wire.envelope_overhead("traces"))
            if data is None:
                logger.warning("bloop: a trace is over the %d-byte body cap even without its content; dropped",
                               _wire.BODY_BYTES)
                self._queues["traces"].count_dropped()
                return False
            self._ensure_sender()
            self._queues["traces"].add(data)
            return True
        except Exception:
            logger.debug("bloop: trace capture failed", exc_info=True)
            return False

    # ----------------------------------------------------------------------------------- flush/close

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Sends everything captured before this call, waiting at most ``timeout`` seconds (default
        ``shutdown_timeout``). True when all of it left the queue (sent, refused by the server, or
        dropped); False on timeout."""
        if not self.enabled:
            return True
        if threading.current_thread() is self._sender:
            return False
        timeout = self.shutdown_timeout if timeout is None else max(0.0, float(timeout))
        deadline = time.monotonic() + timeout
        with self._cond:
            targets = {key: q.enqueued for key, q in self._queues.items()}
            if all(q.resolved >= targets[key] for key, q in self._queues.items()):
                return True
        if not self._ensure_sender():
            # No sender thread (Python 3.12+ refuses new threads at interpreter shutdown): send here.
            self._send_inline(deadline)
        with self._cond:
            self._flush_requests += 1
            self._cond.notify_all()
        try:
            return all(self._queues[key].wait_resolved(targets[key], deadline) for key in _KEYS)
        finally:
            with self._cond:
                self._flush_requests -= 1

    def _send_inline(self, deadline: float) -> None:
        while time.monotonic() < deadline and any(len(q) for q in self._queues.values()):
            if all(time.monotonic() < self._not_before[k] for k, q in self._queues.items() if len(q)):
                return  # backing off: nothing may be sent before the deadline
            self._send_due(max(0.1, deadline - time.monotonic()))

    def close(self, timeout: Optional[float] = None) -> bool:
        """Flushes (at most ``timeout`` seconds, default ``shutdown_timeout``), stops the sender,
        restores the hooks it installed. Later captures are no-ops. Idempotent."""
        with self._close_lock:
            if self._closed or self._closing:
                return self._close_result
            self._closing = True
        try:
            self.uninstall_hooks()
            self.uninstall_signal_handlers()
            if self._atexit_registered:
                atexit.unregister(self._at_exit)
                self._atexit_registered = False
            ok = self.flush(timeout) if self.enabled else True
            with self._cond:
                self._stop = True
                self._cond.notify_all()
            sender = self._sender
            if sender is not None and sender is not threading.current_thread():
                sender.join(0.2)
            lost = sum(q.abandon() for q in self._queues.values())
            if lost:
                logger.warning("bloop: %d events not sent within %.1f s of close", lost,
                               self.shutdown_timeout if timeout is None else timeout)
            self._close_result = ok and lost == 0
        except Exception:
            logger.debug("bloop: close failed", exc_info=True)
            self._close_result = False
        self._closed = True
        return self._close_result

    @property
    def dropped_events(self) -> int:
        """Events dropped: queue full, client closed, unencodable, too large, or not sent at close."""
        return self._queues["events"].dropped

    @property
    def pending_events(self) -> int:
        return len(self._queues["events"])

    @property
    def dropped_traces(self) -> int:
        return self._queues["traces"].dropped

    def _at_exit(self) -> None:
        # Interpreter exit: a synchronous, bounded flush in this (main) thread. The sender is a daemon
        # thread, so it must never be the one the exit waits for.
        try:
            pending = sum(len(q) for q in self._queues.values())
            if pending:
                logger.debug("bloop: sending %d pending items, waiting up to %.1f s", pending, self.shutdown_timeout)
            self.close(self.shutdown_timeout)
        except Exception:
            pass

    # ----------------------------------------------------------------------------------- sender

    def _ensure_sender(self) -> bool:
        """Starts the sender thread if it is not running (first capture, after a fork). False when no
        thread can run it."""
        sender = self._sender
        if sender is not None and sender.is_alive() and self._sender_pid == os.getpid():
            return True
        with self._cond:
            if self._stop:
                return False
            sender = self._sender
            if sender is not None and sender.is_alive() and self._sender_pid == os.getpid():
                return True
            self._sender_pid = os.getpid()
            # Daemon: it must never keep the interpreter alive; the exit flush happens in atexit.
            self._sender = threading.Thread(target=self._run, name="bloop-sender", daemon=True)
            try:
                self._sender.start()
            except RuntimeError:
                self._sender = None
                return False
            return True

    def _after_fork_in_child(self) -> None:
        # The parent's sender thread did not come along, and its lock may have been held at the fork.
        # What the parent queued is the parent's to send: the child starts empty.
        self._cond = threading.Condition(threading.RLock())
        for q in self._queues.values():
            q.reset(self._cond)
        self._sender = None
        self._sender_pid = 0
        self._flush_requests = 0
        self._send_now = False
        self._not_before = {key: 0.0 for key in _KEYS}

    def _ready(self, now: float) -> bool:
        """A queue that is not backing off has a full batch, or someone asked to send now."""
        for key, q in self._queues.items():
            if not len(q) or now < self._not_before[key]:
                continue
            if len(q) >= self.max_batch_size or self._flush_requests > 0 or self._send_now:
                return True
        return False

    def _next_wake(self, now: float, tick: float) -> float:
        wake = tick
        for key, q in self._queues.items():
            if len(q) and self._not_before[key] > now:
                wake = min(wake, self._not_before[key])
        return wake

    def _run(self) -> None:
        _keep_process_signals_off_this_thread()
        try:
            while True:
                with self._cond:
                    tick = time.monotonic() + self.flush_interval
                    while not self._stop:
                        now = time.monotonic()
                        if self._ready(now) or now >= tick:
                            break
                        self._cond.wait(max(0.001, self._next_wake(now, tick) - now))
                    if self._stop:
                        return
                    self._send_now = False
                self._send_due()
        except Exception:
            logger.error("bloop: the sender stopped", exc_info=True)

    def _send_due(self, timeout: Optional[float] = None) -> None:
        """Sends every queue that is not backing off, batch after batch, until it is empty."""
        for key in _KEYS:
            q = self._queues[key]
            limit = self.max_batch_size if key == "events" else _wire.BATCH_EVENTS
            while not self._stop and time.monotonic() >= self._not_before[key]:
                batch = q.take(limit, _wire.BODY_BYTES, _wire.envelope_overhead(key))
                if not batch:
                    break
                outcome = self._transport.send(key, batch, timeout)
                if outcome.kind == SENT:
                    q.mark_resolved(len(batch))
                    self._backoff[key] = self.min_backoff
                    if self._failing[key]:
                        logger.info("bloop: %s delivered again", key)
                        self._failing[key] = False
                elif outcome.kind == REFUSED:
                    q.mark_resolved(len(batch))
                    self._log_refusal(key, outcome.status, outcome.detail, len(batch))
                else:  # RETRY
                    q.put_back(batch)
                    if outcome.retry_after is not None:
                        wait = outcome.retry_after
                    else:
                        base = self._backoff[key]
                        wait = base / 2 + random.random() * base / 2
                        self._backoff[key] = min(self.max_backoff, base * 2)
                    with self._cond:
                        self._not_before[key] = time.monotonic() + wait
                    level = logging.DEBUG if self._failing[key] else logging.WARNING
                    logger.log(level, "bloop: sending %s failed (%s), retrying in %.1f s",
                               key, outcome.status or outcome.detail, wait)
                    self._failing[key] = True
                    break

    def _log_refusal(self, key: str, status: int, detail: str, count: int) -> None:
        first = status not in self._logged_refusals[key]
        self._logged_refusals[key].add(status)
        hint = ""
        if status == 401:
            hint = " (check the secret and project key)"
        logger.log(logging.ERROR if first else logging.DEBUG, "bloop: the server refused %d %s with %s%s: %s",
                   count, key, status, hint, detail[:300])

    # ----------------------------------------------------------------------------------- hooks

    def install_hooks(self) -> None:
        """Reports uncaught exceptions (``sys.excepthook``, ``threading.excepthook``), chained to the
        hooks installed before. Undone by ``close()``."""
        if self._hooks_installed:
            return
        self._prev_excepthook = sys.excepthook
        sys.excepthook = self._excepthook
        self._prev_threading_hook = threading.excepthook
        threading.excepthook = self._threading_excepthook
        self._hooks_installed = True

    def uninstall_hooks(self) -> None:
        if not self._hooks_installed:
            return
        # If another library wrapped ours since, leave it in place: ours passes through once closed.
        if sys.excepthook == self._excepthook:
            sys.excepthook = self._prev_excepthook or sys.__excepthook__
        if threading.excepthook == self._threading_excepthook:
            threading.excepthook = self._prev_threading_hook or _ORIGINAL_THREADING_HOOK
        self._hooks_installed = False

    def _excepthook(self, exc_type: Type[BaseException], exc: BaseException,
                    tb: Optional[TracebackType]) -> None:
        try:
            if (not self._closing and exc is not None and not issubclass(exc_type, KeyboardInterrupt)
                    and not hasattr(sys, "ps1")):
                if self.capture_exception(exc, metadata={"unhandled": True, "mechanism": "excepthook"}):
                    self._request_send()
        except Exception:
            pass
        previous = self._prev_excepthook or sys.__excepthook__
        previous(exc_type, exc, tb)

    def _threading_excepthook(self, args: Any) -> None:
        try:
            thread = getattr(args, "thread", None)
            if (not self._closing and args.exc_value is not None and thread is not self._sender
                    and not issubclass(args.exc_type, SystemExit)):
                metadata = {"unhandled": True, "mechanism": "threading", "thread": getattr(thread, "name", None)}
                if self.capture_exception(args.exc_value, metadata=metadata):
                    self._request_send()
        except Exception:
            pass
        previous = self._prev_threading_hook or _ORIGINAL_THREADING_HOOK
        previous(args)

    def _request_send(self) -> None:
        """Sends as soon as possible without waiting: the exit flush (atexit) does the waiting."""
        with self._cond:
            self._send_now = True
            self._cond.notify_all()

    def install_signal_handlers(self) -> None:
        """SIGTERM: flush (at most ``shutdown_timeout``), then the previous handler, or die by the
        signal as without the SDK (exit status 143 in a shell). Opt-in: it changes host behaviour."""
        if self._signal_installed or not hasattr(signal, "SIGTERM"):
            return
        if threading.current_thread() is not threading.main_thread():
            logger.warning("bloop: signal handlers can only be installed from the main thread")
            return
        previous = signal.getsignal(signal.SIGTERM)
        if previous == signal.SIG_IGN:
            return  # SIGTERM is ignored on purpose; keep it that way
        self._prev_sigterm = previous
        signal.signal(signal.SIGTERM, self._on_sigterm)
        self._signal_installed = True

    def uninstall_signal_handlers(self) -> None:
        if not self._signal_installed:
            return
        try:
            if signal.getsignal(signal.SIGTERM) == self._on_sigterm:
                previous = self._prev_sigterm
                signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
            self._signal_installed = False
        except ValueError:  # not the main thread: the handler stays, and only flushes
            pass

    def _on_sigterm(self, signum: int, frame: Optional[FrameType]) -> None:
        try:
            self.flush(self.shutdown_timeout)
        except Exception:
            pass
        previous = self._prev_sigterm
        if callable(previous):
            previous(signum, frame)
            return
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)


def _keep_process_signals_off_this_thread() -> None:
    """A signal sent to the process goes to any one of its threads that does not block it, and CPython
    runs Python handlers on the main thread only: when the kernel picks this thread, a main thread asleep
    (``time.sleep``, a blocking read) is not woken and the app's SIGTERM or Ctrl-C waits until it wakes
    (a likely cause of the SIGTERM test's child, asleep, once outliving its 20 s timeout in CI).
    Blocked here, they go to the app's threads, as they would without the SDK."""
    if hasattr(signal, "pthread_sigmask"):
        try:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
        except (OSError, ValueError):
            pass


__all__: List[str] = ["BloopClient"]


def _register_fork_handler(client: BloopClient) -> None:
    if not hasattr(os, "register_at_fork"):
        return
    ref = weakref.ref(client)

    def after_in_child() -> None:
        c = ref()
        if c is not None:
            c._after_fork_in_child()
    os.register_at_fork(after_in_child=after_in_child)
