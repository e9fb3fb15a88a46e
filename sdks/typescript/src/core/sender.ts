/**
 * One background sender per endpoint (events, traces): a bounded queue drained in signed batches by
 * a timer (`flushInterval`) or as soon as a full batch waits. One request at a time.
 *
 * Answers: 2xx sent; 429/503 wait `Retry-After` (60 s without one) and keep the batch; network
 * errors, timeouts and other 5xx back off exponentially (with jitter) and keep the batch; any other
 * 4xx drops the batch and is logged once per status (a poison batch is never retried).
 */
import { BoundedQueue, bodyBytes, envelope, nextBatchSize, queuedItem, type QueuedItem } from "./queue.js";
import { hmacSha256Hex, type Signer } from "./signer.js";
import { parseRetryAfter, unrefTimer, type Transport } from "./transport.js";
import { utf8Encode } from "./utf8.js";

export interface Logger {
  debug(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface SenderConfig {
  /** Full URL of the batch endpoint. */
  url: string;
  /** `events` or `traces`: the body is `{"<key>":[...]}`. */
  envelopeKey: string;
  maxItems: number;
  maxBodyBytes: number;
  capacity: number;
  secret: string;
  projectKey?: string;
  signer: Signer;
  transport: Transport;
  requestTimeout: number;
  flushInterval: number;
  minBackoff: number;
  maxBackoff: number;
  /** Wait after a 429/503 without `Retry-After`. */
  defaultRetryAfter: number;
  logger: Logger;
}

interface Waiter {
  target: number;
  resolve(drained: boolean): void;
  timer: ReturnType<typeof setTimeout>;
}

export class BatchSender {
  readonly queue: BoundedQueue;
  /** Items the server accepted (2xx). */
  sent = 0;
  /** Items in batches the server refused (a 4xx other than 429). */
  refused = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = 0;
  private running = false;
  private sendAll = false;
  private blockedUntil = 0;
  private blockedByServer = false;
  private backoff: number;
  private waiters: Waiter[] = [];
  private logged = new Set<string>();
  private stopped = false;

  constructor(private readonly cfg: SenderConfig) {
    this.queue = new BoundedQueue(cfg.capacity);
    this.backoff = cfg.minBackoff;
  }

  get pending(): number {
    return this.queue.size;
  }

  /** Queues one serialized item; false when it was dropped (too large, or the sender is stopped). */
  enqueue(json: string): boolean {
    if (this.stopped) {
      this.queue.dropped++;
      return false;
    }
    const item = queuedItem(json);
    if (bodyBytes(this.cfg.envelopeKey, [item]) > this.cfg.maxBodyBytes) {
      this.queue.dropped++;
      this.logOnce("too-large", "warn", `an item of ${item.bytes} bytes is over the ${this.cfg.maxBodyBytes}-byte body cap; dropped`);
      return false;
    }
    if (this.queue.push(item) > 0) {
      this.logOnce("overflow", "warn", `queue full (${this.cfg.capacity}): dropping the oldest ${this.cfg.envelopeKey}`);
      this.notify();
    }
    if (this.hasFullBatch()) {
      this.kick(false);
    } else {
      this.schedule(this.cfg.flushInterval);
    }
    return true;
  }

  /** Starts sending now: everything when `all`, else only full batches. */
  kick(all: boolean, ignoreBackoff = false): void {
    if (all) this.sendAll = true;
    if (ignoreBackoff && !this.blockedByServer) this.blockedUntil = 0;
    if (!this.running) void this.drain();
  }

  /**
   * Resolves true once everything queued before this call has left (sent, refused or dropped), false
   * when `timeoutMs` passes first. Sends at once, except while the server asked to wait (429/503).
   */
  flush(timeoutMs: number): Promise<boolean> {
    const target = this.queue.enqueued;
    if (this.queue.resolved >= target) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        target,
        resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(false);
        }, Math.max(0, timeoutMs)),
      };
      unrefTimer(waiter.timer);
      this.waiters.push(waiter);
      this.kick(true, true);
    });
  }

  /** No more items are taken; the timer is cleared. What is queued can still be flushed. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Gives up what is still queued; returns how many. */
  abandon(): number {
    const n = this.queue.abandon();
    this.notify();
    return n;
  }

  /** Whether a batch is ready without waiting for the timer: 50 items, or the byte cap reached. */
  private hasFullBatch(): boolean {
    const items = this.queue.peek(this.cfg.maxItems + 1);
    const n = nextBatchSize(this.cfg.envelopeKey, items, this.cfg.maxItems, this.cfg.maxBodyBytes);
    return n >= this.cfg.maxItems || (n > 0 && n < items.length);
  }

  private nextBatch(): QueuedItem[] {
    const n = nextBatchSize(this.cfg.envelopeKey, this.queue.peek(this.cfg.maxItems), this.cfg.maxItems, this.cfg.maxBodyBytes);
    return this.queue.take(n);
  }

  private schedule(delayMs: number): void {
    const at = Date.now() + delayMs;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.queue.size > 0) this.kick(true);
    }, Math.max(0, delayMs));
    unrefTimer(this.timer);
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.size > 0) {
        const now = Date.now();
        if (now < this.blockedUntil) {
          this.schedule(this.blockedUntil - now);
          break;
        }
        if (!this.sendAll && !this.hasFullBatch()) {
          if (!this.stopped) this.schedule(this.cfg.flushInterval);
          break;
        }
        await this.send(this.nextBatch());
        this.notify();
      }
      if (this.queue.size === 0) this.sendAll = false;
    } catch (e) {
      this.cfg.logger.error(`sender stopped unexpectedly: ${String(e)}`);
    } finally {
      this.running = false;
      this.notify();
    }
  }

  /**
   * Sends up to two batches right now, signed synchronously, without waiting for answers: for a page
   * being hidden or unloaded (or an app going to the background), where no later task may run. The
   * rest is sent as usual.
   */
  sendUrgently(): void {
    for (let i = 0; i < 2 && this.queue.size > 0; i++) {
      if (this.blockedByServer && Date.now() < this.blockedUntil) break;
      this.send(this.nextBatch(), true).then(() => this.notify(), () => this.notify());
    }
    this.kick(true, true);
  }

  /**
   * One attempt at a batch. With `urgent`, everything up to the request happens synchronously (an
   * asynchronous signer such as crypto.subtle is replaced by the pure-JS one for this batch).
   */
  private async send(batch: QueuedItem[], urgent = false): Promise<void> {
    const cfg = this.cfg;
    const body = envelope(cfg.envelopeKey, batch);
    const bytes = utf8Encode(body);
    let signature: string;
    try {
      const signed = cfg.signer(cfg.secret, bytes);
      if (typeof signed === "string") {
        signature = signed;
      } else if (urgent) {
        signed.then(undefined, () => undefined);
        signature = hmacSha256Hex(cfg.secret, bytes);
      } else {
        signature = await signed;
      }
    } catch (e) {
      this.refuse(batch, "signer", `could not sign a batch (${String(e)}); ${batch.length} ${cfg.envelopeKey} dropped`);
      return;
    }
    const headers: Record<string, string> = { "Content-Type": "application/json", "X-Signature": signature };
    if (cfg.projectKey) headers["X-Project-Key"] = cfg.projectKey;
    let status: number;
    let retryAfter: string | null | undefined;
    let answer = "";
    try {
      const res = await cfg.transport({ url: cfg.url, body, bodyBytes: bytes.length, headers, timeoutMs: cfg.requestTimeout });
      status = res.status;
      retryAfter = res.retryAfter;
      answer = res.body ?? "";
    } catch (e) {
      this.retryLater(batch, -1, `bloop unreachable (${errorText(e)}); will retry`);
      return;
    }
    if (status >= 200 && status < 300) {
      this.queue.markResolved(batch.length);
      this.sent += batch.length;
      this.backoff = cfg.minBackoff;
      this.blockedByServer = false;
      this.logged.delete("network");
      this.logItemErrors(answer);
      return;
    }
    if (status === 429 || status === 503) {
      const wait = Math.min(parseRetryAfter(retryAfter, cfg.defaultRetryAfter), 3600_000);
      this.retryLater(batch, wait, `bloop answered ${status}; retrying in ${Math.round(wait / 1000)} s`);
      return;
    }
    if (status >= 500 || status === 408) {
      this.retryLater(batch, -1, `bloop answered ${status}; will retry`);
      return;
    }
    this.refuse(batch, `status-${status}`,
      `bloop refused ${batch.length} ${cfg.envelopeKey} with ${status}: ${answer.slice(0, 300)} (not retried)`);
  }

  private refuse(batch: QueuedItem[], key: string, message: string): void {
    this.queue.markResolved(batch.length);
    this.refused += batch.length;
    this.logOnce(key, "error", message);
  }

  /** `waitMs` -1: back off by the exponential schedule. */
  private retryLater(batch: QueuedItem[], waitMs: number, message: string): void {
    const dropped = this.queue.putBack(batch);
    if (dropped > 0) this.logOnce("overflow", "warn", `queue full (${this.cfg.capacity}): dropping the oldest ${this.cfg.envelopeKey}`);
    let wait = waitMs;
    if (wait < 0) {
      wait = Math.round(this.backoff / 2 + Math.random() * (this.backoff / 2));
      this.backoff = Math.min(this.cfg.maxBackoff, this.backoff * 2);
      this.blockedByServer = false;
      this.logOnce("network", "warn", message);
    } else {
      this.blockedByServer = true;
      this.cfg.logger.warn(message);
    }
    this.blockedUntil = Date.now() + wait;
  }

  private logItemErrors(answer: string): void {
    if (!answer || answer.indexOf('"errors"') < 0) return;
    try {
      const parsed = JSON.parse(answer) as { errors?: Array<{ index?: number; error?: string; field?: string }> };
      for (const e of parsed.errors ?? []) {
        this.cfg.logger.warn(`bloop refused one of the ${this.cfg.envelopeKey} (index ${e.index}): ${e.error}`);
      }
    } catch {
      // an unreadable answer to an accepted batch: nothing to act on
    }
  }

  private logOnce(key: string, level: "warn" | "error", message: string): void {
    if (this.logged.has(key)) {
      this.cfg.logger.debug(message);
      return;
    }
    this.logged.add(key);
    this.cfg.logger[level](message);
  }

  private notify(): void {
    if (this.waiters.length === 0) return;
    const resolved = this.queue.resolved;
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (resolved >= w.target) {
        clearTimeout(w.timer);
        w.resolve(true);
      } else {
        still.push(w);
      }
    }
    this.waiters = still;
  }
}

function errorText(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as { cause?: unknown }).cause;
    return cause instanceof Error ? `${e.message}: ${cause.message}` : e.message;
  }
  return String(e);
}
