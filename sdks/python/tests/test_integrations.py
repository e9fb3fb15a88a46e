"""WSGI and ASGI middleware and the logging handler (stdlib only; Flask and Django: *_test.py)."""
import asyncio
import io
import logging
import unittest
import wsgiref.util

import bloop
from bloop.client import BloopClient
from bloop.integrations.asgi import BloopASGIMiddleware
from bloop.integrations.logging import BloopHandler
from bloop.integrations.wsgi import BloopWSGIMiddleware

from tests.helpers import SECRET, Collector


class OrderMissing(Exception):
    pass


def load_order(order_id):
    raise OrderMissing("order %s not found" % order_id)


class IntegrationTestCase(unittest.TestCase):
    def setUp(self):
        self.collector = Collector()
        self.client = BloopClient(self.collector.url, SECRET, environment="test", release="1",
                                  flush_interval=60, auto_capture=False)

    def tearDown(self):
        self.client.close(1)
        self.collector.close()

    def events(self):
        self.assertTrue(self.client.flush(5))
        return self.collector.accepted_events()


def environ(path="/orders/17", method="GET", **headers):
    env = {"PATH_INFO": path, "REQUEST_METHOD": method, "wsgi.input": io.BytesIO(b"")}
    env.update(headers)
    wsgiref.util.setup_testing_defaults(env)
    return env


class WsgiTest(IntegrationTestCase):
    def test_an_exception_is_captured_with_route_status_and_re_raised(self):
        def app(env, start_response):
            load_order(17)
        wrapped = BloopWSGIMiddleware(app, self.client)
        with self.assertRaises(OrderMissing):
            wrapped(environ(HTTP_X_REQUEST_ID="req-17"), lambda *a: None)
        [event] = self.events()
        self.assertEqual(event["error_type"], "tests.test_integrations.OrderMissing")
        self.assertEqual(event["route_or_procedure"], "/orders/17")
        self.assertEqual(event["http_status"], 500)
        self.assertEqual(event["request_id"], "req-17")
        self.assertEqual(event["metadata"], {"method": "GET", "unhandled": True, "mechanism": "wsgi"})
        self.assertIn("in load_order", event["stack"].splitlines()[0])

    def test_an_exception_while_streaming_the_body(self):
        closed = []

        class Body:
            def __iter__(self):
                yield b"first"
                load_order(18)

            def close(self):
                closed.append(True)

        def app(env, start_response):
            start_response("200 OK", [("Content-Type", "text/plain")])
            return Body()
        statuses = []
        result = BloopWSGIMiddleware(app, self.client)(environ("/stream"), lambda s, h, e=None: statuses.append(s))
        chunks = []
        with self.assertRaises(OrderMissing):
            for chunk in result:
                chunks.append(chunk)
        result.close()
        self.assertEqual((chunks, statuses, closed), ([b"first"], ["200 OK"], [True]))
        [event] = self.events()
        self.assertEqual((event["route_or_procedure"], event["http_status"]), ("/stream", 200))

    def test_a_body_left_unfinished_leaves_no_context_behind(self):
        from bloop import _scope

        def app(env, start_response):
            start_response("200 OK", [])
            return iter([b"a", b"b", b"c"])
        result = BloopWSGIMiddleware(app, self.client)(environ("/leak"), lambda *a: None)
        body = iter(result)
        self.assertEqual(next(body), b"a")  # the client goes away after the first chunk
        result.close()
        self.assertEqual(_scope.current(), {})
        self.client.capture_message("After", "the request")
        self.assertNotIn("route_or_procedure", self.events()[0])

    def test_a_good_response_passes_through_untouched(self):
        def app(env, start_response):
            start_response("201 Created", [("X-App", "1")])
            return [b"made"]
        seen = []
        result = BloopWSGIMiddleware(app, self.client)(environ(method="POST"), lambda s, h, e=None: seen.append((s, h)))
        self.assertEqual(b"".join(result), b"made")
        self.assertEqual(seen, [("201 Created", [("X-App", "1")])])
        self.assertEqual(self.events(), [])

    def test_captures_inside_a_request_carry_its_context(self):
        def app(env, start_response):
            try:
                load_order(19)
            except OrderMissing as e:
                self.client.capture_exception(e)
            start_response("404 Not Found", [])
            return [b""]
        BloopWSGIMiddleware(app, self.client)(environ("/orders/19", HTTP_X_REQUEST_ID="r19"), lambda *a: None)
        [event] = self.events()
        self.assertEqual((event["route_or_procedure"], event["request_id"], event["metadata"]),
                         ("/orders/19", "r19", {"method": "GET"}))
        # ... and only inside it
        self.client.capture_message("Outside", "no request")
        self.assertNotIn("route_or_procedure", self.events()[-1])

    def test_the_global_client_is_used_by_default(self):
        bloop.init(self.collector.url, SECRET, environment="g", release="1", auto_capture=False, flush_interval=60)
        try:
            def app(env, start_response):
                raise RuntimeError("global")
            with self.assertRaises(RuntimeError):
                BloopWSGIMiddleware(app)(environ(), lambda *a: None)
            bloop.flush(5)
        finally:
            bloop.close(1)
        [event] = self.collector.accepted_events()
        self.assertEqual(event["environment"], "g")


class Route:
    def __init__(self, path):
        self.path = path


def run_asgi(app, scope):
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    async def main():
        await app(scope, receive, send)
    asyncio.run(main())
    return sent


def http_scope(path="/items/3", **extra):
    scope = {"type": "http", "method": "POST", "path": path, "root_path": "",
             "headers": [(b"x-request-id", b"asgi-1")]}
    scope.update(extra)
    return scope


class AsgiTest(IntegrationTestCase):
    def test_an_exception_is_captured_with_the_route_template_and_re_raised(self):
        async def app(scope, receive, send):
            scope["route"] = Route("/items/{item_id}")  # as Starlette's router does
            load_order(3)
        with self.assertRaises(OrderMissing):
            run_asgi(BloopASGIMiddleware(app, self.client), http_scope())
        [event] = self.events()
        self.assertEqual(event["route_or_procedure"], "/items/{item_id}")
        self.assertEqual(event["http_status"], 500)
        self.assertEqual(event["request_id"], "asgi-1")
        self.assertEqual(event["metadata"], {"method": "POST", "unhandled": True, "mechanism": "asgi"})

    def test_status_of_a_response_already_started(self):
        async def app(scope, receive, send):
            await send({"type": "http.response.start", "status": 200, "headers": []})
            load_order(4)
        with self.assertRaises(OrderMissing):
            run_asgi(BloopASGIMiddleware(app, self.client), http_scope("/slow"))
        [event] = self.events()
        self.assertEqual((event["route_or_procedure"], event["http_status"]), ("/slow", 200))

    def test_a_good_response_and_lifespan_pass_through(self):
        async def app(scope, receive, send):
            if scope["type"] == "lifespan":
                await send({"type": "lifespan.startup.complete"})
                return
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})
        wrapped = BloopASGIMiddleware(app, self.client)
        self.assertEqual([m["type"] for m in run_asgi(wrapped, http_scope())],
                         ["http.response.start", "http.response.body"])
        self.assertEqual(run_asgi(wrapped, {"type": "lifespan"}), [{"type": "lifespan.startup.complete"}])
        self.assertEqual(self.events(), [])


class LoggingHandlerTest(IntegrationTestCase):
    def setUp(self):
        super().setUp()
        self.logger = logging.getLogger("shop.orders")
        self.logger.propagate = False
        self.handler = BloopHandler(client=self.client)
        self.logger.addHandler(self.handler)

    def tearDown(self):
        self.logger.removeHandler(self.handler)
        super().tearDown()

    def test_logger_exception_captures_the_exception(self):
        try:
            load_order(5)
        except OrderMissing:
            self.logger.exception("could not load order %d", 5)
        [event] = self.events()
        self.assertEqual(event["error_type"], "tests.test_integrations.OrderMissing")
        self.assertEqual(event["message"], "order 5 not found")
        self.assertEqual(event["metadata"], {"logger": "shop.orders", "level": "ERROR",
                                             "log_message": "could not load order 5"})
        self.assertIn("in load_order", event["stack"].splitlines()[0])

    def test_an_error_record_without_exception_is_a_message_event_at_its_call_site(self):
        self.logger.error("stock low for sku %s", "A-1")
        self.logger.warning("below the handler's level")
        [event] = self.events()
        self.assertEqual((event["error_type"], event["message"]), ("shop.orders", "stock low for sku A-1"))
        self.assertRegex(event["stack"], r'^  File ".*test_integrations\.py", line \d+, in test_an_error_record')

    def test_the_sdks_own_logger_is_never_captured(self):
        logging.getLogger("bloop").addHandler(self.handler)
        try:
            logging.getLogger("bloop").error("bloop: the server refused 1 events")
        finally:
            logging.getLogger("bloop").removeHandler(self.handler)
        self.assertEqual(self.events(), [])

    def test_an_exception_logged_and_then_seen_by_the_middleware_is_one_event(self):
        def app(env, start_response):
            try:
                load_order(6)
            except OrderMissing:
                self.logger.exception("failed")
                raise
        with self.assertRaises(OrderMissing):
            BloopWSGIMiddleware(app, self.client)(environ("/orders/6"), lambda *a: None)
        [event] = self.events()
        self.assertEqual(event["route_or_procedure"], "/orders/6")  # the request's context reached the log
        self.assertEqual(event["metadata"]["log_message"], "failed")


if __name__ == "__main__":
    unittest.main()
