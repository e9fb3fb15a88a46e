/**
 * The bounded queue of serialized items (events or traces) and the batching rule shared with every
 * bloop SDK: greedy and in order, a batch takes items while it holds at most `maxItems` and its body
 * `{"<key>":[item,item,...]}` fits in `maxBodyBytes`.
 */
import { utf8Length } from "./utf8.js";

export interface QueuedItem {
  /** Compact JSON of one item, serialized once at capture time. */
  json: string;
  /** Its UTF-8 length. */
  bytes: number;
}

export function queuedItem(json: string): QueuedItem {
  return { json, bytes: utf8Length(json) };
}

/** Bytes of `{"<key>":[` + `]}`. */
export function envelopeOverhead(key: string): number {
  return key.length + 7;
}

/** Body bytes of a batch of these items: the envelope, the items and the commas between them. */
export function bodyBytes(key: string, items: ReadonlyArray<{ bytes: number }>): number {
  let n = envelopeOverhead(key) + Math.max(0, items.length - 1);
  for (const it of items) n += it.bytes;
  return n;
}

/** The body sent for a batch: the items' JSON joined, byte for byte as serialized. */
export function envelope(key: string, items: ReadonlyArray<QueuedItem>): string {
  let s = `{"${key}":[`;
  for (let i = 0; i < items.length; i++) {
    if (i > 0) s += ",";
    s += items[i].json;
  }
  return s + "]}";
}

/**
 * How many items from the front make the next batch (at least one, even when that one alone is over
 * the byte cap: it was checked at capture time).
 */
export function nextBatchSize(key: string, items: ReadonlyArray<{ bytes: number }>, maxItems: number,
                              maxBodyBytes: number): number {
  let n = 0;
  let bytes = envelopeOverhead(key) - 1;
  while (n < items.length && n < maxItems) {
    const next = items[n].bytes + 1;
    if (n > 0 && bytes + next > maxBodyBytes) break;
    bytes += next;
    n++;
  }
  return n;
}

/** The sizes of the batches a list of items is sent in (for tests and planning). */
export function planBatches(key: string, items: ReadonlyArray<{ bytes: number }>, maxItems: number,
                            maxBodyBytes: number): number[] {
  const sizes: number[] = [];
  let rest = items.slice();
  while (rest.length > 0) {
    const n = nextBatchSize(key, rest, maxItems, maxBodyBytes);
    sizes.push(n);
    rest = rest.slice(n);
  }
  return sizes;
}

/**
 * Items waiting to be sent, at most `capacity`: when full, the oldest item is dropped and counted, so
 * capturing never blocks and memory stays bounded. Items leave in order (sent, refused, dropped, or
 * put back at the front for a retry); `resolved` counts those gone for good, which lets a flush wait
 * for everything queued before it.
 */
export class BoundedQueue {
  private items: QueuedItem[] = [];
  private head = 0;
  enqueued = 0;
  resolved = 0;
  dropped = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.items.length - this.head;
  }

  /** Adds an item; returns how many old items were dropped to make room (0 or 1). */
  push(item: QueuedItem): number {
    let dropped = 0;
    if (this.size >= this.capacity) {
      this.head++;
      dropped = 1;
    }
    this.items.push(item);
    this.enqueued++;
    this.dropped += dropped;
    this.resolved += dropped;
    this.compact();
    return dropped;
  }

  /** The first `n` items (or fewer), without taking them. */
  peek(n: number): QueuedItem[] {
    return this.items.slice(this.head, this.head + n);
  }

  take(n: number): QueuedItem[] {
    const batch = this.items.slice(this.head, this.head + n);
    this.head += batch.length;
    this.compact();
    return batch;
  }

  /** A batch to retry goes back in front; if that overflows, the oldest items are dropped. */
  putBack(batch: QueuedItem[]): number {
    const rest = this.items.slice(this.head);
    this.items = batch.concat(rest);
    this.head = 0;
    let dropped = 0;
    while (this.size > this.capacity) {
      this.head++;
      dropped++;
    }
    this.dropped += dropped;
    this.resolved += dropped;
    this.compact();
    return dropped;
  }

  /** Items that left for good (sent or refused). */
  markResolved(n: number): void {
    this.resolved += n;
  }

  /** Gives up everything still queued (a close that ran out of time); returns how many. */
  abandon(): number {
    const n = this.size;
    this.items = [];
    this.head = 0;
    this.dropped += n;
    this.resolved += n;
    return n;
  }

  private compact(): void {
    if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
