/**
 * Crash persistence. The client tells the outbox about every event it queues (its exact JSON, as it
 * will appear in a request body) and about every final answer to a batch; the outbox can then write
 * the events not sent yet to storage — first thing on a fatal error, and when the app goes to the
 * background — and forget them again once a batch that held them got its final answer. At the next
 * start, what is still stored is read back and queued again (see `ReactNativeLayer.restore`).
 *
 * Storage writes are serialized (one at a time, the latest state wins) and never start before the
 * stored list was read, so a crash right at start-up cannot overwrite the previous crash's events.
 */
import type { Logger } from "@bloop/sdk";
import type { BloopStorage } from "./storage";

export interface StoredEvent {
  id: string;
  /** The event as serialized for the wire. */
  json: string;
}

export interface OutboxOptions {
  storage: BloopStorage;
  key: string;
  /** Most events kept (unsent and stored); the oldest go first. */
  maxEvents: number;
  /** Most characters of event JSON kept in storage; the oldest go first. */
  maxBytes: number;
  logger: Logger;
}

const FORMAT = 1;

let counter = 0;

export function newEventId(): string {
  counter = (counter + 1) % 0x100000;
  return `${Date.now().toString(36)}-${counter.toString(36)}-${Math.floor(Math.random() * 0x100000000).toString(36)}`;
}

export class Outbox {
  /** Events queued in the client and not answered yet, oldest first (bounded). */
  private readonly unsent = new Map<string, string>();
  /** What storage holds (or is about to hold), oldest first. */
  private readonly stored = new Map<string, string>();
  private writing: Promise<void>;
  private writeQueued = false;
  private dirty = false;
  private readonly loaded: Promise<StoredEvent[]>;
  private failedOnce = false;

  constructor(private readonly opts: OutboxOptions) {
    this.loaded = this.read();
    this.writing = this.loaded.then(() => undefined, () => undefined);
  }

  /** The events stored by an earlier run (read once, at construction). */
  load(): Promise<StoredEvent[]> {
    return this.loaded;
  }

  /** Events held for persistence right now (unsent + stored). */
  get size(): { unsent: number; stored: number } {
    return { unsent: this.unsent.size, stored: this.stored.size };
  }

  /** An event was queued in the client. */
  track(id: string, json: string): void {
    this.unsent.delete(id);
    this.unsent.set(id, json);
    while (this.unsent.size > this.opts.maxEvents) {
      const oldest = this.unsent.keys().next().value as string;
      this.unsent.delete(oldest);
    }
    if (this.stored.has(id) && this.stored.get(id) !== json) {
      // A restored event serialized differently now: store the form that will be matched.
      this.stored.set(id, json);
      void this.write();
    }
  }

  /**
   * A batch got its final answer (sent, or refused for good): its events are forgotten, in storage
   * too. `body` is the exact request body.
   */
  settled(body: string): void {
    let changed = false;
    for (const [id, json] of this.unsent) {
      if (body.indexOf(json) >= 0) this.unsent.delete(id);
    }
    for (const [id, json] of this.stored) {
      if (body.indexOf(json) >= 0) {
        this.stored.delete(id);
        changed = true;
      }
    }
    if (changed) void this.write();
  }

  /**
   * Writes every unsent event to storage (with what is stored already). Resolves when the write is
   * done (or failed: logged once); never rejects.
   */
  persist(): Promise<void> {
    let changed = false;
    for (const [id, json] of this.unsent) {
      if (this.stored.get(id) !== json) {
        this.stored.delete(id);
        this.stored.set(id, json);
        changed = true;
      }
    }
    this.bound();
    return changed ? this.write() : this.writing;
  }

  /** Drops these events from storage (e.g. unreadable, or filtered out when queued again). */
  forget(ids: string[]): void {
    let changed = false;
    for (const id of ids) {
      this.unsent.delete(id);
      if (this.stored.delete(id)) changed = true;
    }
    if (changed) void this.write();
  }

  /** Resolves when no storage write is pending. */
  idle(): Promise<void> {
    return this.writing;
  }

  private bound(): void {
    let total = 0;
    for (const json of this.stored.values()) total += json.length;
    while (this.stored.size > 0 && (this.stored.size > this.opts.maxEvents || total > this.opts.maxBytes)) {
      const [id, json] = this.stored.entries().next().value as [string, string];
      this.stored.delete(id);
      total -= json.length;
    }
  }

  private async read(): Promise<StoredEvent[]> {
    let raw: string | null | undefined;
    try {
      raw = await this.opts.storage.getItem(this.opts.key);
    } catch (e) {
      this.fail(`could not read stored crash events: ${String(e)}`);
      return [];
    }
    if (raw === null || raw === undefined || raw === "") return [];
    const events: StoredEvent[] = [];
    try {
      const parsed = JSON.parse(raw) as { v?: number; events?: Array<Partial<StoredEvent>> };
      // What this run stored before the read finished (a crash at start-up) goes after these.
      const newer = Array.from(this.stored);
      this.stored.clear();
      for (const e of Array.isArray(parsed.events) ? parsed.events : []) {
        if (e && typeof e.id === "string" && typeof e.json === "string" && !this.stored.has(e.id)) {
          this.stored.set(e.id, e.json);
          events.push({ id: e.id, json: e.json });
        }
      }
      for (const [id, json] of newer) {
        this.stored.delete(id);
        this.stored.set(id, json);
      }
    } catch (e) {
      this.opts.logger.warn(`stored crash events were unreadable and are discarded: ${String(e)}`);
      this.stored.clear();
      this.dirty = true;
      void this.write();
      return [];
    }
    this.bound();
    return events.filter((e) => this.stored.has(e.id));
  }

  /** Queues one write of the current state (coalesced with any other write not started yet). */
  private write(): Promise<void> {
    this.dirty = true;
    if (this.writeQueued) return this.writing;
    this.writeQueued = true;
    this.writing = this.writing.then(async () => {
      this.writeQueued = false;
      if (!this.dirty) return;
      this.dirty = false;
      const events: StoredEvent[] = [];
      for (const [id, json] of this.stored) events.push({ id, json });
      try {
        if (events.length === 0) await this.opts.storage.removeItem(this.opts.key);
        else await this.opts.storage.setItem(this.opts.key, JSON.stringify({ v: FORMAT, events }));
      } catch (e) {
        this.fail(`could not write crash events to storage: ${String(e)}`);
      }
    });
    return this.writing;
  }

  private fail(message: string): void {
    if (this.failedOnce) {
      this.opts.logger.debug(message);
      return;
    }
    this.failedOnce = true;
    this.opts.logger.warn(message);
  }
}
