"""Test helpers: a loopback stand-in for bloop's ingest, and a real bloop server started from the jar."""
import hashlib
import hmac
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
SDK_DIR = os.path.dirname(HERE)
REPO = os.path.dirname(os.path.dirname(SDK_DIR))
VECTORS = os.path.join(SDK_DIR, "..", "conformance", "vectors.json")
SECRET = "test-secret-0123456789abcdef"


def load_vectors() -> Dict[str, Any]:
    with open(VECTORS, encoding="utf-8") as f:
        return json.load(f)


def hmac_hex(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


class Received:
    def __init__(self, path: str, headers: Dict[str, str], body: bytes, status: int) -> None:
        self.path = path
        self.headers = headers
        self.body = body
        self.status = status
        self.at = time.monotonic()

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    @property
    def events(self) -> List[Dict[str, Any]]:
        return self.json.get("events", [])

    @property
    def traces(self) -> List[Dict[str, Any]]:
        return self.json.get("traces", [])


Reply = Tuple[int, Dict[str, str], bytes]


class Collector:
    """A loopback HTTP server standing in for bloop: records every request, checks the signature, and
    answers from a script (a list of replies used in order, then 200)."""

    def __init__(self, secret: str = SECRET) -> None:
        self.secret = secret
        self.requests: List[Received] = []
        self.script: List[Any] = []
        self.lock = threading.Condition()
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with collector.lock:
                    step = collector.script.pop(0) if collector.script else None
                if callable(step):
                    step = step(self, body)
                if step == "drop":  # a network error: close without an answer
                    self.close_connection = True
                    try:
                        self.connection.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    with collector.lock:
                        collector.requests.append(Received(self.path, dict(self.headers), body, 0))
                        collector.lock.notify_all()
                    return
                if step is None:
                    good = hmac.compare_digest(self.headers.get("X-Signature", ""), hmac_hex(collector.secret, body))
                    if good:
                        n = len(json.loads(body).get("events", json.loads(body).get("traces", [])))
                        step = (200, {}, json.dumps({"accepted": n, "errors": []}).encode())
                    else:
                        step = (401, {}, b'{"error":"signature mismatch"}')
                status, headers, payload = step
                with collector.lock:
                    collector.requests.append(Received(self.path, dict(self.headers), body, status))
                    collector.lock.notify_all()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, predicate: Callable[[List[Received]], bool], timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        with self.lock:
            while not predicate(self.requests):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.lock.wait(left)
            return True

    def accepted_events(self) -> List[Dict[str, Any]]:
        with self.lock:
            return [e for r in self.requests if r.status == 200 for e in r.events]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bloop_jar() -> Optional[str]:
    jar = os.environ.get("BLOOP_JAR") or os.path.join(REPO, "bloop-service", "target", "bloop-service.jar")
    return jar if os.path.isfile(jar) else None


# Start-up, not peak speed, is what a test run needs: C1 only and the serial collector halve the
# time to a healthy server on a busy 2-core machine.
JVM_FAST_START = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]


class RealBloop:
    """The real server from the built jar, on free loopback ports with a temporary database."""

    def __init__(self, jar: str, secret: str = SECRET) -> None:
        self.jar = jar
        self.secret = secret
        self.port = free_port()
        self.admin_port = free_port()
        self.dir = tempfile.mkdtemp(prefix="bloop-py-e2e-")
        self.env = dict(os.environ, BLOOP__SERVER__PORT=str(self.port), BLOOP__SERVER__ADMIN_PORT=str(self.admin_port),
                        BLOOP__DATABASE__PATH=os.path.join(self.dir, "bloop.db"), BLOOP__AUTH__HMAC_SECRET=secret)
        self.config = os.path.join(REPO, "config.yml")
        self.proc: Optional[subprocess.Popen] = None
        self.log = open(os.path.join(self.dir, "server.log"), "wb")
        self.token = ""

    @property
    def url(self) -> str:
        return "http://127.0.0.1:%d" % self.port

    def start(self, timeout: float = 60.0) -> None:
        out = subprocess.run(["java"] + JVM_FAST_START + ["-jar", self.jar, "create-token", self.config, "--name", "sdk-e2e",
                              "--project", "default", "--scopes", "errors:read,llm:read"],
                             env=self.env, stdout=subprocess.PIPE, stderr=self.log, timeout=120, check=True)
        self.token = out.stdout.decode().strip().splitlines()[-1].strip()
        self.proc = subprocess.Popen(["java", "-Xmx256m"] + JVM_FAST_START + ["-jar", self.jar, "server", self.config],
                                     env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("bloop exited with %s; log: %s" % (self.proc.returncode, self.tail()))
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise RuntimeError("bloop did not become healthy; log: " + self.tail())

    def tail(self) -> str:
        self.log.flush()
        with open(os.path.join(self.dir, "server.log"), "rb") as f:
            return f.read()[-3000:].decode("utf-8", "replace")

    def get(self, path: str) -> Tuple[Any, Dict[str, str]]:
        req = urllib.request.Request(self.url + path, headers={"Authorization": "Bearer " + self.token})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read().decode("utf-8")), dict(r.headers)

    def groups(self) -> List[Dict[str, Any]]:
        return self.get("/v1/errors?limit=200")[0]

    def wait_groups(self, predicate: Callable[[List[Dict[str, Any]]], bool], timeout: float = 15.0) -> List[Dict[str, Any]]:
        deadline = time.monotonic() + timeout
        groups: List[Dict[str, Any]] = []
        while time.monotonic() < deadline:
            groups = self.groups()
            if predicate(groups):
                return groups
            time.sleep(0.25)
        raise AssertionError("groups never matched; last: %s" % json.dumps(groups, indent=1)[:4000])

    def wait_trace(self, trace_id: str, timeout: float = 15.0) -> Dict[str, Any]:
        """The trace as the LLM query API shows it, once the server has committed it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                return self.get("/v1/llm/traces/" + urllib.parse.quote(trace_id, safe=""))[0]
            except urllib.error.HTTPError as e:
                if e.code != 404:
                    raise
            time.sleep(0.25)
        raise AssertionError("trace %s never arrived" % trace_id)

    def start_in_background(self) -> None:
        """Starts the server while other tests run; ``wait_started`` joins it."""
        self._error: Optional[BaseException] = None

        def run() -> None:
            try:
                self.start()
            except BaseException as e:
                self._error = e
        self._starter = threading.Thread(target=run, name="bloop-e2e-start", daemon=True)
        self._starter.start()

    def wait_started(self, timeout: float = 120.0) -> None:
        self._starter.join(timeout)
        if self._starter.is_alive():
            raise RuntimeError("bloop did not start within %.0f s" % timeout)
        if self._error is not None:
            raise self._error

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if not self.log.closed:
            self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def child_command(code: str, env: Optional[Dict[str, str]] = None, python: Optional[str] = None,
                  path: Optional[str] = None) -> Tuple[List[str], Dict[str, str], str]:
    """A script file holding ``code`` (so tracebacks show source lines, as for a real app), and the
    command and environment that run it with the SDK importable."""
    if path is None:
        fd, path = tempfile.mkstemp(prefix="bloop_child_", suffix=".py")
        os.close(fd)
    with open(path, "w", encoding="utf-8") as f:
        f.write(code)
    child_env = dict(os.environ)
    child_env["PYTHONPATH"] = SDK_DIR + os.pathsep + child_env.get("PYTHONPATH", "")
    child_env.update(env or {})
    return [python or sys.executable, path], child_env, path


def run_child(code: str, env: Optional[Dict[str, str]] = None, timeout: float = 30.0,
              python: Optional[str] = None, path: Optional[str] = None) -> subprocess.CompletedProcess:
    """Runs ``code`` as a script in a fresh interpreter; returns the completed process."""
    cmd, child_env, path = child_command(code, env, python, path)
    try:
        return subprocess.run(cmd, env=child_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    finally:
        os.unlink(path)
