"""The client against a loopback stand-in: signing, batching, retries, drops, flush and close."""
import logging
import socket
import sys
import threading
import time
import unittest

import bloop
from bloop import _transport
from bloop.client import BloopClient

from tests.helpers import SECRET, Collector, hmac_hex


def new_client(collector, **options):
    opts = dict(environment="test", release="1.2.3", flush_interval=60, auto_capture=False,
                min_backoff=0.2, max_backoff=0.5)
    opts.update(options)
    return BloopClient(collector.url, SECRET, **opts)


def raise_value_error(n):
    raise ValueError("order %d failed" % n)


class CaptureLogs(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)

    def __enter__(self):
        self.logger = logging.getLogger("bloop")
        self.old_level = self.logger.level
        self.logger.setLevel(logging.DEBUG)
        self.logger.addHandler(self)
        return self

    def __exit__(self, *exc):
        self.logger.removeHandler(self)
        self.logger.setLevel(self.old_level)


class ClientTestCase(unittest.TestCase):
    def setUp(self):
        self.collector = Collector()
        self.clients = []

    def client(self, **options):
        c = new_client(self.collector, **options)
        self.clients.append(c)
        return c

    def tearDown(self):
        for c in self.clients:
            c.close(0.5)
        self.collector.close()


class SendingTest(ClientTestCase):
    def test_an_exception_is_sent_signed_with_its_fields(self):
        client = self.client(app_version="1.2", build_number="77")
        try:
            raise_value_error(7)
        except ValueError as e:
            self.assertTrue(client.capture_exception(e, route="/orders", http_status=500, request_id="r-1",
                                                     user_id_hash="u", metadata={"tier": "pro"}))
        self.assertTrue(client.flush(5))
        [request] = self.collector.requests
        self.assertEqual(request.path, "/v1/ingest/batch")
        self.assertEqual(request.headers["Content-Type"], "application/json")
        self.assertEqual(request.headers["X-Signature"], hmac_hex(SECRET, request.body))
        self.assertNotIn("X-Project-Key", request.headers)
        [event] = request.events
        self.assertEqual(event["error_type"], "ValueError")
        self.assertEqual(event["message"], "order 7 failed")
        self.assertEqual(event["source"], "python")
        self.assertEqual(event["environment"], "test")
        self.assertEqual(event["release"], "1.2.3")
        self.assertEqual(event["app_version"], "1.2")
        self.assertEqual(event["build_number"], "77")
        self.assertEqual(event["route_or_procedure"], "/orders")
        self.assertEqual(event["http_status"], 500)
        self.assertEqual(event["request_id"], "r-1")
        self.assertEqual(event["user_id_hash"], "u")
        self.assertEqual(event["metadata"], {"tier": "pro"})
        self.assertTrue(event["stack"].startswith('  File "%s", line ' % __file__))
        self.assertIn("in raise_value_error\n", event["stack"].splitlines(True)[0])
        self.assertAlmostEqual(event["timestamp"] / 1000, time.time(), delta=10)
        self.assertNotIn(None, event.values())

    def test_project_key_header_when_set(self):
        client = self.client(project_key="bloop_pk_123")
        client.capture_message("Oops", "with a key")
        self.assertTrue(client.flush(5))
        self.assertEqual(self.collector.requests[0].headers["X-Project-Key"], "bloop_pk_123")

    def test_capture_exception_defaults_to_the_handled_exception(self):
        client = self.client()
        try:
            {}["missing"]
        except KeyError:
            self.assertTrue(client.capture_exception())
        self.assertFalse(client.capture_exception())  # nothing being handled
        client.flush(5)
        [event] = self.collector.accepted_events()
        self.assertEqual(event["error_type"], "KeyError")
        self.assertEqual(event["message"], "'missing'")

    def test_the_same_exception_object_is_reported_once(self):
        client = self.client()
        try:
            raise_value_error(1)
        except ValueError as e:
            self.assertTrue(client.capture_exception(e))
            self.assertFalse(client.capture_exception(e))
        client.flush(5)
        self.assertEqual(len(self.collector.accepted_events()), 1)

    def test_capture_message_forms(self):
        client = self.client()
        client.capture_message("PaymentDeclined", "card declined", route="/pay")
        client.capture_message("just text")
        client.flush(5)
        a, b = self.collector.accepted_events()
        self.assertEqual((a["error_type"], a["message"], a["route_or_procedure"]),
                         ("PaymentDeclined", "card declined", "/pay"))
        self.assertEqual((b["error_type"], b["message"]), ("Message", "just text"))
        self.assertNotIn("stack", a)

    def test_capture_of_a_raw_event_fills_defaults_and_keeps_only_wire_fields(self):
        client = self.client()
        self.assertTrue(client.capture({"error_type": "Custom", "message": "m", "unknown_field": 1, "screen": None,
                                        "http_status": 42, "source": "Not Valid!", "fingerprint": "😀" * 200,
                                        "metadata": {"n": float("nan"), "obj": object(), 3: (1, 2)}}))
        client.flush(5)
        [event] = self.collector.accepted_events()
        self.assertNotIn("unknown_field", event)
        self.assertNotIn("screen", event)
        self.assertNotIn("http_status", event)  # out of 100..599
        self.assertEqual(event["source"], "python")
        self.assertEqual(event["environment"], "test")
        self.assertEqual(len(event["fingerprint"]), 128)  # 256 UTF-16 units, as the server counts
        self.assertEqual(event["metadata"]["n"], "nan")
        self.assertTrue(event["metadata"]["obj"].startswith("<object object"))
        self.assertEqual(event["metadata"]["3"], [1, 2])

    def test_blank_required_fields_get_defaults(self):
        client = self.client()
        client.capture({"error_type": " ", "message": ""})
        client.flush(5)
        [event] = self.collector.accepted_events()
        self.assertEqual(event["error_type"], "Error")
        self.assertEqual(event["message"], "(no message)")

    def test_before_send_can_change_or_drop_and_a_failing_one_drops(self):
        def before_send(event):
            if event["message"] == "secret":
                return None
            if event["message"] == "boom":
                raise RuntimeError("bug in before_send")
            event["message"] = event["message"].upper()
            return event
        client = self.client(before_send=before_send)
        self.assertTrue(client.capture_message("E", "keep me"))
        self.assertFalse(client.capture_message("E", "secret"))
        with CaptureLogs():
            self.assertFalse(client.capture_message("E", "boom"))
        client.flush(5)
        self.assertEqual([e["message"] for e in self.collector.accepted_events()], ["KEEP ME"])

    def test_an_event_over_the_body_cap_is_dropped_not_sent(self):
        client = self.client()
        with CaptureLogs() as logs:
            self.assertFalse(client.capture({"error_type": "E", "message": "m", "route_or_procedure": "r" * 40000}))
        self.assertEqual(client.dropped_events, 1)
        self.assertTrue(any("body cap" in r.getMessage() for r in logs.records))
        self.assertTrue(client.flush(1))
        self.assertEqual(self.collector.requests, [])

    def test_120_events_go_as_50_50_20(self):
        client = self.client()
        for i in range(120):
            client.capture_message("Bulk", "event %d" % i)
        self.assertTrue(client.flush(10))
        self.assertEqual([len(r.events) for r in self.collector.requests], [50, 50, 20])
        self.assertEqual([e["message"] for e in self.collector.accepted_events()], ["event %d" % i for i in range(120)])

    def test_flush_interval_sends_without_a_flush_call(self):
        client = self.client(flush_interval=0.2)
        client.capture_message("Tick", "sent by the timer")
        self.assertTrue(self.collector.wait_for(lambda rs: len(rs) == 1, timeout=3))

    def test_a_full_batch_is_sent_at_once(self):
        client = self.client(max_batch_size=10)
        for i in range(10):
            client.capture_message("Full", str(i))
        self.assertTrue(self.collector.wait_for(lambda rs: len(rs) == 1, timeout=3))
        self.assertEqual(len(self.collector.requests[0].events), 10)


class ResponseHandlingTest(ClientTestCase):
    def test_429_waits_for_retry_after_and_keeps_the_batch(self):
        self.collector.script = [(429, {"Retry-After": "1"}, b'{"error":"busy"}')]
        client = self.client()
        client.capture_message("Busy", "retry me")
        self.assertTrue(client.flush(6))
        first, second = self.collector.requests
        self.assertEqual(first.status, 429)
        self.assertEqual(second.status, 200)
        self.assertEqual(first.body, second.body)  # the same events, kept
        self.assertGreaterEqual(second.at - first.at, 0.95)

    def test_503_with_retry_after_is_retried(self):
        self.collector.script = [(503, {"Retry-After": "1"}, b"")]
        client = self.client()
        client.capture_message("Down", "shutting down")
        self.assertTrue(client.flush(6))
        self.assertEqual([r.status for r in self.collector.requests], [503, 200])
        self.assertGreaterEqual(self.collector.requests[1].at - self.collector.requests[0].at, 0.95)

    def test_429_without_retry_after_waits_60_seconds(self):
        self.collector.script = [(429, {}, b"")]
        outcome = _transport.Transport(self.collector.url, SECRET, None, 5).send("events", [b'{"a":1}'])
        self.assertEqual((outcome.kind, outcome.retry_after), (_transport.RETRY, 60.0))
        client = self.client()
        self.collector.script = [(429, {}, b"")]
        client.capture_message("Busy", "no header")
        self.assertFalse(client.flush(1.5))  # still waiting: nothing sent before the minute is up
        self.assertEqual(len(self.collector.requests), 2)

    def test_retry_after_as_an_http_date(self):
        now = 1_700_000_000.0
        self.assertAlmostEqual(_transport.parse_retry_after("Tue, 14 Nov 2023 22:13:50 GMT", now), 30, delta=1)
        self.assertEqual(_transport.parse_retry_after("7"), 7)
        self.assertIsNone(_transport.parse_retry_after("soon"))
        self.assertEqual(_transport.parse_retry_after("999999"), 3600)

    def test_network_error_backs_off_and_keeps_the_batch(self):
        self.collector.script = ["drop", "drop"]
        client = self.client()
        client.capture_message("Net", "eventually")
        self.assertTrue(client.flush(8))
        statuses = [r.status for r in self.collector.requests]
        self.assertEqual(statuses, [0, 0, 200])
        gaps = [b.at - a.at for a, b in zip(self.collector.requests, self.collector.requests[1:])]
        self.assertGreaterEqual(gaps[0], 0.09)  # jittered 0.1..0.2 s, then doubled
        self.assertGreaterEqual(gaps[1], 0.19)
        self.assertEqual(self.collector.requests[2].events[0]["message"], "eventually")

    def test_connection_refused_is_a_network_error(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        outcome = _transport.Transport("http://127.0.0.1:%d" % port, SECRET, None, 2).send("events", [b"{}"])
        self.assertEqual(outcome.kind, _transport.RETRY)
        self.assertIsNone(outcome.retry_after)

    def test_5xx_is_retried_with_backoff(self):
        self.collector.script = [(500, {}, b"oops"), (502, {}, b"")]
        client = self.client()
        client.capture_message("Five", "hundred")
        self.assertTrue(client.flush(8))
        self.assertEqual([r.status for r in self.collector.requests], [500, 502, 200])

    def test_401_drops_the_batch_and_logs_once(self):
        client = BloopClient(self.collector.url, "the-wrong-secret-0000", environment="t", release="1",
                             flush_interval=60, auto_capture=False)
        self.clients.append(client)
        with CaptureLogs() as logs:
            client.capture_message("Auth", "first")
            self.assertTrue(client.flush(5))
            client.capture_message("Auth", "second")
            self.assertTrue(client.flush(5))
        self.assertEqual([r.status for r in self.collector.requests], [401, 401])  # never retried
        errors = [r for r in logs.records if r.levelno >= logging.ERROR]
        self.assertEqual(len(errors), 1)
        self.assertIn("401", errors[0].getMessage())
        self.assertEqual(client.pending_events, 0)

    def test_400_and_413_are_not_retried(self):
        self.collector.script = [(400, {}, b'{"error":"bad"}'), (413, {}, b"")]
        client = self.client()
        with CaptureLogs():
            client.capture_message("Bad", "one")
            self.assertTrue(client.flush(5))
            client.capture_message("Bad", "two")
            self.assertTrue(client.flush(5))
        self.assertEqual([r.status for r in self.collector.requests], [400, 413])

    def test_a_redirect_is_not_followed(self):
        self.collector.script = [(301, {"Location": "http://127.0.0.1:9/elsewhere"}, b"")]
        client = self.client()
        with CaptureLogs():
            client.capture_message("Moved", "no follow")
            self.assertTrue(client.flush(5))
        self.assertEqual([r.status for r in self.collector.requests], [301])

    def test_per_event_errors_in_a_200_are_logged(self):
        self.collector.script = [(200, {}, b'{"accepted":0,"errors":[{"index":0,"error":"message is required"}]}')]
        client = self.client()
        with CaptureLogs() as logs:
            client.capture_message("E", "m")
            client.flush(5)
        self.assertTrue(any("message is required" in r.getMessage() for r in logs.records))


class QueueTest(ClientTestCase):
    def test_overflow_drops_the_oldest_and_counts(self):
        self.collector.script = [(503, {"Retry-After": "1"}, b"")]
        client = self.client(max_queue_size=5)
        client.capture_message("Q", "event 0")
        self.assertFalse(client.flush(0.5))  # 503: kept, waiting for Retry-After
        self.assertEqual(len(self.collector.requests), 1)
        for i in range(1, 10):
            client.capture_message("Q", "event %d" % i)
        self.assertEqual(client.dropped_events, 5)
        self.assertEqual(client.pending_events, 5)
        self.assertTrue(client.flush(5))
        self.assertEqual([e["message"] for e in self.collector.accepted_events()],
                         ["event %d" % i for i in range(5, 10)])

    def test_capture_never_blocks_and_flush_is_bounded_when_the_server_hangs(self):
        hang = socket.socket()
        hang.bind(("127.0.0.1", 0))
        hang.listen(5)  # accepts connections, never answers
        try:
            client = BloopClient("http://127.0.0.1:%d" % hang.getsockname()[1], SECRET, environment="t",
                                 release="1", flush_interval=0.05, request_timeout=10, auto_capture=False)
            self.clients.append(client)
            t0 = time.monotonic()
            for i in range(200):
                client.capture_message("Slow", "event %d" % i)
            self.assertLess(time.monotonic() - t0, 1.0)
            t0 = time.monotonic()
            self.assertFalse(client.flush(0.3))
            self.assertLess(time.monotonic() - t0, 1.0)
            t0 = time.monotonic()
            self.assertFalse(client.close(0.3))
            self.assertLess(time.monotonic() - t0, 1.5)
            self.assertEqual(client.pending_events, 0)
            self.assertEqual(client.dropped_events, 200)
        finally:
            hang.close()

    def test_capture_from_many_threads(self):
        client = self.client()
        def work(t):
            for i in range(25):
                client.capture_message("T", "%d-%d" % (t, i))
        threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertTrue(client.flush(10))
        self.assertEqual(len(self.collector.accepted_events()), 200)
        self.assertTrue(all(len(r.events) <= 50 for r in self.collector.requests))


class LifecycleTest(ClientTestCase):
    def test_close_flushes_and_later_captures_are_dropped(self):
        client = self.client()
        client.capture_message("C", "before close")
        self.assertTrue(client.close(5))
        self.assertTrue(client.close(5))  # idempotent
        self.assertFalse(client.capture_message("C", "after close"))
        self.assertEqual(client.dropped_events, 1)
        self.assertEqual([e["message"] for e in self.collector.accepted_events()], ["before close"])

    def test_hooks_are_chained_and_restored_on_close(self):
        original = sys.excepthook
        calls = []
        previous = sys.excepthook = lambda *a: calls.append(a[0])
        try:
            before_thread = threading.excepthook
            client = self.client(auto_capture=True)
            self.assertNotEqual(sys.excepthook, previous)
            self.assertNotEqual(threading.excepthook, before_thread)
            try:
                raise_value_error(3)
            except ValueError:
                sys.excepthook(*sys.exc_info())
            self.assertEqual(calls, [ValueError])
            client.close(5)
            self.assertIs(sys.excepthook, previous)
            self.assertIs(threading.excepthook, before_thread)
        finally:
            sys.excepthook = original
        [event] = self.collector.accepted_events()
        self.assertEqual(event["metadata"], {"unhandled": True, "mechanism": "excepthook"})

    def test_a_thread_exception_is_reported_and_passed_on(self):
        seen = []
        previous = threading.excepthook
        threading.excepthook = lambda args: seen.append(args.exc_type)
        try:
            client = self.client(auto_capture=True)
            t = threading.Thread(target=raise_value_error, args=(5,), name="worker-5")
            t.start()
            t.join()
            self.assertTrue(client.flush(5))
            client.close(1)
            self.assertEqual(seen, [ValueError])
        finally:
            threading.excepthook = previous
        [event] = self.collector.accepted_events()
        self.assertEqual(event["message"], "order 5 failed")
        self.assertEqual(event["metadata"]["thread"], "worker-5")
        self.assertEqual(event["metadata"]["mechanism"], "threading")

    def test_keyboard_interrupt_is_not_reported(self):
        original = sys.excepthook
        sys.excepthook = lambda *a: None
        try:
            client = self.client(auto_capture=True)
            try:
                raise KeyboardInterrupt()
            except KeyboardInterrupt:
                sys.excepthook(*sys.exc_info())
        finally:
            client.close(1)
            sys.excepthook = original
        client.flush(1)
        self.assertEqual(self.collector.requests, [])

    def test_flush_sends_from_the_calling_thread_when_no_thread_can_start(self):
        # Python 3.12+ refuses new threads during interpreter shutdown, where the exit flush runs.
        original = threading.Thread.start

        def refuse(thread):
            if thread.name == "bloop-sender":
                raise RuntimeError("can't create new thread at interpreter shutdown")
            return original(thread)
        threading.Thread.start = refuse
        try:
            client = self.client()
            for i in range(60):
                client.capture_message("Late", "event %d" % i)
            self.assertIsNone(client._sender)
            self.assertTrue(client.close(5))
        finally:
            threading.Thread.start = original
        self.assertEqual([len(r.events) for r in self.collector.requests], [50, 10])

    def test_without_endpoint_or_secret_the_client_is_off(self):
        client = BloopClient(None, None, auto_capture=True)
        self.assertFalse(client.enabled)
        self.assertFalse(client.capture_message("E", "nowhere"))
        self.assertTrue(client.flush(1))
        self.assertTrue(client.close(1))

    def test_bad_options_are_refused_at_init(self):
        for bad in ({"source": "Not Valid"}, {"max_batch_size": 51}, {"max_queue_size": 0},
                    {"flush_interval": 0}):
            with self.subTest(bad), self.assertRaises(ValueError):
                BloopClient(self.collector.url, SECRET, auto_capture=False, **bad)
        with self.assertRaises(ValueError):
            BloopClient("ftp://x", SECRET, auto_capture=False)

    def test_global_api(self):
        client = bloop.init(self.collector.url, SECRET, environment="g", release="9", auto_capture=False,
                            flush_interval=60)
        try:
            self.assertIs(bloop.get_client(), client)
            with bloop.scope("job:nightly", request_id="job-1", metadata={"attempt": 2}):
                try:
                    raise_value_error(9)
                except ValueError:
                    self.assertTrue(bloop.capture_exception())
                bloop.capture_message("Job", "done badly", metadata={"extra": True})
            bloop.capture({"error_type": "Raw", "message": "raw event"})
            self.assertTrue(bloop.flush(5))
        finally:
            self.assertTrue(bloop.close(5))
        self.assertIsNone(bloop.get_client())
        a, b, c = self.collector.accepted_events()
        self.assertEqual((a["route_or_procedure"], a["request_id"], a["metadata"]), ("job:nightly", "job-1", {"attempt": 2}))
        self.assertEqual(b["metadata"], {"attempt": 2, "extra": True})
        self.assertNotIn("route_or_procedure", c)  # capture(event) takes the event as given
        self.assertFalse(bloop.capture_message("E", "no client"))


if __name__ == "__main__":
    unittest.main()
