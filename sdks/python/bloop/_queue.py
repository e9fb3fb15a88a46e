"""A bounded queue of serialized items: when full the oldest is dropped and counted, so capturing
never blocks. Items leave in order (sent, refused, dropped, or put back in front for a retry), which
lets ``wait_resolved`` tell when everything queued before a point has been dealt with."""
import collections
import threading
import time
from typing import Deque, List


class PendingQueue:
    def __init__(self, capacity: int, cond: "threading.Condition") -> None:
        self.capacity = capacity
        self._items: Deque[bytes] = collections.deque()
        # Shared with the sender; an RLock underneath, because an opt-in SIGTERM handler may flush
        # while the main thread it interrupted holds the lock.
        self._cond = cond
        self.enqueued = 0
        self.resolved = 0
        self.dropped = 0
        self.in_flight = 0  # taken by the sender, not yet sent, refused or put back
        self._abandoned = False

    def reset(self, cond: "threading.Condition") -> None:
        """In a forked child: a fresh lock and nothing queued."""
        self._cond = cond
        self._items = collections.deque()
        self.enqueued = self.resolved = self.dropped = self.in_flight = 0
        self._abandoned = False

    def __len__(self) -> int:
        return len(self._items)

    def add(self, item: bytes) -> None:
        with self._cond:
            if len(self._items) >= self.capacity:
                self._items.popleft()
                self.dropped += 1
                self.resolved += 1
            self._items.append(item)
            self.enqueued += 1
            self._cond.notify_all()

    def take(self, max_items: int, max_body: int, overhead: int) -> List[bytes]:
        """Up to ``max_items`` from the front whose body (with separators) fits in ``max_body``."""
        with self._cond:
            batch: List[bytes] = []
            size = overhead
            while self._items and len(batch) < max_items:
                extra = len(self._items[0]) + (1 if batch else 0)
                if batch and size + extra > max_body:
                    break
                batch.append(self._items.popleft())
                size += extra
            self.in_flight += len(batch)
            return batch

    def put_back(self, batch: List[bytes]) -> None:
        """A batch to retry goes back in front; past the capacity the oldest are the ones dropped."""
        with self._cond:
            self.in_flight -= len(batch)
            if self._abandoned:
                return  # counted as dropped by abandon()
            self._items.extendleft(reversed(batch))
            while len(self._items) > self.capacity:
                self._items.popleft()
                self.dropped += 1
                self.resolved += 1
            self._cond.notify_all()

    def mark_resolved(self, n: int) -> None:
        with self._cond:
            self.in_flight -= n
            if self._abandoned:
                return
            self.resolved += n
            self._cond.notify_all()

    def count_dropped(self, n: int = 1) -> None:
        """An item that never entered the queue (closed client, unencodable, too large)."""
        with self._cond:
            self.dropped += n

    def abandon(self) -> int:
        """Gives up everything still queued or in flight (a close that ran out of time); returns how
        many."""
        with self._cond:
            n = len(self._items) + self.in_flight
            self._items.clear()
            self._abandoned = True
            self.dropped += n
            self.resolved += n
            self._cond.notify_all()
            return n

    def wait_resolved(self, target: int, deadline: float) -> bool:
        """Waits until ``target`` items have left the queue for good, or the monotonic deadline."""
        with self._cond:
            while self.resolved < target:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.05))
            return True
