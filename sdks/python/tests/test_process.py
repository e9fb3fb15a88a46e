"""Child processes: an uncaught exception, a thread's exception, the exit flush and SIGTERM all end
the process as it would end without the SDK, and the events are delivered first."""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

from tests.helpers import SECRET, Collector, child_command, run_child

CRASH = textwrap.dedent('''
    import os, sys
    import bloop

    def previous_hook(exc_type, exc, tb):
        sys.stderr.write("previous hook called\\n")
        sys.__excepthook__(exc_type, exc, tb)

    sys.excepthook = previous_hook
    if os.environ.get("WITH_SDK") == "1":
        bloop.init(os.environ["BLOOP_TEST_URL"], os.environ["BLOOP_TEST_SECRET"], environment="crash",
                   release="1.0.0", flush_interval=60)

    def explode(order):
        raise ValueError("crash on order %d" % order)

    explode(42)
''')


def env_for(collector, **extra):
    env = {"BLOOP_TEST_URL": collector.url, "BLOOP_TEST_SECRET": SECRET}
    env.update(extra)
    return env


class CrashTest(unittest.TestCase):
    def setUp(self):
        self.collector = Collector()

    def tearDown(self):
        self.collector.close()

    def test_uncaught_exception_is_delivered_and_the_process_ends_as_without_the_sdk(self):
        script = os.path.join(tempfile.mkdtemp(prefix="bloop-crash-"), "bloop_child_app.py")
        without = run_child(CRASH, env_for(self.collector, WITH_SDK="0"), path=script)
        self.assertEqual(self.collector.requests, [])
        with_sdk = run_child(CRASH, env_for(self.collector, WITH_SDK="1"), path=script)
        os.rmdir(os.path.dirname(script))
        # Same exit code, same output: the previous hook ran and printed Python's own traceback.
        self.assertEqual(without.returncode, 1)
        self.assertEqual(with_sdk.returncode, 1)
        self.assertEqual(with_sdk.stdout, without.stdout)
        self.assertEqual(with_sdk.stderr, without.stderr)
        err = with_sdk.stderr.decode()
        self.assertTrue(err.startswith("previous hook called\nTraceback (most recent call last):\n"), err)
        self.assertIn('    raise ValueError("crash on order %d" % order)\n', err)
        self.assertTrue(err.endswith("ValueError: crash on order 42\n"), err)
        # Delivered before the process ended.
        [event] = self.collector.accepted_events()
        self.assertEqual(event["error_type"], "ValueError")
        self.assertEqual(event["message"], "crash on order 42")
        self.assertEqual(event["environment"], "crash")
        self.assertEqual(event["metadata"], {"unhandled": True, "mechanism": "excepthook"})
        first = event["stack"].splitlines()
        self.assertRegex(first[0], r'^  File ".*bloop_child_.*\.py", line \d+, in explode$')
        self.assertEqual(first[1], '    raise ValueError("crash on order %d" % order)')
        self.assertIn("in <module>", first[2])

    def test_a_thread_exception_is_delivered_and_the_process_goes_on(self):
        result = run_child(textwrap.dedent('''
            import os, threading
            import bloop
            bloop.init(os.environ["BLOOP_TEST_URL"], os.environ["BLOOP_TEST_SECRET"], environment="t",
                       release="1", flush_interval=60)
            def work():
                raise KeyError("job 7")
            t = threading.Thread(target=work, name="worker")
            t.start(); t.join()
            print("main went on")
        '''), env_for(self.collector))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, b"main went on\n")
        self.assertIn(b"Exception in thread worker", result.stderr)  # Python's own hook still ran
        [event] = self.collector.accepted_events()
        self.assertEqual((event["error_type"], event["metadata"]["thread"]), ("KeyError", "worker"))

    def test_normal_exit_sends_everything_in_batches(self):
        result = run_child(textwrap.dedent('''
            import os
            import bloop
            bloop.init(os.environ["BLOOP_TEST_URL"], os.environ["BLOOP_TEST_SECRET"], environment="t",
                       release="1", flush_interval=60, shutdown_timeout=10)
            for i in range(120):
                bloop.capture_message("AtExit", "event %d" % i)
        '''), env_for(self.collector))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, b"")
        self.assertEqual([len(r.events) for r in self.collector.requests], [50, 50, 20])

    def test_the_exit_flush_is_bounded_when_the_server_hangs(self):
        hang = socket.socket()
        hang.bind(("127.0.0.1", 0))
        hang.listen(5)
        try:
            result = run_child(textwrap.dedent('''
                import os, sys, time
                import bloop
                bloop.init("http://127.0.0.1:%s" % os.environ["HANG_PORT"], "secret-0123456789abcdef",
                           environment="t", release="1", flush_interval=60, shutdown_timeout=1,
                           request_timeout=30)
                bloop.capture_message("Stuck", "never answered")
                print(time.monotonic())
            '''), {"HANG_PORT": str(hang.getsockname()[1])})
            exit_took = time.monotonic() - float(result.stdout)
        finally:
            hang.close()
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertLess(exit_took, 4.0)
        self.assertGreaterEqual(exit_took, 0.9)  # it did wait for the send, up to shutdown_timeout
        self.assertIn(b"1 events not sent", result.stderr)  # warned through logging's last resort

    @unittest.skipUnless(hasattr(os, "fork"), "os.fork")
    def test_a_forked_child_sends_its_own_events_and_not_its_parents(self):
        result = run_child(textwrap.dedent('''
            import os
            import bloop
            bloop.init(os.environ["BLOOP_TEST_URL"], os.environ["BLOOP_TEST_SECRET"], environment="t",
                       release="1", flush_interval=60)
            bloop.capture_message("Fork", "parent, before the fork")
            pid = os.fork()
            if pid == 0:
                bloop.capture_message("Fork", "child")
                ok = bloop.flush(5)
                os._exit(0 if ok else 5)
            _, status = os.waitpid(pid, 0)
            print(os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status >> 8)
        '''), env_for(self.collector))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, b"0\n")
        self.assertEqual(sorted(e["message"] for e in self.collector.accepted_events()),
                         ["child", "parent, before the fork"])

    def test_the_example_runs(self):
        example = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples", "basic.py")
        with open(example, encoding="utf-8") as f:
            code = f.read()
        result = run_child(code, {"BLOOP_ENDPOINT": self.collector.url, "BLOOP_SECRET": SECRET})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, b"flushed: True\n")
        events = self.collector.accepted_events()
        self.assertEqual([e["error_type"] for e in events], ["PaymentDeclined", "InventoryMismatch", "KeyError"])
        self.assertEqual(events[2]["route_or_procedure"], "job:nightly-invoices")
        self.assertEqual(events[2]["metadata"]["batch"], 7)
        [trace_request] = [r for r in self.collector.requests if r.path == "/v1/traces/batch"]
        self.assertEqual(trace_request.traces[0]["spans"][0]["input_tokens"], 812)


SIGTERM_CHILD = textwrap.dedent('''
    import os, signal, sys, time
    import bloop
    if os.environ.get("APP_HANDLER") == "1":
        def app_handler(signum, frame):
            print("app handler", flush=True)
            sys.exit(3)
        signal.signal(signal.SIGTERM, app_handler)
    if os.environ.get("WITH_SDK") == "1":
        bloop.init(os.environ["BLOOP_TEST_URL"], os.environ["BLOOP_TEST_SECRET"], environment="t",
                   release="1", flush_interval=60, install_signal_handlers=True)
        bloop.capture_message("Terminated", "queued before SIGTERM")
    print("ready", flush=True)
    time.sleep(30)
''')


@unittest.skipUnless(hasattr(signal, "SIGTERM") and os.name == "posix", "POSIX signals")
class SigtermTest(unittest.TestCase):
    def setUp(self):
        self.collector = Collector()

    def tearDown(self):
        self.collector.close()

    def run_and_terminate(self, **env):
        cmd, child_env, path = child_command(SIGTERM_CHILD, env_for(self.collector, **env))
        try:
            proc = subprocess.Popen(cmd, env=child_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            self.assertEqual(proc.stdout.readline(), b"ready\n")
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=20)
            return proc.returncode, out, err
        finally:
            os.unlink(path)

    def test_sigterm_flushes_then_dies_by_the_signal_as_without_the_sdk(self):
        code, _, _ = self.run_and_terminate(WITH_SDK="0")
        self.assertEqual(code, -signal.SIGTERM)  # exit status 143 in a shell
        code, _, err = self.run_and_terminate(WITH_SDK="1")
        self.assertEqual(code, -signal.SIGTERM, err)
        [event] = self.collector.accepted_events()
        self.assertEqual(event["message"], "queued before SIGTERM")

    @unittest.skipUnless(os.path.exists("/proc/self/task"), "Linux /proc")
    def test_the_sender_thread_leaves_sigterm_and_sigint_to_the_apps_threads(self):
        # A signal to the process may be delivered to any thread that does not block it; CPython only
        # runs handlers on the main thread, which stays asleep when the kernel picks another one.
        code = textwrap.dedent('''
            import os, signal, threading, time
            import bloop
            bloop.init(os.environ["BLOOP_TEST_URL"], os.environ["BLOOP_TEST_SECRET"], flush_interval=60)
            bloop.capture_message("x")
            [sender] = [t for t in threading.enumerate() if t.name == "bloop-sender"]
            for _ in range(100):
                with open("/proc/self/task/%d/status" % sender.native_id) as f:
                    blocked = int([l for l in f if l.startswith("SigBlk:")][0].split()[1], 16)
                if blocked:
                    break
                time.sleep(0.01)
            print(bool(blocked >> (signal.SIGTERM - 1) & 1), bool(blocked >> (signal.SIGINT - 1) & 1))
            with open("/proc/self/status") as f:
                main = int([l for l in f if l.startswith("SigBlk:")][0].split()[1], 16)
            print(bool(main >> (signal.SIGTERM - 1) & 1))
        ''')
        result = run_child(code, env_for(self.collector))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, b"True True\nFalse\n")

    def test_sigterm_flushes_then_calls_the_apps_handler(self):
        code, out, err = self.run_and_terminate(WITH_SDK="1", APP_HANDLER="1")
        self.assertEqual(code, 3, err)
        self.assertEqual(out, b"app handler\n")
        self.assertEqual(len(self.collector.accepted_events()), 1)


if __name__ == "__main__":
    unittest.main()
