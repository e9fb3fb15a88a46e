"""Flask helper, with the real Flask (Debian's python3-flask). Run by test.sh under /usr/bin/python3."""
import logging
import os
import unittest

try:
    import flask
except ImportError:  # pragma: no cover - reported by test.sh
    flask = None

from bloop.client import BloopClient
from bloop.integrations.logging import BloopHandler

from tests.helpers import SECRET, Collector

REQUIRED = os.environ.get("BLOOP_REQUIRE_SDK_TOOLCHAINS") == "1"


class OrderMissing(Exception):
    pass


def load_order(order_id):
    raise OrderMissing("order %d not found" % order_id)


@unittest.skipIf(flask is None and not REQUIRED, "Flask is not installed (Debian: python3-flask)")
class FlaskTest(unittest.TestCase):
    def setUp(self):
        from bloop.integrations.flask import init_app
        self.collector = Collector()
        self.client = BloopClient(self.collector.url, SECRET, environment="test", release="1",
                                  flush_interval=60, auto_capture=False)
        app = flask.Flask("shop")
        app.logger.propagate = False  # Flask logs the 500s it handles; keep the test output clean
        app.logger.handlers[:] = [logging.NullHandler()]

        @app.route("/orders/<int:order_id>")
        def show_order(order_id):
            load_order(order_id)

        @app.route("/ok")
        def ok():
            return "fine"

        @app.route("/missing")
        def missing():
            flask.abort(404)

        @app.route("/logged/<name>")
        def logged(name):
            try:
                load_order(len(name))
            except OrderMissing:
                flask.current_app.logger.exception("lookup failed for %s", name)
            return "handled", 200

        init_app(app, self.client)
        self.app = app
        self.http = app.test_client()

    def tearDown(self):
        self.client.close(1)
        self.collector.close()

    def events(self):
        self.assertTrue(self.client.flush(5))
        return self.collector.accepted_events()

    def test_an_unhandled_exception_is_reported_with_the_route_template(self):
        response = self.http.get("/orders/17", headers={"X-Request-ID": "req-17"})
        self.assertEqual(response.status_code, 500)  # Flask's own 500, unchanged
        [event] = self.events()
        self.assertEqual(event["error_type"], "tests.flask_test.OrderMissing")
        self.assertEqual(event["message"], "order 17 not found")
        self.assertEqual(event["route_or_procedure"], "/orders/<int:order_id>")
        self.assertEqual(event["http_status"], 500)
        self.assertEqual(event["request_id"], "req-17")
        self.assertEqual(event["metadata"], {"method": "GET", "unhandled": True, "mechanism": "flask"})
        lines = event["stack"].splitlines()
        self.assertIn("in load_order", lines[0])
        self.assertIn("in show_order", lines[2])
        flask_frames = [i for i, line in enumerate(lines) if "/flask/" in line]
        self.assertTrue(flask_frames)  # the framework's frames are there, without their source lines
        for i in flask_frames:
            if i + 1 < len(lines):
                self.assertFalse(lines[i + 1].startswith("    "), lines[i + 1])

    def test_good_responses_and_http_errors_are_not_reported(self):
        self.assertEqual(self.http.get("/ok").data, b"fine")
        self.assertEqual(self.http.get("/missing").status_code, 404)
        self.assertEqual(self.http.get("/nowhere").status_code, 404)
        self.assertEqual(self.events(), [])

    def test_a_propagated_exception_is_reported_once(self):
        self.app.testing = True  # PROPAGATE_EXCEPTIONS: the exception leaves Flask through the middleware
        with self.assertRaises(OrderMissing):
            self.http.get("/orders/3")
        [event] = self.events()
        self.assertEqual(event["route_or_procedure"], "/orders/<int:order_id>")

    def test_logger_exception_inside_a_request_carries_the_route(self):
        self.app.logger.addHandler(BloopHandler(client=self.client))
        self.assertEqual(self.http.get("/logged/abc").status_code, 200)
        [event] = self.events()
        self.assertEqual(event["message"], "order 3 not found")
        self.assertEqual(event["route_or_procedure"], "/logged/<name>")
        self.assertEqual(event["metadata"]["log_message"], "lookup failed for abc")
        self.assertEqual(event["metadata"]["logger"], "shop")


if __name__ == "__main__":
    unittest.main()
