"""The shared vectors (sdks/conformance/vectors.json): signing, caps and batching must match bloop-api."""
import hmac
import json
import unittest

from bloop import _wire
from bloop.client import BloopClient

from tests.helpers import SECRET, Collector, hmac_hex, load_vectors

VECTORS = load_vectors()


def body_of(events):
    # vectors.json's own definition of the wire body
    return '{"events":[' + ",".join(json.dumps(e, separators=(",", ":"), ensure_ascii=False) for e in events) + "]}"


class LimitsTest(unittest.TestCase):
    def test_limits_are_the_servers(self):
        limits = VECTORS["limits"]
        self.assertEqual(limits["message_bytes"], _wire.MESSAGE_BYTES)
        self.assertEqual(limits["stack_bytes"], _wire.STACK_BYTES)
        self.assertEqual(limits["metadata_bytes"], _wire.METADATA_BYTES)
        self.assertEqual(limits["fingerprint_chars"], _wire.FINGERPRINT_CHARS)
        self.assertEqual(limits["body_bytes"], _wire.BODY_BYTES)
        self.assertEqual(limits["batch_events"], _wire.BATCH_EVENTS)


class HmacTest(unittest.TestCase):
    def test_every_hmac_case(self):
        self.assertGreaterEqual(len(VECTORS["hmac"]), 5)
        for case in VECTORS["hmac"]:
            with self.subTest(case["name"]):
                body = case["body"].encode("utf-8")
                self.assertEqual(len(body), case["body_utf8_bytes"])
                self.assertEqual(_wire.sign(case["secret"], body), case["expected_hex"])

    def test_rfc4231_case2_is_there(self):
        names = {c["name"] for c in VECTORS["hmac"]}
        self.assertIn("rfc4231_case2", names)
        self.assertIn("utf8_body", names)


class CapsTest(unittest.TestCase):
    def setUp(self):
        self.client = BloopClient("http://127.0.0.1:9", SECRET, environment="test", release="1",
                                  auto_capture=False)

    def tearDown(self):
        self.client.close(0.1)

    def test_every_cap_case_through_the_event_path(self):
        for case in VECTORS["caps"]:
            with self.subTest(case["name"]):
                self.assertEqual(_wire.truncate_utf8(case["input"], case["max_bytes"]), case["expected"])
                event = {"error_type": "E", "message": "m", case["field"]: case["input"]}
                capped = self.client.within_caps(event)
                self.assertEqual(capped[case["field"]], case["expected"])
                self.assertEqual(len(capped[case["field"]].encode("utf-8")), case["expected_utf8_bytes"])

    def test_metadata_cases(self):
        for case in VECTORS["metadata"]:
            with self.subTest(case["name"]):
                capped = self.client.within_caps({"error_type": "E", "message": "m", "metadata": case["input"]})
                if case["expected"] == "unchanged":
                    self.assertEqual(capped["metadata"], case["input"])
                else:
                    self.assertEqual(list(capped["metadata"]), ["bloop_metadata_dropped"])
                    size = len(json.dumps(case["input"], separators=(",", ":")).encode("utf-8"))
                    self.assertIn(str(size), capped["metadata"]["bloop_metadata_dropped"])
                    self.assertLessEqual(len(_wire.dumps(capped["metadata"])), case["max_bytes"])


class BatchingTest(unittest.TestCase):
    def test_serialization_is_the_vectors_wire_form(self):
        for case in VECTORS["batching"]:
            events = case["events"]
            ours = _wire.envelope("events", [_wire.dumps(e) for e in events])
            self.assertEqual(ours, body_of(events).encode("utf-8"))

    def test_batch_sizes(self):
        for case in VECTORS["batching"]:
            with self.subTest(case["name"]):
                sizes = [len(_wire.dumps(e)) for e in case["events"]]
                self.assertEqual(_wire.batch_sizes(sizes, "events", case["max_events"], case["max_body_bytes"]),
                                 case["expected_batches"])

    def test_the_client_sends_the_vector_batches(self):
        # The real path: capture -> queue -> sender -> HTTP, against a loopback stand-in.
        for case in VECTORS["batching"]:
            with self.subTest(case["name"]):
                collector = Collector()
                client = BloopClient(collector.url, SECRET, environment="test", release="1",
                                     flush_interval=60, auto_capture=False)
                try:
                    for e in case["events"]:
                        self.assertTrue(client.capture(e))
                    self.assertTrue(client.flush(10))
                finally:
                    client.close(1)
                    collector.close()
                self.assertEqual([len(r.events) for r in collector.requests], case["expected_batches"])
                for r in collector.requests:
                    self.assertLessEqual(len(r.body), case["max_body_bytes"])
                    self.assertTrue(hmac.compare_digest(r.headers["X-Signature"], hmac_hex(SECRET, r.body)))
                sent = [e for r in collector.requests for e in r.events]
                self.assertEqual(sent, case["events"])


if __name__ == "__main__":
    unittest.main()
