"""LLM traces and the openai wrapper, against the loopback stand-in (the server side of traces is a
separate issue). The openai client is not installable here: a stand-in of the same shape is used."""
import asyncio
import json
import unittest
from types import SimpleNamespace

import bloop
from bloop import _wire
from bloop.client import BloopClient
from bloop.llm import trace_within_caps, wrap_openai

from tests.helpers import SECRET, Collector, hmac_hex


class RateLimited(Exception):
    pass


def completion(model="gpt-4o-mini-2024-07-18", prompt_tokens=812, completion_tokens=64, text="Hello!"):
    return SimpleNamespace(
        id="chatcmpl-1", model=model,
        choices=[SimpleNamespace(index=0, message=SimpleNamespace(role="assistant", content=text))],
        usage=SimpleNamespace(prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
                              total_tokens=prompt_tokens + completion_tokens))


def chunk(text=None, usage=None, model="gpt-4o-mini-2024-07-18"):
    choices = [SimpleNamespace(index=0, delta=SimpleNamespace(content=text))] if text is not None else []
    return SimpleNamespace(model=model, choices=choices, usage=usage)


class FakeStream:
    def __init__(self, chunks):
        self.chunks = chunks
        self.closed = False

    def __iter__(self):
        return iter(self.chunks)

    def close(self):
        self.closed = True


class FakeAsyncStream:
    def __init__(self, chunks):
        self.chunks = chunks

    async def __aiter__(self):
        for c in self.chunks:
            await asyncio.sleep(0)
            yield c


class Completions:
    def __init__(self):
        self.calls = []
        self.fail = False

    def create(self, **kwargs):
        self.calls.append(kwargs)
        if self.fail:
            raise RateLimited("429 rate limited")
        if kwargs.get("stream"):
            return FakeStream([chunk("Hel"), chunk("lo"),
                               chunk(usage=SimpleNamespace(prompt_tokens=20, completion_tokens=2))])
        return completion()


class AsyncCompletions:
    async def create(self, **kwargs):
        await asyncio.sleep(0)
        if kwargs.get("stream"):
            return FakeAsyncStream([chunk("A"), chunk("B", usage=SimpleNamespace(prompt_tokens=5, completion_tokens=2))])
        return completion(prompt_tokens=11, completion_tokens=3)


class Embeddings:
    def create(self, **kwargs):
        return SimpleNamespace(model=kwargs["model"], usage=SimpleNamespace(prompt_tokens=9, total_tokens=9))


class FakeOpenAI:
    """Shaped like openai.OpenAI: client.chat.completions.create(...), client.embeddings.create(...)."""

    def __init__(self, completions=None):
        self.chat = SimpleNamespace(completions=completions or Completions())
        self.embeddings = Embeddings()


PRICES = {"gpt-4o-mini": (0.15, 0.60), "gpt-4o": (2.5, 10.0)}


class LlmTestCase(unittest.TestCase):
    def setUp(self):
        self.collector = Collector()
        self.client = BloopClient(self.collector.url, SECRET, environment="test", release="1",
                                  flush_interval=60, auto_capture=False)

    def tearDown(self):
        self.client.close(1)
        self.collector.close()

    def traces(self):
        self.assertTrue(self.client.flush(5))
        for r in self.collector.requests:
            self.assertEqual(r.path, "/v1/traces/batch")
            self.assertEqual(r.headers["X-Signature"], hmac_hex(SECRET, r.body))
        return [t for r in self.collector.requests for t in r.traces]


class TraceTest(LlmTestCase):
    def test_a_trace_with_nested_spans(self):
        with self.client.trace("support-chat", session_id="s-1", user_id="u-1", input="hi",
                               metadata={"channel": "web"}) as trace:
            with trace.span("plan", "custom") as plan:
                with trace.retrieval("search-docs") as search:
                    search.set_output(["doc1", "doc2"])
                with trace.generation(model="gpt-4o", provider="openai", input="prompt") as gen:
                    gen.mark_first_token()
                    gen.set_usage(input_tokens=100, output_tokens=20, cost=0.00045)
                    gen.set_output("answer")
            with trace.tool("lookup_order"):
                pass
            trace.set_output("answer")
        [t] = self.traces()
        self.assertEqual((t["name"], t["status"], t["session_id"], t["user_id"], t["input"], t["output"]),
                         ("support-chat", "completed", "s-1", "u-1", "hi", "answer"))
        self.assertEqual(t["metadata"], {"channel": "web"})
        self.assertLessEqual(t["started_at"], t["ended_at"])
        spans = {s["name"]: s for s in t["spans"]}
        self.assertEqual(list(spans), ["plan", "search-docs", "generation", "lookup_order"])
        self.assertNotIn("parent_span_id", spans["plan"])
        self.assertEqual(spans["search-docs"]["parent_span_id"], spans["plan"]["id"])
        self.assertEqual(spans["generation"]["parent_span_id"], spans["plan"]["id"])
        self.assertNotIn("parent_span_id", spans["lookup_order"])
        gen = spans["generation"]
        self.assertEqual((gen["span_type"], gen["model"], gen["provider"], gen["input_tokens"], gen["output_tokens"],
                          gen["cost"], gen["status"], gen["input"], gen["output"]),
                         ("generation", "gpt-4o", "openai", 100, 20, 0.00045, "ok", "prompt", "answer"))
        self.assertIsInstance(gen["latency_ms"], int)
        self.assertIsInstance(gen["time_to_first_token_ms"], int)
        self.assertEqual(spans["search-docs"]["output"], '["doc1", "doc2"]')
        self.assertEqual(spans["lookup_order"]["span_type"], "tool")
        for s in t["spans"]:
            self.assertNotIn(None, s.values())

    def test_an_exception_marks_the_span_and_the_trace_and_is_re_raised(self):
        with self.assertRaises(RateLimited):
            with self.client.trace("agent") as trace:
                with trace.generation(model="gpt-4o"):
                    raise RateLimited("429 rate limited")
        [t] = self.traces()
        self.assertEqual(t["status"], "error")
        self.assertEqual(t["spans"][0]["status"], "error")
        self.assertEqual(t["spans"][0]["error_message"], "RateLimited: 429 rate limited")

    def test_end_by_hand_and_only_once(self):
        trace = self.client.trace("manual")
        span = trace.generation(model="m")
        self.assertTrue(trace.end(output="done"))
        self.assertFalse(trace.end())
        [t] = self.traces()
        self.assertEqual((t["status"], t["output"], t["spans"][0]["status"]), ("completed", "done", "ok"))
        self.assertIsNotNone(span.ended_at)

    def test_global_trace_goes_through_the_global_client(self):
        bloop.init(self.collector.url, SECRET, environment="g", release="1", auto_capture=False, flush_interval=60)
        try:
            with bloop.trace("global") as trace:
                self.assertIs(bloop.current_trace(), trace)
            self.assertIsNone(bloop.current_trace())
            self.assertTrue(bloop.flush(5))
        finally:
            bloop.close(1)
        self.assertEqual(self.collector.requests[0].traces[0]["name"], "global")

    def test_caps_100_spans_and_content_over_the_body_cap(self):
        with self.client.trace("big") as trace:
            for i in range(120):
                trace.span("s%d" % i).end()
        with self.client.trace("huge", input="x" * 40000) as trace:
            trace.generation(model="m", input="y" * 1000).end()
        big, huge = self.traces()
        self.assertEqual(len(big["spans"]), 100)
        self.assertEqual(big["metadata"], {"bloop_spans_dropped": 20})
        self.assertNotIn("input", huge)
        self.assertNotIn("input", huge["spans"][0])
        self.assertEqual(huge["metadata"], {"bloop_content_dropped": True})
        for r in self.collector.requests:
            self.assertLessEqual(len(r.body), _wire.BODY_BYTES)

    def test_trace_within_caps_keeps_known_fields_only(self):
        data = trace_within_caps({"id": "t" * 200, "name": "n", "status": "completed", "bogus": 1, "output": None,
                                  "spans": [{"id": "s", "name": "x", "extra": 2}]}, 32000)
        trace = json.loads(data)
        self.assertEqual(len(trace["id"]), 128)
        self.assertNotIn("bogus", trace)
        self.assertNotIn("output", trace)
        self.assertEqual(trace["spans"], [{"id": "s", "name": "x"}])


class OpenAIWrapperTest(LlmTestCase):
    def test_a_chat_completion_becomes_a_generation_span_in_its_own_trace(self):
        openai = wrap_openai(FakeOpenAI(), bloop_client=self.client, prices=PRICES)
        response = openai.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
        self.assertEqual(response.choices[0].message.content, "Hello!")  # the caller's answer, untouched
        [t] = self.traces()
        self.assertEqual((t["name"], t["status"]), ("chat.completions.create", "completed"))
        [span] = t["spans"]
        self.assertEqual((span["span_type"], span["provider"], span["model"], span["input_tokens"],
                          span["output_tokens"], span["status"]),
                         ("generation", "openai", "gpt-4o-mini-2024-07-18", 812, 64, "ok"))
        self.assertAlmostEqual(span["cost"], (812 * 0.15 + 64 * 0.60) / 1e6)
        self.assertNotIn("input", span)  # content only with record_content=True
        self.assertNotIn("output", span)

    def test_calls_inside_a_trace_join_it_and_content_when_asked(self):
        openai = wrap_openai(FakeOpenAI(), bloop_client=self.client, record_content=True)
        with self.client.trace("agent-run") as trace:
            openai.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
            openai.embeddings.create(model="text-embedding-3-small", input="hi")
        [t] = self.traces()
        self.assertEqual(t["name"], "agent-run")
        chat, emb = t["spans"]
        self.assertEqual(chat["input"], '[{"role": "user", "content": "hi"}]')
        self.assertEqual(chat["output"], "Hello!")
        self.assertNotIn("cost", chat)  # no prices given
        self.assertEqual((emb["name"], emb["model"], emb["input_tokens"]),
                         ("embeddings.create", "text-embedding-3-small", 9))
        self.assertIs(trace.spans[0].trace, trace)

    def test_an_error_is_recorded_and_re_raised(self):
        fake = FakeOpenAI()
        fake.chat.completions.fail = True
        openai = wrap_openai(fake, bloop_client=self.client)
        with self.assertRaises(RateLimited):
            openai.chat.completions.create(model="gpt-4o", messages=[])
        [t] = self.traces()
        self.assertEqual(t["status"], "error")
        self.assertEqual(t["spans"][0]["error_message"], "RateLimited: 429 rate limited")

    def test_a_stream_records_first_token_and_usage_when_consumed(self):
        openai = wrap_openai(FakeOpenAI(), bloop_client=self.client, record_content=True, prices=PRICES)
        stream = openai.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True,
                                                stream_options={"include_usage": True})
        self.assertEqual(self.collector.requests, [])
        text = "".join(c.choices[0].delta.content for c in stream if c.choices)
        self.assertEqual(text, "Hello")
        [t] = self.traces()
        [span] = t["spans"]
        self.assertEqual((span["input_tokens"], span["output_tokens"], span["output"]), (20, 2, "Hello"))
        self.assertIn("time_to_first_token_ms", span)
        self.assertAlmostEqual(span["cost"], (20 * 0.15 + 2 * 0.60) / 1e6)
        stream.close()
        self.assertTrue(stream._stream.closed)

    def test_async_client_and_async_stream(self):
        openai = wrap_openai(FakeOpenAI(AsyncCompletions()), bloop_client=self.client)

        async def main():
            r = await openai.chat.completions.create(model="gpt-4o", messages=[])
            parts = []
            async for c in await openai.chat.completions.create(model="gpt-4o", messages=[], stream=True):
                parts.append(c.choices[0].delta.content)
            return r, parts
        response, parts = asyncio.run(main())
        self.assertEqual((response.usage.prompt_tokens, parts), (11, ["A", "B"]))
        plain, streamed = self.traces()
        self.assertEqual((plain["spans"][0]["input_tokens"], plain["spans"][0]["output_tokens"]), (11, 3))
        self.assertEqual((streamed["spans"][0]["input_tokens"], streamed["spans"][0]["output_tokens"]), (5, 2))
        self.assertIn("time_to_first_token_ms", streamed["spans"][0])

    def test_wrapping_twice_records_once(self):
        fake = FakeOpenAI()
        wrap_openai(wrap_openai(fake, bloop_client=self.client), bloop_client=self.client)
        fake.chat.completions.create(model="gpt-4o", messages=[])
        self.assertEqual(len(self.traces()[0]["spans"]), 1)


if __name__ == "__main__":
    unittest.main()
