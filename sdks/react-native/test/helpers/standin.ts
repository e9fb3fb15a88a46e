// A loopback stand-in for bloop: records every request, checks nothing itself, answers as scripted.
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createServer as createNetServer } from "node:net";

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
  at: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** "reset" destroys the socket: a network error for the client. */
export type Responder = (req: Received, index: number) => Reply | "reset" | undefined;

export interface StandIn {
  url: string;
  requests: Received[];
  /** Events of every request, in order. */
  events(): any[];
  /** Sizes of the batches received. */
  batches(): number[];
  respond(responder: Responder): void;
  waitFor(predicate: (requests: Received[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export function sign(secret: string, body: string | Buffer): string {
  return createHmac("sha256", Buffer.from(secret, "utf8")).update(body).digest("hex");
}

export async function startStandIn(responder?: Responder): Promise<StandIn> {
  const requests: Received[] = [];
  let respond: Responder = responder ?? (() => undefined);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json: any;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const received: Received = { path: req.url ?? "", headers: req.headers, body, json, at: Date.now() };
      requests.push(received);
      const reply = respond(received, requests.length - 1);
      if (reply === "reset") {
        req.socket.destroy();
        return;
      }
      const r = reply ?? { status: 200, body: JSON.stringify({ accepted: json?.events?.length ?? 0, errors: [] }) };
      res.writeHead(r.status, { "Content-Type": "application/json", ...(r.headers ?? {}) });
      res.end(r.body ?? "{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    events: () => requests.flatMap((r) => (r.json && Array.isArray(r.json.events) ? r.json.events : [])),
    batches: () => requests.map((r) => (r.json && Array.isArray(r.json.events) ? r.json.events.length : 0)),
    respond(r) {
      respond = r;
    },
    async waitFor(predicate, timeoutMs = 10000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(requests)) {
        if (Date.now() > deadline) throw new Error(`stand-in: condition not met within ${timeoutMs} ms (${requests.length} requests)`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}

/**
 * An endpoint nothing listens on, ever: port 1 is privileged and unused, so connections are refused. A port
 * found free and released (closedPort) can be taken meanwhile by a server of a test running beside this one,
 * which then answers the "offline" client.
 */
export const OFFLINE_ENDPOINT = "http://127.0.0.1:1";

/** A free port for a server to listen on (bound, then released): not an offline endpoint, see OFFLINE_ENDPOINT. */
export async function closedPort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** A storage that records its calls (sync, in memory; can be shared by two "runs"). */
export function recordingStorage(initial: Record<string, string> = {}) {
  const items = new Map<string, string>(Object.entries(initial));
  const calls: string[] = [];
  return {
    items,
    calls,
    getItem(key: string) {
      calls.push(`get ${key}`);
      return Promise.resolve(items.has(key) ? (items.get(key) as string) : null);
    },
    setItem(key: string, value: string) {
      calls.push(`set ${key}`);
      items.set(key, value);
      return Promise.resolve();
    },
    removeItem(key: string) {
      calls.push(`remove ${key}`);
      items.delete(key);
      return Promise.resolve();
    },
    /** The events stored under the SDK's key. */
    stored(key = "@bloop/unsent-events"): any[] {
      const raw = items.get(key);
      return raw ? JSON.parse(raw).events.map((e: any) => JSON.parse(e.json)) : [];
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
