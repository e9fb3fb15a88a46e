package dev.bloop.kotlin.internal

import java.io.File
import java.util.ArrayDeque
import java.util.concurrent.TimeUnit
import java.util.concurrent.locks.ReentrantLock
import kotlin.concurrent.withLock

/** One serialized event; [file] is its copy on disk (a crash event, or one left from a past run). */
internal class Entry(val bytes: ByteArray, val file: File?)

/**
 * Serialized events waiting to be sent, bounded: when full, the oldest is dropped and counted, so a
 * caller is never blocked. Events leave in order (sent, refused, dropped, or put back in front for a
 * retry), which lets [awaitResolved] tell when everything queued before a point has been dealt with.
 */
internal class PendingQueue(private val capacity: Int) {
    private val lock = ReentrantLock()
    private val changed = lock.newCondition()
    private val events = ArrayDeque<Entry>()
    private var enqueued = 0L
    private var resolved = 0L
    private var dropped = 0L
    private var flushWaiters = 0
    private var sendNow = false

    @Volatile
    var closing = false
        private set

    fun add(entry: Entry, wakeAt: Int) = lock.withLock {
        if (events.size >= capacity) {
            events.pollFirst()
            dropped++
            resolved++
        }
        events.addLast(entry)
        enqueued++
        if (events.size >= wakeAt) changed.signalAll()
    }

    /**
     * Up to [maxEvents] from the front whose envelope `{"events":[e1,e2,...]}` stays within [maxBodyBytes];
     * greedy and in order (the conformance vectors' batching rule).
     */
    fun take(maxEvents: Int, maxBodyBytes: Int): List<Entry> = lock.withLock {
        val batch = ArrayList<Entry>(minOf(maxEvents, events.size))
        var size = Limits.ENVELOPE_BYTES
        while (batch.size < maxEvents && !events.isEmpty()) {
            val next = events.peekFirst().bytes.size + if (batch.isEmpty()) 0 else 1
            if (batch.isNotEmpty() && size + next > maxBodyBytes) break
            batch.add(events.pollFirst())
            size += next
        }
        if (events.isEmpty()) sendNow = false
        batch
    }

    /** A batch to retry goes back in front; if that overflows, the oldest events are the ones dropped. */
    fun putBack(batch: List<Entry>) = lock.withLock {
        for (i in batch.indices.reversed()) events.addFirst(batch[i])
        while (events.size > capacity) {
            events.pollFirst()
            dropped++
            resolved++
        }
        changed.signalAll()
    }

    fun resolved(count: Int) = lock.withLock {
        resolved += count
        changed.signalAll()
    }

    /** Everything still queued, removed (a close that ran out of time); counted as resolved. */
    fun drainAll(): List<Entry> = lock.withLock {
        val all = ArrayList(events)
        events.clear()
        resolved += all.size
        changed.signalAll()
        all
    }

    /** Waits until [wakeAt] events wait, a flush or close is asked for, or [timeoutNanos] passes. */
    fun awaitWork(timeoutNanos: Long, wakeAt: Int) = lock.withLock {
        var remaining = timeoutNanos
        while (events.size < wakeAt && !((flushWaiters > 0 || sendNow) && !events.isEmpty()) && !closing &&
            remaining > 0
        ) {
            remaining = changed.awaitNanos(remaining)
        }
    }

    /** Sleeps [millis] unless the queue starts closing; true when it slept the whole time. */
    fun sleepUnlessClosing(millis: Long): Boolean = lock.withLock {
        var remaining = TimeUnit.MILLISECONDS.toNanos(millis)
        while (remaining > 0 && !closing) {
            remaining = changed.awaitNanos(remaining)
        }
        !closing
    }

    /** Waits until every event enqueued so far has left the queue for good, or [deadlineNanos] passes. */
    fun awaitResolved(deadlineNanos: Long): Boolean = lock.withLock {
        val target = enqueued
        flushWaiters++
        changed.signalAll()
        try {
            while (resolved < target) {
                val remaining = deadlineNanos - System.nanoTime()
                if (remaining <= 0) return false
                changed.awaitNanos(minOf(remaining, TimeUnit.MILLISECONDS.toNanos(50)))
            }
            true
        } finally {
            flushWaiters--
        }
    }

    /** Asks the sender to send what is queued now rather than at the next interval (no waiting). */
    fun requestSend() = lock.withLock {
        sendNow = true
        changed.signalAll()
    }

    fun close() = lock.withLock {
        closing = true
        changed.signalAll()
    }

    fun isResolved(): Boolean = lock.withLock { resolved >= enqueued }

    val size: Int get() = lock.withLock { events.size }

    val droppedCount: Long get() = lock.withLock { dropped }

    fun countDropped(n: Int) = lock.withLock { dropped += n }
}
