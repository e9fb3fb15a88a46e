/**
 * `@bloop/sdk/node`: the client for Node.js (18+), with `node:crypto` signing, a `node:http(s)`
 * transport and the process hooks:
 * `uncaughtException` and `unhandledRejection` (capture, bounded flush, then exit 1 as Node would —
 * unless the app has listeners of its own), a bounded flush on `beforeExit`, and an opt-in flush on
 * SIGTERM/SIGINT that then lets the signal end the process as it would have.
 */
import { createHmac } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { inspect } from "node:util";
import { BloopClient, getClient, setClient, type BloopOptions, type Integration } from "../core/client.js";
import type { Signer } from "../core/signer.js";
import type { Transport } from "../core/transport.js";

export * from "../index.js";

export type RejectionMode = "auto" | "throw" | "strict" | "warn" | "warn-with-error-code" | "none";

export interface NodeOptions extends Partial<BloopOptions> {
  /**
   * What follows a captured unhandled rejection when the app has no `unhandledRejection` listener of
   * its own. `auto` (default): what Node would do given `--unhandled-rejections` (default `throw`:
   * hand it to the app's `uncaughtException` listeners, or print it and exit 1).
   */
  unhandledRejections?: RejectionMode;
  /** Exit after an uncaught exception even when the app has its own listener. Default false. */
  exitEvenIfOtherHandlersAreRegistered?: boolean;
  /** Called instead of printing the error and `process.exit(1)` after a fatal error was flushed. */
  onFatalError?: (error: unknown) => void;
  /** Flush (bounded by `shutdownTimeout`) when the event loop empties (`beforeExit`). Default true. */
  flushOnExit?: boolean;
  /**
   * Opt-in: on these signals flush (bounded), then let the signal end the process as it would have
   * (exit 143 for SIGTERM). `true` means `['SIGTERM']`. If the app listens to the signal itself, the
   * SDK only flushes. Default false: the SDK never changes how the process reacts to signals.
   */
  flushOnSignals?: boolean | NodeJS.Signals[];
}

/** HMAC-SHA256 with `node:crypto` (synchronous, native). */
export function nodeSigner(): Signer {
  return (secret, body) => createHmac("sha256", secret).update(body).digest("hex");
}

/**
 * Posts with `node:http`/`node:https` (no keep-alive agent, a hard deadline of `requestTimeout`): no
 * dependency on a global `fetch` that an app or a test library may have replaced, and no
 * experimental-feature warning on Node 18.
 */
export function nodeHttpTransport(): Transport {
  return (req) => new Promise((resolve, reject) => {
    const url = new URL(req.url);
    const body = Buffer.from(req.body, "utf8");
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const r = send(url, { method: "POST", headers: { ...req.headers, "Content-Length": String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        if (size < 2000) chunks.push(c);
        size += c.length;
      });
      res.on("end", () => {
        clearTimeout(deadline);
        const ra = res.headers["retry-after"];
        resolve({ status: res.statusCode ?? 0, retryAfter: Array.isArray(ra) ? ra[0] : ra, body: Buffer.concat(chunks).toString("utf8").slice(0, 2000) });
      });
      res.on("error", (e) => {
        clearTimeout(deadline);
        reject(e);
      });
    });
    const deadline = setTimeout(() => r.destroy(new Error(`no answer within ${req.timeoutMs} ms`)), req.timeoutMs);
    r.on("error", (e) => {
      clearTimeout(deadline);
      reject(e);
    });
    r.end(body);
  });
}

let fatalInProgress = false;
/** The SDK's own uncaughtException listeners: a rejection handed to "the app's" listeners skips them. */
const sdkListeners = new WeakSet<object>();
function isSdkListener(l: unknown): boolean {
  return typeof l === "function" && sdkListeners.has(l);
}

function keepAlive(ms: number): () => void {
  const t = setTimeout(() => {}, ms);
  return () => clearTimeout(t);
}

function printFatal(error: unknown): void {
  try {
    const text = error instanceof Error ? inspect(error) : `Uncaught ${inspect(error)}`;
    process.stderr.write(`${text}\n\nNode.js ${process.version}\n`);
  } catch {
    // nothing more to do
  }
}

/**
 * The path of a fatal error: print it as Node would, flush within `shutdownTimeout` (hooks stay
 * installed, so a second error meanwhile is ignored), then exit 1 (or call `onFatalError`).
 */
function fatal(client: BloopClient, error: unknown, onFatalError?: (error: unknown) => void): void {
  if (fatalInProgress) return;
  fatalInProgress = true;
  if (!onFatalError) printFatal(error);
  const timeout = client.options.shutdownTimeout;
  const release = keepAlive(timeout + 1000);
  const done = () => {
    release();
    if (onFatalError) {
      fatalInProgress = false;
      onFatalError(error);
    } else {
      process.exit(1);
    }
  };
  client.flush(timeout).then(done, done);
}

/** Captures uncaught exceptions; exits 1 after a bounded flush unless the app has its own listener. */
export function uncaughtExceptionIntegration(options: Pick<NodeOptions, "exitEvenIfOtherHandlersAreRegistered" | "onFatalError"> = {}): Integration {
  return {
    name: "uncaughtException",
    setup(client) {
      const handler = (error: unknown, origin?: string) => {
        if (fatalInProgress) {
          client.logger.error(`another uncaught error while exiting: ${String(error)}`);
          return;
        }
        client.captureException(error, { metadata: { unhandled: true, mechanism: origin || "uncaughtException" } });
        const others = process.listeners("uncaughtException").filter((l) => l !== handler && !isSdkListener(l));
        if (others.length > 0 && !options.exitEvenIfOtherHandlersAreRegistered) {
          client.sendNow(); // the app's listener decides what happens next
          return;
        }
        fatal(client, error, options.onFatalError);
      };
      sdkListeners.add(handler);
      process.on("uncaughtException", handler);
      return () => process.removeListener("uncaughtException", handler);
    },
  };
}

function nodeRejectionMode(): Exclude<RejectionMode, "auto"> {
  const args = process.execArgv.concat((process.env.NODE_OPTIONS || "").split(/\s+/));
  let mode = "throw";
  for (const a of args) {
    const m = /^--unhandled-rejections=(.+)$/.exec(a);
    if (m) mode = m[1];
  }
  return ["throw", "strict", "warn", "warn-with-error-code", "none"].includes(mode) ? mode as Exclude<RejectionMode, "auto"> : "throw";
}

function rejectionAsError(reason: unknown): Error {
  if (reason instanceof Error) return reason;
  const e = new Error("This error originated either by throwing inside of an async function without a catch block, "
    + "or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason "
    + `"${inspect(reason)}".`);
  e.name = "UnhandledPromiseRejection";
  (e as Error & { code?: string }).code = "ERR_UNHANDLED_REJECTION";
  return e;
}

/**
 * Captures unhandled rejections, then behaves as Node would have without the SDK's listener (see
 * `NodeOptions.unhandledRejections`), unless the app has an `unhandledRejection` listener itself.
 */
export function unhandledRejectionIntegration(options: Pick<NodeOptions, "unhandledRejections" | "onFatalError"> = {}): Integration {
  return {
    name: "unhandledRejection",
    setup(client) {
      const handler = (reason: unknown) => {
        if (fatalInProgress) return;
        client.captureException(reason, { metadata: { unhandled: true, mechanism: "unhandledRejection" } });
        const others = process.listeners("unhandledRejection").filter((l) => l !== handler);
        if (others.length > 0) {
          client.sendNow();
          return;
        }
        const mode = !options.unhandledRejections || options.unhandledRejections === "auto"
          ? nodeRejectionMode() : options.unhandledRejections;
        switch (mode) {
          case "none":
          case "warn": // Node itself prints the warning in this mode
          case "strict": // Node raised it as an uncaught exception first (seen by the hook above)
            client.sendNow();
            return;
          case "warn-with-error-code":
            process.emitWarning(`Unhandled promise rejection: ${inspect(reason)}`, "UnhandledPromiseRejectionWarning");
            process.exitCode = 1;
            client.sendNow();
            return;
          default: {
            // "throw": Node would raise it as an uncaught exception.
            const error = rejectionAsError(reason);
            const uncaught = process.listeners("uncaughtException").filter((l) => !isSdkListener(l));
            if (uncaught.length > 0) {
              client.sendNow();
              for (const l of uncaught) (l as (e: Error, origin: string) => void).call(process, error, "unhandledRejection");
              return;
            }
            fatal(client, error, options.onFatalError);
          }
        }
      };
      process.on("unhandledRejection", handler);
      return () => process.removeListener("unhandledRejection", handler);
    },
  };
}

/** Flushes (bounded) when the event loop empties; keeps the process alive only for that. */
export function beforeExitFlushIntegration(): Integration {
  return {
    name: "beforeExit",
    setup(client) {
      let running = false;
      let gaveUp = false;
      const handler = () => {
        const s = client.stats();
        if (running || gaveUp || s.pending + s.tracesPending === 0) return;
        running = true;
        const timeout = client.options.shutdownTimeout;
        const release = keepAlive(timeout + 100);
        client.flush(timeout).then((ok) => {
          if (!ok) gaveUp = true;
          running = false;
          release();
        }, () => {
          gaveUp = true;
          running = false;
          release();
        });
      };
      process.on("beforeExit", handler);
      return () => process.removeListener("beforeExit", handler);
    },
  };
}

/** Opt-in: flush on these signals, then re-raise so the process ends as it would have. */
export function signalFlushIntegration(signals: NodeJS.Signals[] = ["SIGTERM"]): Integration {
  return {
    name: "signals",
    setup(client) {
      const handlers = new Map<NodeJS.Signals, () => void>();
      for (const signal of signals) {
        let handling = false;
        const handler = () => {
          const others = process.listeners(signal).filter((l) => l !== handler);
          if (handling && others.length === 0) {
            // A second signal while flushing: stop waiting.
            process.removeListener(signal, handler);
            process.kill(process.pid, signal);
            return;
          }
          handling = true;
          const release = others.length === 0 ? keepAlive(client.options.shutdownTimeout + 1000) : () => {};
          const done = () => {
            release();
            handling = false;
            if (others.length > 0) return; // the app handles this signal itself
            process.removeListener(signal, handler);
            process.kill(process.pid, signal);
          };
          client.flush(client.options.shutdownTimeout).then(done, done);
        };
        handlers.set(signal, handler);
        process.on(signal, handler);
      }
      return () => {
        for (const [signal, handler] of handlers) process.removeListener(signal, handler);
      };
    },
  };
}

function fromEnv(name: string): string | undefined {
  const v = process.env[name];
  return v && v.trim() !== "" ? v : undefined;
}

/**
 * Creates the client, installs the Node hooks (per the options) and makes it the current client for
 * the module-level functions (`captureException`, `flush`, ...). Missing options are read from
 * `BLOOP_ENDPOINT`, `BLOOP_SECRET`, `BLOOP_PROJECT_KEY`, `BLOOP_ENVIRONMENT` (else `NODE_ENV`) and
 * `BLOOP_RELEASE`. A second `init` closes the previous client.
 */
export function init(options: NodeOptions = {}): BloopClient {
  const client = new BloopClient({
    source: "node",
    signer: nodeSigner(),
    transport: nodeHttpTransport(),
    ...options,
    endpoint: options.endpoint ?? fromEnv("BLOOP_ENDPOINT") ?? "",
    secret: options.secret ?? fromEnv("BLOOP_SECRET") ?? "",
    projectKey: options.projectKey ?? fromEnv("BLOOP_PROJECT_KEY"),
    environment: options.environment ?? fromEnv("BLOOP_ENVIRONMENT") ?? fromEnv("NODE_ENV") ?? "",
    release: options.release ?? fromEnv("BLOOP_RELEASE") ?? "",
  });
  const previous = getClient();
  if (previous && previous !== client) void previous.close();
  setClient(client);
  if (!client.options.enabled) return client;
  if (client.options.autoCapture) {
    client.addIntegration(uncaughtExceptionIntegration(options));
    client.addIntegration(unhandledRejectionIntegration(options));
  }
  if (options.flushOnExit !== false) client.addIntegration(beforeExitFlushIntegration());
  if (options.flushOnSignals) {
    const signals = options.flushOnSignals === true ? ["SIGTERM" as NodeJS.Signals] : options.flushOnSignals;
    client.addIntegration(signalFlushIntegration(signals));
  }
  return client;
}
