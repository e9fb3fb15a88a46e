// A loopback HTTP stand-in for bloop: records every request and answers as a test scripts it.
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  body: string;
  json: any;
  at: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait this long before answering. */
  delayMs?: number;
}

/** "reset" destroys the socket (a network error for the client). */
export type Responder = (req: Received, index: number) => Reply | "reset" | undefined;

export interface StandIn {
  url: string;
  port: number;
  requests: Received[];
  /** Requests to a path, e.g. /v1/ingest/batch. */
  to(path: string): Received[];
  respond: Responder;
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export function sign(secret: string, raw: Buffer | string): string {
  return createHmac("sha256", secret).update(raw).digest("hex");
}

export async function waitUntil(predicate: () => boolean | Promise<boolean>, timeoutMs = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function startStandIn(respond?: Responder, port = 0): Promise<StandIn> {
  const requests: Received[] = [];
  const sockets = new Set<import("node:net").Socket>();
  const state: { respond: Responder } = { respond: respond ?? (() => ({ status: 200, body: '{"accepted":1,"errors":[]}' })) };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const body = raw.toString("utf8");
      let json: any;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const r: Received = { method: req.method ?? "", path: (req.url ?? "").split("?")[0], headers: req.headers, raw, body, json, at: Date.now() };
      const index = requests.length;
      requests.push(r);
      let reply = state.respond(r, index);
      if (reply === "reset") {
        req.socket.destroy();
        return;
      }
      if (!reply) {
        const n = json && Array.isArray(json.events) ? json.events.length : json && Array.isArray(json.traces) ? json.traces.length : 0;
        reply = { status: 200, body: JSON.stringify({ accepted: n, errors: [] }) };
      }
      const send = () => {
        res.writeHead(reply!.status, { "Content-Type": "application/json", ...(reply!.headers ?? {}) });
        res.end(reply!.body ?? "{}");
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const p = (server.address() as AddressInfo).port;
  const standIn: StandIn = {
    url: `http://127.0.0.1:${p}`,
    port: p,
    requests,
    to: (path) => requests.filter((r) => r.path === path),
    get respond() {
      return state.respond;
    },
    set respond(fn: Responder) {
      state.respond = fn;
    },
    waitFor: (predicate, timeoutMs = 5000) => waitUntil(predicate, timeoutMs),
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
  return standIn;
}

/**
 * An endpoint nothing listens on, ever: port 1 is privileged and unused, so connections are refused. A port
 * found free and released (closedPort) can be taken meanwhile by a server of a test running beside this one,
 * which then answers the "offline" client.
 */
export const OFFLINE_ENDPOINT = "http://127.0.0.1:1";

/** A free port for a server to listen on (bound, then released): not an offline endpoint, see OFFLINE_ENDPOINT. */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Every event received at /v1/ingest/batch, in order. */
export function eventsOf(standIn: StandIn): any[] {
  return standIn.to("/v1/ingest/batch").flatMap((r) => (r.json && r.json.events) || []);
}

/** A logger that records what the SDK logs. */
export function recordingLogger() {
  const lines: { level: string; message: string }[] = [];
  return {
    lines,
    debug: (m: string) => lines.push({ level: "debug", message: m }),
    warn: (m: string) => lines.push({ level: "warn", message: m }),
    error: (m: string) => lines.push({ level: "error", message: m }),
  };
}
