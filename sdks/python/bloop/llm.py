"""LLM tracing: traces and spans as context managers, and a wrapper for the ``openai`` client.

A trace is one interaction (a chat turn, an agent run); its spans are the model calls
(``generation``), tool calls, retrievals and anything else (``custom``) inside it. A finished trace
is queued like an error event and sent, signed, to ``/v1/traces/batch`` (needs a bloop server with
LLM tracing enabled)::

    with bloop.trace("support-chat", session_id=session.id) as trace:
        with trace.generation(model="gpt-4o-mini", provider="openai") as span:
            reply = call_model(prompt)
            span.set_usage(input_tokens=812, output_tokens=64, cost=0.00016)

``wrap_openai(client)`` records every ``chat.completions.create`` / ``responses.create`` /
``embeddings.create`` call of an ``openai.OpenAI`` or ``openai.AsyncOpenAI`` client (duck-typed: any
object of that shape works) as a generation span: model, tokens, cost (from ``prices``), latency,
time to first token for streams, errors.
"""
import contextvars
import functools
import inspect
import json
import time
import uuid
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Tuple

from . import _wire

_current_trace: "contextvars.ContextVar[Optional[Trace]]" = contextvars.ContextVar("bloop_trace", default=None)
_current_span: "contextvars.ContextVar[Optional[Span]]" = contextvars.ContextVar("bloop_span", default=None)

SPAN_TYPES = ("generation", "tool", "retrieval", "custom")
TRACE_FIELDS = ("id", "session_id", "user_id", "name", "status", "input", "output", "metadata",
                "started_at", "ended_at", "spans")
SPAN_FIELDS = ("id", "parent_span_id", "span_type", "name", "model", "provider", "input_tokens",
               "output_tokens", "cost", "latency_ms", "time_to_first_token_ms", "status", "error_message",
               "input", "output", "metadata", "started_at", "ended_at")
ERROR_MESSAGE_BYTES = 2048


def _now_ms() -> int:
    return int(time.time() * 1000)


def _text(value: Any) -> Optional[str]:
    """Prompts and completions travel as text; structured ones (message lists) as their JSON."""
    if value is None or isinstance(value, str):
        return value
    try:
        return json.dumps(_wire.json_safe(value), ensure_ascii=False)
    except Exception:
        return repr(value)


def current_trace() -> "Optional[Trace]":
    return _current_trace.get()


def current_span() -> "Optional[Span]":
    return _current_span.get()


class Span:
    """One step of a trace. Use as a context manager, or call ``end()``."""

    def __init__(self, trace: "Trace", span_type: str = "custom", name: str = "", *, model: Optional[str] = None,
                 provider: Optional[str] = None, input: Any = None, metadata: Optional[Mapping[str, Any]] = None,
                 parent_span_id: Optional[str] = None) -> None:
        self.trace = trace
        self.id = uuid.uuid4().hex
        self.parent_span_id = parent_span_id
        self.span_type = span_type if span_type in SPAN_TYPES else "custom"
        self.name = name or self.span_type
        self.model = model
        self.provider = provider
        self.input = _text(input)
        self.output: Optional[str] = None
        self.metadata: Dict[str, Any] = dict(metadata or {})
        self.input_tokens: Optional[int] = None
        self.output_tokens: Optional[int] = None
        self.cost: Optional[float] = None
        self.status: Optional[str] = None
        self.error_message: Optional[str] = None
        self.started_at = _now_ms()
        self.ended_at: Optional[int] = None
        self.latency_ms: Optional[int] = None
        self.time_to_first_token_ms: Optional[int] = None
        self._t0 = time.perf_counter()
        self._token: Optional[contextvars.Token] = None

    def set_usage(self, input_tokens: Optional[int] = None, output_tokens: Optional[int] = None,
                  cost: Optional[float] = None) -> "Span":
        if input_tokens is not None:
            self.input_tokens = int(input_tokens)
        if output_tokens is not None:
            self.output_tokens = int(output_tokens)
        if cost is not None:
            self.cost = float(cost)
        return self

    def set_output(self, output: Any) -> "Span":
        self.output = _text(output)
        return self

    def set_model(self, model: Optional[str]) -> "Span":
        if model:
            self.model = str(model)
        return self

    def mark_first_token(self) -> None:
        """Call when the first streamed token arrives."""
        if self.time_to_first_token_ms is None:
            self.time_to_first_token_ms = int((time.perf_counter() - self._t0) * 1000)

    def end(self, status: str = "ok", error_message: Optional[str] = None, output: Any = None) -> None:
        """Ends the span (once; later calls are ignored)."""
        if self.ended_at is not None:
            return
        self.latency_ms = int((time.perf_counter() - self._t0) * 1000)
        self.ended_at = _now_ms()
        self.status = "error" if status == "error" else "ok"
        if error_message is not None:
            self.error_message = _wire.truncate_utf8(str(error_message), ERROR_MESSAGE_BYTES)
        if output is not None:
            self.output = _text(output)

    def fail(self, error: BaseException) -> None:
        self.end("error", "%s: %s" % (type(error).__name__, error))

    def to_dict(self) -> Dict[str, Any]:
        d = {k: getattr(self, k) for k in SPAN_FIELDS if k != "metadata"}
        d["metadata"] = self.metadata or None
        if d["status"] is None:
            d["status"] = "ok"
        return {k: v for k, v in d.items() if v is not None}

    def __enter__(self) -> "Span":
        self._token = _current_span.set(self)
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc is not None:
            self.fail(exc)
        else:
            self.end()
        if self._token is not None:
            try:
                _current_span.reset(self._token)
            except ValueError:
                _current_span.set(None)
            self._token = None


class Trace:
    """One LLM interaction; sent when it ends. Use as a context manager, or call ``end()``."""

    def __init__(self, name: str, *, client: Any = None, session_id: Optional[str] = None,
                 user_id: Optional[str] = None, input: Any = None, metadata: Optional[Mapping[str, Any]] = None,
                 id: Optional[str] = None) -> None:
        self.client = client
        self.id = (id or uuid.uuid4().hex)[:_wire.TRACE_ID_CHARS]
        self.name = name
        self.session_id = session_id
        self.user_id = user_id
        self.input = _text(input)
        self.output: Optional[str] = None
        self.metadata: Dict[str, Any] = dict(metadata or {})
        self.status = "running"
        self.started_at = _now_ms()
        self.ended_at: Optional[int] = None
        self.spans: List[Span] = []
        self._token: Optional[contextvars.Token] = None

    def span(self, name: str = "", span_type: str = "custom", **kwargs: Any) -> Span:
        """A new span; its parent is the span open in this context (if it belongs to this trace)."""
        if "parent_span_id" not in kwargs:
            parent = _current_span.get()
            kwargs["parent_span_id"] = parent.id if parent is not None and parent.trace is self else None
        s = Span(self, span_type, name, **kwargs)
        self.spans.append(s)
        return s

    def generation(self, name: str = "generation", *, model: Optional[str] = None, provider: Optional[str] = None,
                   **kwargs: Any) -> Span:
        return self.span(name, "generation", model=model, provider=provider, **kwargs)

    def tool(self, name: str, **kwargs: Any) -> Span:
        return self.span(name, "tool", **kwargs)

    def retrieval(self, name: str, **kwargs: Any) -> Span:
        return self.span(name, "retrieval", **kwargs)

    def set_output(self, output: Any) -> "Trace":
        self.output = _text(output)
        return self

    def end(self, status: str = "completed", output: Any = None) -> bool:
        """Ends the trace (open spans end with it) and queues it for sending. Once."""
        if self.ended_at is not None:
            return False
        self.ended_at = _now_ms()
        self.status = "error" if status == "error" else "completed"
        if output is not None:
            self.output = _text(output)
        for s in self.spans:
            if s.ended_at is None:
                s.end("error" if self.status == "error" else "ok")
        client = self.client
        if client is None:
            from . import get_client
            client = get_client()
        if client is None:
            return False
        return bool(client._enqueue_trace(self.to_dict()))

    def to_dict(self) -> Dict[str, Any]:
        d = {k: getattr(self, k) for k in TRACE_FIELDS if k not in ("spans", "metadata")}
        d["metadata"] = self.metadata or None
        d["spans"] = [s.to_dict() for s in self.spans]
        return {k: v for k, v in d.items() if v is not None}

    def __enter__(self) -> "Trace":
        self._token = _current_trace.set(self)
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self._token is not None:
            try:
                _current_trace.reset(self._token)
            except ValueError:
                _current_trace.set(None)
            self._token = None
        if exc is not None:
            self.metadata.setdefault("error", _wire.truncate_utf8("%s: %s" % (type(exc).__name__, exc), 512))
            self.end("error")
        else:
            self.end()


def trace_within_caps(trace: Mapping[str, Any], max_bytes: int) -> Optional[bytes]:
    """The trace serialized as the server takes it: known fields, no nulls, at most 100 spans, an id of
    at most 128 characters. Over ``max_bytes``, prompts and completions are left out (and the trace
    says so in its metadata); still over, None."""
    out = {k: trace[k] for k in TRACE_FIELDS if trace.get(k) is not None}
    out["id"] = str(out.get("id") or uuid.uuid4().hex)[:_wire.TRACE_ID_CHARS]
    spans = [{k: s[k] for k in SPAN_FIELDS if s.get(k) is not None}
             for s in (out.get("spans") or []) if isinstance(s, Mapping)]
    metadata = dict(out.get("metadata") or {})
    if len(spans) > _wire.SPANS_PER_TRACE:
        metadata["bloop_spans_dropped"] = len(spans) - _wire.SPANS_PER_TRACE
        spans = spans[:_wire.SPANS_PER_TRACE]
    out["spans"] = spans
    if metadata:
        out["metadata"] = metadata
    data = _wire.dumps(_wire.json_safe(out))
    if len(data) <= max_bytes:
        return data
    for item in [out] + spans:
        item.pop("input", None)
        item.pop("output", None)
    out["metadata"] = dict(metadata, bloop_content_dropped=True)
    data = _wire.dumps(_wire.json_safe(out))
    return data if len(data) <= max_bytes else None


# ------------------------------------------------------------------------------------- openai

Prices = Mapping[str, Tuple[float, float]]


def _get(obj: Any, name: str) -> Any:
    if obj is None:
        return None
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


def _usage(usage: Any) -> Tuple[Optional[int], Optional[int]]:
    """(input, output) tokens of an openai usage object: chat (prompt/completion), responses
    (input/output) and embeddings (prompt/total) shapes."""
    if usage is None:
        return None, None
    inp = _get(usage, "prompt_tokens")
    if inp is None:
        inp = _get(usage, "input_tokens")
    out = _get(usage, "completion_tokens")
    if out is None:
        out = _get(usage, "output_tokens")
    return (int(inp) if isinstance(inp, (int, float)) else None,
            int(out) if isinstance(out, (int, float)) else None)


def _cost(prices: Optional[Prices], model: Optional[str], inp: Optional[int], out: Optional[int]) -> Optional[float]:
    """Dollars, from prices in dollars per million tokens: ``{"gpt-4o-mini": (0.15, 0.60)}``. A model
    name like ``gpt-4o-mini-2024-07-18`` matches the longest listed prefix."""
    if not prices or not model or (inp is None and out is None):
        return None
    best = None
    for name in prices:
        if model == name or model.startswith(name + "-"):
            if best is None or len(name) > len(best):
                best = name
    if best is None:
        return None
    per_in, per_out = prices[best]
    return ((inp or 0) * per_in + (out or 0) * per_out) / 1_000_000


def _output_text(response: Any) -> Optional[str]:
    choices = _get(response, "choices")
    if choices:
        try:
            message = _get(choices[0], "message")
            content = _get(message, "content")
            if content is not None:
                return _text(content)
        except (IndexError, KeyError, TypeError):
            pass
    text = _get(response, "output_text")
    return text if isinstance(text, str) else None


class _Call:
    """One instrumented call: a generation span, in the current trace or in a trace of its own."""

    def __init__(self, bloop_client: Any, operation: str, provider: str, kwargs: Mapping[str, Any],
                 prices: Optional[Prices], record_content: bool) -> None:
        self.prices = prices
        self.record_content = record_content
        trace = _current_trace.get()
        self.own_trace = None
        if trace is None:
            trace = Trace(operation, client=bloop_client)
            self.own_trace = trace
        self.span = trace.generation(operation, model=kwargs.get("model"), provider=provider)
        if record_content:
            prompt = kwargs.get("messages", kwargs.get("input", kwargs.get("prompt")))
            self.span.input = _text(prompt)
            if self.own_trace is not None:
                self.own_trace.input = self.span.input
        self.input_tokens: Optional[int] = None
        self.output_tokens: Optional[int] = None
        self.chunks: List[str] = []

    def usage(self, usage: Any) -> None:
        inp, out = _usage(usage)
        if inp is not None:
            self.input_tokens = inp
        if out is not None:
            self.output_tokens = out

    def chunk(self, chunk: Any) -> None:
        self.span.mark_first_token()
        self.span.set_model(_get(chunk, "model"))
        self.usage(_get(chunk, "usage"))
        self.usage(_get(_get(chunk, "response"), "usage"))  # responses API: the "response.completed" event
        if self.record_content:
            try:
                choices = _get(chunk, "choices")
                if choices:
                    piece = _get(_get(choices[0], "delta"), "content")
                    if isinstance(piece, str):
                        self.chunks.append(piece)
            except (IndexError, TypeError):
                pass
            piece = _get(chunk, "delta")
            if isinstance(piece, str):
                self.chunks.append(piece)

    def done(self, response: Any = None) -> None:
        try:
            if response is not None:
                self.span.set_model(_get(response, "model"))
                self.usage(_get(response, "usage"))
                if self.record_content:
                    self.span.output = _output_text(response)
            elif self.record_content and self.chunks:
                self.span.output = "".join(self.chunks)
            self.span.set_usage(self.input_tokens, self.output_tokens,
                                _cost(self.prices, self.span.model, self.input_tokens, self.output_tokens))
            self.span.end("ok")
            if self.own_trace is not None:
                self.own_trace.end("completed", output=self.span.output)
        except Exception:
            pass

    def failed(self, error: BaseException) -> None:
        try:
            self.span.set_usage(self.input_tokens, self.output_tokens)
            self.span.fail(error)
            if self.own_trace is not None:
                self.own_trace.end("error")
        except Exception:
            pass


class _StreamProxy:
    """Wraps an openai ``Stream``: passes every chunk through, records the first-token time and the
    usage, and ends the span when the stream is exhausted, closed or fails."""

    def __init__(self, stream: Any, call: _Call) -> None:
        self._stream = stream
        self._call = call
        self._finished = False

    def _finish(self, error: Optional[BaseException] = None) -> None:
        if self._finished:
            return
        self._finished = True
        if error is None:
            self._call.done()
        else:
            self._call.failed(error)

    def __iter__(self) -> Iterator[Any]:
        try:
            for chunk in self._stream:
                self._call.chunk(chunk)
                yield chunk
        except GeneratorExit:
            self._finish()
            raise
        except BaseException as e:
            self._finish(e)
            raise
        self._finish()

    def __next__(self) -> Any:
        try:
            chunk = next(self._stream)
        except StopIteration:
            self._finish()
            raise
        except BaseException as e:
            self._finish(e)
            raise
        self._call.chunk(chunk)
        return chunk

    async def _aiter(self) -> Any:
        try:
            async for chunk in self._stream:
                self._call.chunk(chunk)
                yield chunk
        except GeneratorExit:
            self._finish()
            raise
        except BaseException as e:
            self._finish(e)
            raise
        self._finish()

    def __aiter__(self) -> Any:
        return self._aiter()

    def close(self) -> None:
        self._finish()
        close = getattr(self._stream, "close", None)
        if callable(close):
            close()

    def __enter__(self) -> "_StreamProxy":
        enter = getattr(self._stream, "__enter__", None)
        if enter is not None:
            enter()
        return self

    def __exit__(self, *exc: Any) -> Any:
        self._finish(exc[1] if exc and isinstance(exc[1], BaseException) else None)
        exit_ = getattr(self._stream, "__exit__", None)
        return exit_(*exc) if exit_ is not None else None

    async def __aenter__(self) -> "_StreamProxy":
        enter = getattr(self._stream, "__aenter__", None)
        if enter is not None:
            await enter()
        return self

    async def __aexit__(self, *exc: Any) -> Any:
        self._finish(exc[1] if exc and isinstance(exc[1], BaseException) else None)
        exit_ = getattr(self._stream, "__aexit__", None)
        return await exit_(*exc) if exit_ is not None else None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _instrument(original: Callable[..., Any], operation: str, provider: str, bloop_client: Any,
                prices: Optional[Prices], record_content: bool) -> Callable[..., Any]:
    if inspect.iscoroutinefunction(original):
        @functools.wraps(original)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            call = _Call(bloop_client, operation, provider, kwargs, prices, record_content)
            try:
                result = await original(*args, **kwargs)
            except BaseException as e:
                call.failed(e)
                raise
            if kwargs.get("stream"):
                return _StreamProxy(result, call)
            call.done(result)
            return result
        async_wrapper.__bloop_wrapped__ = True  # type: ignore[attr-defined]
        return async_wrapper

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        call = _Call(bloop_client, operation, provider, kwargs, prices, record_content)
        try:
            result = original(*args, **kwargs)
        except BaseException as e:
            call.failed(e)
            raise
        if kwargs.get("stream"):
            return _StreamProxy(result, call)
        call.done(result)
        return result
    wrapper.__bloop_wrapped__ = True  # type: ignore[attr-defined]
    return wrapper


def wrap_openai(client: Any, *, bloop_client: Any = None, provider: str = "openai",
                prices: Optional[Prices] = None, record_content: bool = False) -> Any:
    """Instruments ``client.chat.completions.create``, ``client.responses.create`` and
    ``client.embeddings.create`` (those that exist) in place and returns the client.

    Each call becomes a generation span in the trace open in this context (``with bloop.trace(...)``),
    or in a one-span trace of its own. ``prices`` maps model names to (input, output) dollars per
    million tokens to fill ``cost``. Prompts and completions are sent only with
    ``record_content=True`` (the server also strips them unless its content policy keeps them)."""
    for path, operation in ((("chat", "completions"), "chat.completions.create"),
                            (("responses",), "responses.create"),
                            (("embeddings",), "embeddings.create")):
        resource = client
        for part in path:
            resource = getattr(resource, part, None)
            if resource is None:
                break
        if resource is None:
            continue
        original = getattr(resource, "create", None)
        if original is None or getattr(original, "__bloop_wrapped__", False):
            continue
        setattr(resource, "create",
                _instrument(original, operation, provider, bloop_client, prices, record_content))
    return client
