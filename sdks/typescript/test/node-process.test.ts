// Crash and exit tests in child processes (the built dist/, as an app would load it): the event is
// delivered and the process ends as it would have without the SDK.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { after, before, beforeEach, describe, it } from "node:test";
import { OFFLINE_ENDPOINT, eventsOf, sign, startStandIn, waitUntil, type StandIn } from "./helpers/standin.js";

const SECRET = "crash-test-secret-0123456789";
const fixtures = fileURLToPath(new URL("./fixtures/node/", import.meta.url));
let server: StandIn;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(script: string, opts: { env?: Record<string, string>; args?: string[]; onStdout?: (s: string, kill: (sig: NodeJS.Signals) => void) => void; endpoint?: string } = {}): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(opts.args ?? []), fixtures + script], {
      env: {
        PATH: process.env.PATH,
        BLOOP_ENDPOINT: opts.endpoint ?? server.url,
        BLOOP_SECRET: SECRET,
        BLOOP_ENVIRONMENT: "crash-test",
        BLOOP_RELEASE: "3.1.4",
        ...opts.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 20000);
    child.stdout.on("data", (d) => {
      stdout += d;
      opts.onStdout?.(stdout, (sig) => child.kill(sig));
    });
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

before(async () => {
  server = await startStandIn();
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

function onlyEvent(): any {
  const events = eventsOf(server);
  assert.equal(events.length, 1, JSON.stringify(events));
  for (const r of server.to("/v1/ingest/batch")) assert.equal(r.headers["x-signature"], sign(SECRET, r.raw));
  return events[0];
}

describe("uncaughtException", () => {
  it("is delivered, printed as Node prints it, and the process exits 1", async () => {
    const r = await run("uncaught.mjs");
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /TypeError: card declined in child\n {4}at chargeCard/);
    const e = onlyEvent();
    assert.equal(e.error_type, "TypeError");
    assert.equal(e.message, "card declined in child");
    assert.equal(e.source, "node");
    assert.equal(e.environment, "crash-test");
    assert.equal(e.release, "3.1.4");
    assert.match(e.stack, /^ {4}at chargeCard \(file:\/\/.*uncaught\.mjs:\d+:\d+\)/);
    assert.deepEqual(e.metadata, { unhandled: true, mechanism: "uncaughtException" });
  });

  it("the CommonJS build does the same", async () => {
    const r = await run("uncaught.cjs");
    assert.equal(r.code, 1, r.stderr);
    assert.equal(onlyEvent().error_type, "SyntaxError");
  });

  it("with the app's own listener: delivered, and the SDK does not end the process", async () => {
    const r = await run("uncaught-app-listener.mjs");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /app handled: handled by the app\nstill running/);
    assert.equal(onlyEvent().message, "handled by the app");
  });

  it("exits within shutdownTimeout when bloop is unreachable", async () => {
    const r = await run("uncaught.mjs", { endpoint: OFFLINE_ENDPOINT, env: { SHUTDOWN_TIMEOUT: "500" } });
    assert.equal(r.code, 1);
    assert.ok(r.ms < 10000, `took ${r.ms} ms (the flush interval is 60 s)`);
  });
});

describe("unhandledRejection", () => {
  it("default mode: delivered, then exit 1 as Node's 'throw' mode would", async () => {
    const r = await run("rejection.mjs");
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stdout, /still running/);
    assert.match(r.stderr, /RangeError: user id out of range/);
    const e = onlyEvent();
    assert.equal(e.error_type, "RangeError");
    assert.equal(e.metadata.mechanism, "unhandledRejection");
  });

  it("--unhandled-rejections=warn: delivered, and the process goes on", async () => {
    const r = await run("rejection.mjs", { args: ["--unhandled-rejections=warn"] });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /still running/);
    assert.equal(onlyEvent().error_type, "RangeError");
  });

  it("with the app's own unhandledRejection listener: delivered, and the app decides", async () => {
    const r = await run("rejection-app-listener.mjs", { env: { LISTEN_TO: "unhandledRejection" } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /app listener: rejected, app decides\nstill running/);
    assert.equal(onlyEvent().message, "rejected, app decides");
  });

  it("with only an uncaughtException listener: handed to it as Node does (origin unhandledRejection)", async () => {
    const r = await run("rejection-app-listener.mjs", { env: { LISTEN_TO: "uncaughtException" } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /app listener: rejected, app decides unhandledRejection\nstill running/);
    assert.equal(onlyEvent().message, "rejected, app decides");
  });
});

describe("exit", () => {
  it("beforeExit flushes what is queued, and the app's exit code stays", async () => {
    const r = await run("before-exit.mjs");
    assert.equal(r.code, 3, r.stderr);
    const e = onlyEvent();
    assert.equal(e.error_type, "JobFailed");
    assert.equal(e.message, "nightly export failed");
  });

  it("the SDK's timers never keep an idle process alive", async () => {
    const r = await run("idle.mjs");
    assert.equal(r.code, 0);
    assert.ok(r.ms < 10000, `took ${r.ms} ms (the flush interval is 60 s)`);
    assert.equal(server.requests.length, 0);
  });

  it("a flush at exit to an unreachable server is bounded by shutdownTimeout", async () => {
    const r = await run("idle.mjs", { endpoint: OFFLINE_ENDPOINT, env: { CAPTURE: "1", SHUTDOWN_TIMEOUT: "600" } });
    assert.equal(r.code, 0);
    assert.ok(r.ms >= 600 && r.ms < 10000, `took ${r.ms} ms (the flush interval is 60 s)`);
  });

  it("SIGTERM with flushOnSignals: flushed, then the process dies of SIGTERM as without the SDK", async () => {
    const r = await run("sigterm.mjs", { env: { OPT_IN: "1" }, onStdout: (s, kill) => s.includes("ready") && kill("SIGTERM") });
    assert.equal(r.signal, "SIGTERM", `code ${r.code}, stderr ${r.stderr}`);
    assert.equal(onlyEvent().message, "captured before SIGTERM");
  });

  it("SIGTERM without the opt-in: the SDK changes nothing (no hook, default death)", async () => {
    const r = await run("sigterm.mjs", { env: { OPT_IN: "0" }, onStdout: (s, kill) => s.includes("ready") && kill("SIGTERM") });
    assert.equal(r.signal, "SIGTERM");
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(server.requests.length, 0);
  });
});

// keep the helper referenced for editors that flag unused imports
void waitUntil;
