"""End to end against a real bloop started from the built jar (BLOOP_JAR, else the Maven target):
real Python errors are captured, arrive as issues with the right fields, the same throw site reached
from two call paths is one issue, a different throw site is another."""
import atexit
import io
import os
import shutil
import textwrap
import unittest
import urllib.parse
import wsgiref.util

from bloop.client import BloopClient
from bloop.integrations.wsgi import BloopWSGIMiddleware

from tests.helpers import RealBloop, bloop_jar, run_child

JAR = bloop_jar()
REQUIRED = os.environ.get("BLOOP_REQUIRE_SDK_TOOLCHAINS") == "1" or bool(os.environ.get("BLOOP_JAR"))


class PaymentDeclined(Exception):
    pass


def charge(order):
    raise PaymentDeclined("card declined for order %d" % order)


def checkout(order):
    charge(order)


def renew_subscription(order):
    amount = order * 2
    charge(amount)


def refund(order):
    raise PaymentDeclined("card declined for order %d" % order)


def capture_from(client, fn, *args, **context):
    try:
        fn(*args)
    except Exception as e:
        assert client.capture_exception(e, **context)


def find(groups, **fields):
    return [g for g in groups if all(g.get(k) == v for k, v in fields.items())]


# The JVM takes a while to start on a busy machine: start it as soon as this module is imported
# (unittest imports every test module before running any), so it boots while the other tests run.
SERVER = RealBloop(JAR) if JAR is not None and shutil.which("java") is not None else None
if SERVER is not None:
    SERVER.start_in_background()
    atexit.register(SERVER.stop)


@unittest.skipIf(JAR is None and not REQUIRED, "no bloop jar (set BLOOP_JAR or build bloop-service)")
class EndToEndTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if SERVER is None:
            raise AssertionError("the e2e tests need the bloop jar (BLOOP_JAR) and java")
        cls.server = SERVER
        SERVER.wait_started()

    @classmethod
    def tearDownClass(cls):
        SERVER.stop()

    def client(self, release, **options):
        opts = dict(environment="e2e", release=release, flush_interval=0.5, auto_capture=False)
        opts.update(options)
        client = BloopClient(self.server.url, self.server.secret, **opts)
        self.addCleanup(client.close, 2)
        return client

    def test_one_throw_site_is_one_issue_and_another_site_is_another(self):
        client = self.client("2.0.0-grouping")
        capture_from(client, checkout, 1001)
        capture_from(client, renew_subscription, 2002)  # another call path into the same raise
        capture_from(client, refund, 3003)              # same type and message shape, another raise
        self.assertTrue(client.flush(10))
        name = "tests.test_e2e.PaymentDeclined"
        groups = self.server.wait_groups(
            lambda gs: sum(g["total_count"] for g in find(gs, error_type=name, last_release="2.0.0-grouping")) == 3)
        mine = find(groups, error_type=name, last_release="2.0.0-grouping")
        self.assertEqual(sorted(g["total_count"] for g in mine), [1, 2])
        same_site = [g for g in mine if g["total_count"] == 2][0]
        other_site = [g for g in mine if g["total_count"] == 1][0]
        self.assertNotEqual(same_site["fingerprint"], other_site["fingerprint"])
        self.assertEqual(same_site["source"], "python")
        self.assertEqual(same_site["environments"], ["e2e"])
        self.assertTrue(same_site["message"].startswith("card declined for order"))
        detail, _ = self.server.get("/v1/errors/" + same_site["fingerprint"])
        # The server grouped on the frame that raised, with its line number taken out.
        self.assertEqual(detail["grouping"]["frame"], 'File "%s", in charge' % os.path.abspath(__file__))
        self.assertEqual(detail["grouping"]["normalized_message"], "card declined for order <n>")
        samples = detail["samples"]
        self.assertEqual(len(samples), 2)
        for sample in samples:
            self.assertIn("in charge", sample["stack"].splitlines()[0])
            self.assertEqual(sample["release"], "2.0.0-grouping")
            self.assertEqual(sample["environment"], "e2e")
        self.assertEqual(sorted(s["message"] for s in samples),
                         ["card declined for order 1001", "card declined for order 4004"])
        other, _ = self.server.get("/v1/errors/" + other_site["fingerprint"])
        self.assertEqual(other["grouping"]["frame"], 'File "%s", in refund' % os.path.abspath(__file__))
        self.assertIn("in refund", other["samples"][0]["stack"].splitlines()[0])

    def test_chained_exception_metadata_and_route_arrive(self):
        client = self.client("2.0.0-fields")

        def app(environ, start_response):
            try:
                {}["sku-9"]
            except KeyError as e:
                raise LookupError("no price for sku 9") from e
        environ = {"PATH_INFO": "/prices/9", "REQUEST_METHOD": "GET", "wsgi.input": io.BytesIO(b""),
                   "HTTP_X_REQUEST_ID": "req-e2e-1"}
        wsgiref.util.setup_testing_defaults(environ)
        with self.assertRaises(LookupError):
            BloopWSGIMiddleware(app, client)(environ, lambda *a: None)
        self.assertTrue(client.flush(10))
        groups = self.server.wait_groups(lambda gs: find(gs, error_type="LookupError", last_release="2.0.0-fields"))
        [group] = find(groups, error_type="LookupError", last_release="2.0.0-fields")
        self.assertEqual((group["message"], group["route_or_procedure"]), ("no price for sku 9", "/prices/9"))
        detail, _ = self.server.get("/v1/errors/" + group["fingerprint"])
        [sample] = detail["samples"]
        self.assertEqual(sample["http_status"], 500)
        self.assertEqual(sample["request_id"], "req-e2e-1")
        self.assertEqual(sample["metadata"], {"method": "GET", "unhandled": True, "mechanism": "wsgi"})
        self.assertIn("\nCaused by: KeyError: 'sku-9'\n", sample["stack"])

    def test_an_uncaught_crash_in_a_child_process_arrives(self):
        result = run_child(textwrap.dedent('''
            import os
            import bloop
            bloop.init(os.environ["E2E_URL"], os.environ["E2E_SECRET"], environment="e2e",
                       release="2.0.0-crash", flush_interval=60)

            def main():
                raise ZeroDivisionError("balance of account 77 is zero")

            main()
        '''), {"E2E_URL": self.server.url, "E2E_SECRET": self.server.secret})
        self.assertEqual(result.returncode, 1)
        self.assertIn(b"ZeroDivisionError: balance of account 77 is zero", result.stderr)
        groups = self.server.wait_groups(lambda gs: find(gs, last_release="2.0.0-crash"))
        [group] = find(groups, last_release="2.0.0-crash")
        self.assertEqual((group["error_type"], group["message"], group["total_count"]),
                         ("ZeroDivisionError", "balance of account 77 is zero", 1))
        detail, _ = self.server.get("/v1/errors/" + urllib.parse.quote(group["fingerprint"]))
        self.assertEqual(detail["samples"][0]["metadata"], {"unhandled": True, "mechanism": "excepthook"})

    def test_a_trace_from_the_trace_helpers_arrives_with_its_tree_tokens_and_costs(self):
        client = self.client("2.0.0-llm")
        with client.trace("support-chat", session_id="conv-e2e", user_id="user-7") as trace:
            with trace.generation(model="gpt-4o-mini", provider="openai") as generation:
                generation.set_usage(input_tokens=812, output_tokens=64, cost=0.00016)
                with trace.tool("lookup-order"):
                    pass
        self.assertTrue(client.flush(10))
        stored = self.server.wait_trace(trace.id)
        self.assertEqual((stored["name"], stored["status"], stored["session_id"], stored["user_id"]),
                         ("support-chat", "completed", "conv-e2e", "user-7"))
        self.assertEqual(stored["span_count"], 2)
        [root] = stored["spans"]
        self.assertEqual((root["span_type"], root["model"], root["provider"]), ("generation", "gpt-4o-mini", "openai"))
        self.assertEqual(root["tokens"]["input_uncached"], 812)
        self.assertEqual(root["tokens"]["output"], 64)
        # The SDK's own cost is kept; bloop's from its price table is beside it:
        # 812 x $0.15/M + 64 x $0.60/M = $0.0001218 + $0.0000384 = $0.0001602.
        self.assertEqual(root["cost_source"], "provided")
        self.assertAlmostEqual(root["cost"], 0.00016, places=12)
        self.assertAlmostEqual(root["computed_cost"], 0.0001602, places=12)
        [tool] = root["children"]
        self.assertEqual((tool["span_type"], tool["name"], tool["parent_span_id"]), ("tool", "lookup-order", root["id"]))
        self.assertIsNone(tool["cost"])
        self.assertIsNone(stored["input"])  # the server's default content storage keeps no prompts

    def test_a_wrong_secret_is_refused_and_not_retried(self):
        client = BloopClient(self.server.url, "not-the-servers-secret", environment="e2e", release="2.0.0-401",
                             flush_interval=60, auto_capture=False)
        self.addCleanup(client.close, 1)
        client.capture_message("Refused", "bad signature")
        self.assertTrue(client.flush(10))  # refused counts as dealt with: dropped, not retried
        self.assertEqual(client.pending_events, 0)
        self.assertEqual(find(self.server.groups(), last_release="2.0.0-401"), [])


if __name__ == "__main__":
    unittest.main()
