package dev.bloop.kotlin

import dev.bloop.kotlin.internal.Entry
import dev.bloop.kotlin.internal.EventEncoder
import dev.bloop.kotlin.internal.HttpTransport
import dev.bloop.kotlin.internal.Limits
import dev.bloop.kotlin.internal.Outbox
import dev.bloop.kotlin.internal.Outcome
import dev.bloop.kotlin.internal.PendingQueue
import dev.bloop.kotlin.internal.StackFormat
import dev.bloop.kotlin.internal.safeLog
import java.io.Closeable
import java.util.concurrent.TimeUnit
import kotlin.concurrent.thread
import kotlin.coroutines.resume
import kotlin.coroutines.suspendCoroutine
import kotlin.random.Random

/**
 * Reports errors to bloop. Thread-safe; make one per application (or use [Bloop]) and share it.
 *
 * ```
 * val bloop = BloopClient {
 *     endpoint = "https://bloop.example.com"
 *     secret = System.getenv("BLOOP_SECRET")
 *     environment = "prod"
 *     release = "1.4.2"
 * }
 * try { checkout(order) } catch (e: Exception) { bloop.captureException(e, routeOrProcedure = "/checkout") }
 * ```
 *
 * Capturing never blocks and never throws: events go to a bounded in-memory queue (when it is full
 * the oldest event is dropped and counted, see [droppedEvents]), and one background thread sends them
 * signed, in batches of up to 50 events and 32 KB, every [BloopOptions.flushIntervalMillis] or as soon
 * as a batch is full. Network errors and 5xx are retried with exponential backoff, 429/503 after the
 * server's `Retry-After`; other 4xx are logged once and not retried.
 *
 * @throws IllegalArgumentException when the options are incomplete or invalid.
 */
public class BloopClient(options: BloopOptions) : Closeable {
    private val options: BloopOptions = options.copy().also { it.validate() }
    private val logger = this.options.logger
    private val queue = PendingQueue(this.options.maxQueueSize)
    private val transport = HttpTransport(
        this.options.endpoint, this.options.secret, this.options.projectKey,
        this.options.requestTimeoutMillis.coerceAtMost(Int.MAX_VALUE.toLong()).toInt(),
        this.options.defaultRetryAfterMillis, logger,
    )
    private val outbox: Outbox? = this.options.storageDir?.let { Outbox(it, this.options.maxQueueSize, logger) }
    private val sender: Thread
    private val shutdownHook: Thread?
    private var crashHandler: CrashHandler? = null
    private val closeLock = Any()

    @Volatile
    private var closeResult: Boolean? = null

    /**
     * The screen the user is on, put on events that name none (the Android glue sets it on every
     * resumed Activity; set it yourself elsewhere).
     */
    @Volatile
    public var currentScreen: String? = null

    init {
        sender = thread(start = true, isDaemon = true, name = "bloop-sender") {
            loadStoredEvents()
            sendLoop()
        }
        shutdownHook = if (this.options.shutdownHook) {
            Thread({ close() }, "bloop-shutdown-flush").also {
                try {
                    Runtime.getRuntime().addShutdownHook(it)
                } catch (e: RuntimeException) {
                    logger.safeLog(BloopLogLevel.DEBUG, "bloop: no shutdown hook: $e", null)
                }
            }
        } else {
            null
        }
        if (this.options.autoCapture) installUncaughtExceptionHandler()
    }

    public companion object {
        /** Java: `BloopClient.create(options)`; Kotlin: `BloopClient { ... }`. */
        @JvmStatic
        public fun create(options: BloopOptions): BloopClient = BloopClient(options)
    }

    /**
     * Type (the class name), message and stack (causes included, in the JVM's text form) of [throwable],
     * plus the given details.
     */
    @JvmOverloads
    public fun captureException(
        throwable: Throwable,
        routeOrProcedure: String? = null,
        screen: String? = null,
        httpStatus: Int? = null,
        requestId: String? = null,
        userIdHash: String? = null,
        fingerprint: String? = null,
        metadata: Map<String, Any?>? = null,
    ) {
        try {
            capture(
                BloopEvent(
                    errorType = throwable.javaClass.name,
                    message = throwable.message ?: "",
                    stack = StackFormat.format(throwable, Limits.MAX_STACK_BYTES),
                    routeOrProcedure = routeOrProcedure, screen = screen, httpStatus = httpStatus,
                    requestId = requestId, userIdHash = userIdHash, fingerprint = fingerprint,
                    metadata = metadata,
                )
            )
        } catch (t: Throwable) {
            internalError(t)
        }
    }

    /** An error without an exception: a failed check, an unexpected answer, ... */
    @JvmOverloads
    public fun captureMessage(
        errorType: String,
        message: String,
        routeOrProcedure: String? = null,
        screen: String? = null,
        httpStatus: Int? = null,
        requestId: String? = null,
        userIdHash: String? = null,
        fingerprint: String? = null,
        metadata: Map<String, Any?>? = null,
    ) {
        capture(
            BloopEvent(
                errorType = errorType, message = message, routeOrProcedure = routeOrProcedure, screen = screen,
                httpStatus = httpStatus, requestId = requestId, userIdHash = userIdHash, fingerprint = fingerprint,
                metadata = metadata,
            )
        )
    }

    /** A message with error type `Message` (as Sentry's captureMessage). */
    public fun captureMessage(message: String) {
        captureMessage("Message", message)
    }

    /** A fully built event; what it leaves null is filled from the options. */
    public fun capture(event: BloopEvent) {
        try {
            if (queue.closing) {
                queue.countDropped(1)
                return
            }
            val bytes = encode(event) ?: return
            queue.add(Entry(bytes, null), options.maxBatchSize)
        } catch (t: Throwable) {
            internalError(t)
        }
    }

    /**
     * Sends everything captured before this call, waiting at most [timeoutMillis].
     *
     * @return true when all of it was sent (or refused by the server, or dropped); false on timeout.
     */
    @JvmOverloads
    public fun flush(timeoutMillis: Long = options.shutdownTimeoutMillis): Boolean = try {
        queue.awaitResolved(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis))
    } catch (e: InterruptedException) {
        Thread.currentThread().interrupt()
        false
    }

    /**
     * Sends what is queued (at most [timeoutMillis]), stops the sender, removes the uncaught-exception
     * handler and the shutdown hook. Events still unsent are written to [BloopOptions.storageDir] when
     * set (and sent at the next start), else dropped and counted. Later captures are dropped.
     * Idempotent: later calls return the first call's result.
     *
     * @return true when everything queued was sent.
     */
    public fun close(timeoutMillis: Long): Boolean {
        synchronized(closeLock) {
            closeResult?.let { return it }
            var result = false
            try {
                queue.close()
                try {
                    sender.join(maxOf(1L, timeoutMillis))
                } catch (e: InterruptedException) {
                    Thread.currentThread().interrupt()
                }
                val senderDone = !sender.isAlive
                if (!senderDone) sender.interrupt()
                val left = queue.drainAll()
                val unsaved = left.filter { it.file == null }
                var kept = 0
                if (outbox != null) {
                    for (entry in unsaved) if (outbox.persist(entry.bytes) != null) kept++
                }
                val lost = unsaved.size - kept
                if (lost > 0) queue.countDropped(lost)
                if (left.isNotEmpty()) {
                    logger.safeLog(
                        BloopLogLevel.WARNING,
                        "bloop: ${left.size} events not sent within $timeoutMillis ms" +
                            (if (outbox != null) " (kept in ${options.storageDir} for the next start)" else ""),
                        null,
                    )
                }
                result = senderDone && left.isEmpty()
                uninstallUncaughtExceptionHandler()
                removeShutdownHook()
            } catch (t: Throwable) {
                internalError(t)
            }
            closeResult = result
            return result
        }
    }

    /** [close] within [BloopOptions.shutdownTimeoutMillis] (so that `use { }` works). */
    override fun close() {
        close(options.shutdownTimeoutMillis)
    }

    internal val shutdownTimeoutMillis: Long get() = options.shutdownTimeoutMillis

    /** [flush] for coroutines: suspends (never blocks the caller's thread); needs no coroutine library. */
    public suspend fun awaitFlush(timeoutMillis: Long = options.shutdownTimeoutMillis): Boolean {
        if (queue.isResolved()) return true
        return suspendCoroutine { continuation ->
            thread(isDaemon = true, name = "bloop-flush") { continuation.resume(flush(timeoutMillis)) }
        }
    }

    /** [close] for coroutines: suspends (never blocks the caller's thread); needs no coroutine library. */
    public suspend fun awaitClose(timeoutMillis: Long = options.shutdownTimeoutMillis): Boolean {
        closeResult?.let { return it }
        return suspendCoroutine { continuation ->
            thread(isDaemon = true, name = "bloop-close") { continuation.resume(close(timeoutMillis)) }
        }
    }

    /** Events dropped: queue overflow, captures after close, events that could not be encoded. */
    public val droppedEvents: Long get() = queue.droppedCount

    /** Events waiting to be sent. */
    public val pendingEvents: Int get() = queue.size

    public val isClosed: Boolean get() = closeResult != null

    /** Asks for what is queued to be sent now, without waiting (e.g. when an app goes to the background). */
    public fun sendNow() {
        queue.requestSend()
    }

    /**
     * Reports uncaught exceptions of every thread, then hands them to the handler installed before (or
     * prints them as the JVM does). A crash event is first written to [BloopOptions.storageDir] when set,
     * then sent within [BloopOptions.shutdownTimeoutMillis]. Installed by [BloopOptions.autoCapture];
     * [close] restores the previous handler.
     */
    public fun installUncaughtExceptionHandler() {
        synchronized(closeLock) {
            if (crashHandler != null || closeResult != null) return
            val handler = CrashHandler(Thread.getDefaultUncaughtExceptionHandler())
            Thread.setDefaultUncaughtExceptionHandler(handler)
            crashHandler = handler
        }
    }

    private fun uninstallUncaughtExceptionHandler() {
        val handler = crashHandler ?: return
        handler.active = false
        // Restore the previous one only if nobody installed theirs on top of ours since; otherwise ours
        // stays in their chain, inactive, passing everything on.
        if (Thread.getDefaultUncaughtExceptionHandler() === handler) {
            Thread.setDefaultUncaughtExceptionHandler(handler.previous)
        }
        crashHandler = null
    }

    private fun removeShutdownHook() {
        val hook = shutdownHook ?: return
        if (Thread.currentThread() === hook) return
        try {
            Runtime.getRuntime().removeShutdownHook(hook)
        } catch (e: IllegalStateException) {
            // the JVM is already exiting: the hook runs close() itself, which returns at once
        }
    }

    private inner class CrashHandler(val previous: Thread.UncaughtExceptionHandler?) : Thread.UncaughtExceptionHandler {
        @Volatile
        var active = true

        override fun uncaughtException(thread: Thread, error: Throwable) {
            if (active) {
                try {
                    captureCrash(thread, error)
                } catch (ignored: Throwable) {
                    // reporting must never change how the application dies
                }
            }
            if (previous != null) {
                previous.uncaughtException(thread, error)
            } else if (error.javaClass.name != "java.lang.ThreadDeath") {
                // What the JVM's ThreadGroup prints when no default handler is installed.
                System.err.print("Exception in thread \"" + thread.name + "\" ")
                error.printStackTrace(System.err)
            }
        }
    }

    /** The crash event goes to disk first (the process may not live to send it), then to the server. */
    private fun captureCrash(thread: Thread, error: Throwable) {
        if (queue.closing) return
        val bytes = encode(
            BloopEvent(
                errorType = error.javaClass.name,
                message = error.message ?: "",
                stack = StackFormat.format(error, Limits.MAX_STACK_BYTES),
                metadata = mapOf("unhandled" to true, "thread" to thread.name),
            )
        ) ?: return
        val file = outbox?.persist(bytes)
        queue.add(Entry(bytes, file), 1)
        flush(options.shutdownTimeoutMillis)
    }

    /** Fills in the options' values, runs beforeSend, caps and serializes; null when dropped. */
    private fun encode(event: BloopEvent): ByteArray? {
        var e = event.copy(
            timestamp = event.timestamp ?: System.currentTimeMillis(),
            source = event.source?.takeIf { BloopOptions.isSourceToken(it) } ?: options.source,
            environment = event.environment?.takeIf { it.isNotBlank() } ?: options.environment,
            release = event.release?.takeIf { it.isNotBlank() } ?: options.release,
            appVersion = event.appVersion ?: options.appVersion,
            buildNumber = event.buildNumber ?: options.buildNumber,
            screen = event.screen ?: currentScreen,
        )
        val hook = options.beforeSend
        if (hook != null) {
            e = try {
                hook(e) ?: return null
            } catch (t: Throwable) {
                logger.safeLog(BloopLogLevel.WARNING, "bloop: beforeSend threw; the event is sent unchanged", t)
                e
            }
        }
        val bytes = EventEncoder.encode(e)
        if (bytes.size + Limits.ENVELOPE_BYTES > Limits.MAX_BODY_BYTES) {
            logger.safeLog(BloopLogLevel.WARNING, "bloop: an event of ${bytes.size} bytes is over the body cap; dropped", null)
            queue.countDropped(1)
            return null
        }
        return bytes
    }

    private fun internalError(t: Throwable) {
        queue.countDropped(1)
        logger.safeLog(BloopLogLevel.WARNING, "bloop: could not capture an event", t)
    }

    /**
     * Events a past run left in [BloopOptions.storageDir] (a crash, or unsent at close) are queued and
     * sent at once. On the sender thread: no disk access on the caller's (Android's main) thread.
     */
    private fun loadStoredEvents() {
        val stored = try {
            outbox?.load().orEmpty()
        } catch (t: Throwable) {
            logger.safeLog(BloopLogLevel.WARNING, "bloop: could not read the stored events", t)
            emptyList()
        }
        for (entry in stored) queue.add(entry, Int.MAX_VALUE)
        if (stored.isNotEmpty()) queue.requestSend()
    }

    private fun sendLoop() {
        var backoff = options.minBackoffMillis
        val intervalNanos = TimeUnit.MILLISECONDS.toNanos(options.flushIntervalMillis)
        while (true) {
            try {
                if (!queue.closing) queue.awaitWork(intervalNanos, options.maxBatchSize)
                val batch = queue.take(options.maxBatchSize, Limits.MAX_BODY_BYTES)
                if (batch.isEmpty()) {
                    if (queue.closing) return
                    continue
                }
                val outcome = try {
                    transport.send(batch)
                } catch (e: RuntimeException) {
                    // e.g. a SecurityException on Android without the INTERNET permission: not retried.
                    logger.safeLog(BloopLogLevel.ERROR, "bloop: could not send ${batch.size} events", e)
                    Outcome.Refused(-1)
                }
                when (outcome) {
                    is Outcome.Sent, is Outcome.Refused -> {
                        for (entry in batch) entry.file?.let { outbox?.delete(it) }
                        queue.resolved(batch.size)
                        backoff = options.minBackoffMillis
                    }
                    is Outcome.Retry -> {
                        queue.putBack(batch)
                        // While closing every batch gets one attempt: what is left is kept (or counted) by close().
                        if (queue.closing) return
                        val wait = if (outcome.afterMillis >= 0) {
                            outcome.afterMillis
                        } else {
                            jitter(backoff).also { backoff = minOf(options.maxBackoffMillis, backoff * 2) }
                        }
                        if (!queue.sleepUnlessClosing(wait) && outcome.afterMillis >= 0) {
                            // Closing while the server asked us to wait: respect it, send nothing more.
                            return
                        }
                    }
                }
            } catch (e: InterruptedException) {
                return
            } catch (t: Throwable) {
                logger.safeLog(BloopLogLevel.ERROR, "bloop: sender error", t)
                try {
                    if (!queue.sleepUnlessClosing(options.minBackoffMillis)) return
                } catch (e: InterruptedException) {
                    return
                }
            }
        }
    }

    private fun jitter(ms: Long): Long = ms / 2 + Random.nextLong(ms / 2 + 1)
}

/** `BloopClient { endpoint = ...; secret = ...; environment = ...; release = ... }` */
public fun BloopClient(configure: BloopOptions.() -> Unit): BloopClient = BloopClient(BloopOptions().apply(configure))
