package dev.bloop.kotlin

import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.net.InetAddress
import java.net.ServerSocket
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import kotlin.coroutines.Continuation
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.coroutines.startCoroutine

/** The client against a loopback stand-in: wire format, retries, refusals, the bounded queue. */
class ClientTest {
    private val closeables = ArrayList<AutoCloseable>()

    private fun standIn(port: Int = 0) = StandIn(port).also { closeables.add(it) }

    private fun client(options: BloopOptions) = BloopClient(options).also { c -> closeables.add(AutoCloseable { c.close(100) }) }

    @AfterEach
    fun tearDown() {
        closeables.reversed().forEach { it.close() }
    }

    private fun checkout(order: Int): Nothing = throw IllegalStateException("checkout failed for order $order")

    @Test
    fun sendsSignedBatchesInTheServersFormat() {
        val server = standIn()
        val client = client(testOptions(server.endpoint) { appVersion = "1.0"; buildNumber = "7" })
        try {
            checkout(42)
        } catch (e: IllegalStateException) {
            client.captureException(e, routeOrProcedure = "/checkout", httpStatus = 500, metadata = mapOf("tier" to "pro"))
        }
        client.captureMessage("PaymentDeclined", "card refused", requestId = "req-1")
        assertTrue(client.flush(5_000))

        val request = server.requests.single()
        assertEquals("/v1/ingest/batch", request.path)
        assertEquals("application/json", request.header("Content-Type"))
        assertTrue(request.signedWith(TEST_SECRET), "X-Signature is the HMAC of the exact body")
        assertNull(request.header("X-Project-Key"), "no project key: the default project")
        val (exception, message) = request.events
        assertEquals("java.lang.IllegalStateException", exception["error_type"])
        assertEquals("checkout failed for order 42", exception["message"])
        assertEquals("jvm", exception["source"])
        assertEquals("test", exception["environment"])
        assertEquals("1.0.0", exception["release"])
        assertEquals("1.0", exception["app_version"])
        assertEquals("7", exception["build_number"])
        assertEquals("/checkout", exception["route_or_procedure"])
        assertEquals(500L, exception["http_status"])
        assertEquals(mapOf("tier" to "pro"), exception["metadata"])
        assertTrue((exception["timestamp"] as Long) > 1_600_000_000_000L)
        val stack = exception["stack"] as String
        assertTrue(stack.startsWith("\tat dev.bloop.kotlin.ClientTest.checkout(ClientTest.kt:"), stack)
        assertEquals("PaymentDeclined", message["error_type"])
        assertEquals("req-1", message["request_id"])
        assertFalse(message.containsKey("stack"), "absent fields are left out, never null")
        assertFalse(message.values.contains(null))
    }

    @Test
    fun projectKeyHeaderWhenSet() {
        val server = standIn()
        val client = client(testOptions(server.endpoint) { projectKey = "bloop_pk_abc" })
        client.captureMessage("hello")
        assertTrue(client.flush(5_000))
        assertEquals("bloop_pk_abc", server.requests.single().header("X-Project-Key"))
        assertEquals("Message", server.events.single()["error_type"])
    }

    @Test
    fun sixtyEventsGoOutAsFiftyAndTen() {
        val server = standIn()
        val client = client(testOptions(server.endpoint) { flushIntervalMillis = 60_000 })
        repeat(60) { client.captureMessage("E", "event $it") }
        assertTrue(client.flush(5_000))
        assertEquals(listOf(50, 10), server.requests.map { it.events.size })
        assertEquals((0 until 60).map { "event $it" }, server.events.map { it["message"] })
    }

    @Test
    fun tooManyRequestsWaitsForRetryAfterAndKeepsTheBatch() {
        val server = standIn()
        server.answer(StandIn.Answer(429, mapOf("Retry-After" to "1")))
        val client = client(testOptions(server.endpoint))
        client.captureMessage("E", "rate limited")
        assertTrue(client.flush(5_000))
        val (first, second) = server.requests
        assertEquals(2, server.requests.size)
        assertEquals(first.text, second.text, "the same batch again")
        assertTrue(TimeUnit.NANOSECONDS.toMillis(second.atNanos - first.atNanos) >= 950, "waited Retry-After")
    }

    @Test
    fun unavailableWaitsForRetryAfter() {
        val server = standIn()
        server.answer(StandIn.Answer(503, mapOf("Retry-After" to "1")))
        val client = client(testOptions(server.endpoint))
        client.captureMessage("E", "shutting down")
        assertTrue(client.flush(5_000))
        val (first, second) = server.requests
        assertEquals(first.text, second.text)
        assertTrue(TimeUnit.NANOSECONDS.toMillis(second.atNanos - first.atNanos) >= 950)
    }

    @Test
    fun tooManyRequestsWithoutRetryAfterWaitsTheDefault() {
        val server = standIn()
        server.answer(StandIn.Answer(429))
        val client = client(testOptions(server.endpoint) { defaultRetryAfterMillis = 700 })
        client.captureMessage("E", "no header")
        assertTrue(client.flush(5_000))
        val (first, second) = server.requests
        assertTrue(TimeUnit.NANOSECONDS.toMillis(second.atNanos - first.atNanos) >= 650)
    }

    @Test
    fun serverErrorsAreRetriedWithBackoff() {
        val server = standIn()
        server.answer(StandIn.Answer(500), StandIn.Answer(502))
        val client = client(testOptions(server.endpoint))
        client.captureMessage("E", "flaky")
        assertTrue(client.flush(5_000))
        assertEquals(3, server.requests.size)
        assertEquals(1, server.requests.map { it.text }.toSet().size)
    }

    @Test
    fun networkErrorsAreRetriedUntilTheServerIsBack() {
        val port = freePort()
        val client = client(testOptions("http://127.0.0.1:$port"))
        client.captureMessage("E", "offline")
        assertFalse(client.flush(300), "nobody listens yet")
        val server = standIn(port)
        server.waitFor("the event after the server came up") { server.events.isNotEmpty() }
        assertEquals("offline", server.events.single()["message"])
        assertTrue(client.flush(2_000))
    }

    @Test
    fun unauthorizedIsDroppedNotRetriedAndLoggedOnce() {
        val server = standIn()
        server.otherwise = { StandIn.Answer(401, body = """{"error":"signature mismatch"}""") }
        val logger = RecordingLogger()
        val client = client(testOptions(server.endpoint) { this.logger = logger })
        client.captureMessage("E", "one")
        assertTrue(client.flush(5_000), "a refused batch is dealt with")
        client.captureMessage("E", "two")
        assertTrue(client.flush(5_000))
        Thread.sleep(300)
        assertEquals(2, server.requests.size, "never retried")
        assertEquals(0, client.pendingEvents)
        val errors = logger.at(BloopLogLevel.ERROR)
        assertEquals(1, errors.size, "logged once: $errors")
        assertTrue(errors.single().contains("HTTP 401") && errors.single().contains("signature mismatch"), errors.single())
    }

    @Test
    fun badRequestAndTooLargeAreNotRetried() {
        val server = standIn()
        server.answer(StandIn.Answer(400), StandIn.Answer(413))
        val client = client(testOptions(server.endpoint) { maxBatchSize = 1; flushIntervalMillis = 60_000 })
        client.captureMessage("E", "a")
        client.captureMessage("E", "b")
        client.captureMessage("E", "c")
        assertTrue(client.flush(5_000))
        Thread.sleep(200)
        assertEquals(listOf("a", "b", "c"), server.events.map { it["message"] })
    }

    @Test
    fun fullQueueDropsTheOldestAndCounts() {
        val port = freePort()
        val client = client(testOptions("http://127.0.0.1:$port") { maxQueueSize = 5 })
        repeat(8) { client.captureMessage("E", "event $it") }
        assertEquals(3, client.droppedEvents)
        val server = standIn(port)
        server.waitFor("the queued events") { server.events.size == 5 }
        assertEquals((3 until 8).map { "event $it" }, server.events.map { it["message"] })
    }

    @Test
    fun beforeSendChangesOrDropsEvents() {
        val server = standIn()
        val client = client(testOptions(server.endpoint) {
            beforeSend { e ->
                when (e.message) {
                    "secret" -> null
                    "boom" -> throw IllegalStateException("hook bug")
                    else -> e.copy(metadata = mapOf("scrubbed" to true))
                }
            }
        })
        client.captureMessage("E", "secret")
        client.captureMessage("E", "kept")
        client.captureMessage("E", "boom")
        assertTrue(client.flush(5_000))
        assertEquals(listOf("kept", "boom"), server.events.map { it["message"] })
        assertEquals(mapOf("scrubbed" to true), server.events[0]["metadata"])
        assertFalse(server.events[1].containsKey("metadata"), "a throwing hook sends the event unchanged")
    }

    @Test
    fun captureNeverThrowsIntoTheHost() {
        val server = standIn()
        val client = client(testOptions(server.endpoint) { logger = BloopLogger { _, _, _ -> throw IllegalStateException("logger bug") } })
        val hostile = object {
            override fun toString(): String = throw IllegalStateException("toString bug")
        }
        client.captureMessage("E", "hostile metadata", metadata = mapOf("x" to hostile))
        client.captureMessage("E", "\u0001".repeat(2_000), screen = "\u0001".repeat(5_000), metadata = mapOf("k" to "\u0001".repeat(600)))
        client.capture(BloopEvent("E", "too big", stack = "\u0001".repeat(8_192), routeOrProcedure = "\u0002".repeat(1_024)))
        assertTrue(client.flush(5_000))
        val sent = server.events
        assertEquals("hostile metadata", sent[0]["message"])
        assertTrue((sent[0]["metadata"] as Map<*, *>).containsKey("bloop_metadata_dropped"))
        assertEquals(2, sent.size, "the event over the 32 KB body cap even after the field caps is dropped")
        assertEquals(1, client.droppedEvents)
    }

    @Test
    fun flushTimesOutWhileTheServerIsAway() {
        val client = client(testOptions("http://127.0.0.1:${freePort()}"))
        client.captureMessage("E", "waiting")
        val start = System.nanoTime()
        assertFalse(client.flush(300))
        val took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
        assertTrue(took in 250..2_000, "bounded: $took ms")
        // Not asserted: pendingEvents. The event is either still queued or in the sender's batch between
        // retries (not counted as pending), depending on where the retry loop is when the flush gives up.
    }

    @Test
    fun closeSendsWhatIsQueuedThenDropsLaterCaptures() {
        val server = standIn()
        val client = BloopClient(testOptions(server.endpoint) { flushIntervalMillis = 60_000 })
        client.captureMessage("E", "queued")
        assertTrue(client.close(5_000))
        assertEquals(listOf("queued"), server.events.map { it["message"] })
        client.captureMessage("E", "after close")
        assertEquals(1, client.droppedEvents)
        assertTrue(client.close(5_000), "idempotent")
        assertTrue(client.isClosed)
        Thread.sleep(100)
        assertEquals(1, server.events.size)
    }

    @Test
    fun closeIsBoundedAndCountsWhatItCouldNotSend() {
        val client = BloopClient(testOptions("http://127.0.0.1:${freePort()}"))
        client.captureMessage("E", "lost")
        val start = System.nanoTime()
        assertFalse(client.close(300))
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 3_000)
        assertEquals(1, client.droppedEvents)
    }

    @Test
    fun unsentEventsAreKeptOnDiskAtCloseAndSentAtTheNextStart(@TempDir dir: File) {
        val port = freePort()
        val first = BloopClient(testOptions("http://127.0.0.1:$port") { storageDir = dir })
        first.captureMessage("E", "kept for later")
        assertFalse(first.close(300))
        assertEquals(0, first.droppedEvents, "kept, not dropped")
        val files = dir.listFiles()!!.filter { it.name.endsWith(".json") }
        assertEquals(1, files.size)

        val server = standIn(port)
        val second = client(testOptions(server.endpoint) { storageDir = dir; flushIntervalMillis = 60_000 })
        server.waitFor("the stored event, sent at start without waiting for the interval") { server.events.isNotEmpty() }
        assertEquals("kept for later", server.events.single()["message"])
        assertTrue(second.flush(2_000))
        assertEquals(emptyList<String>(), dir.list()!!.toList(), "the file is deleted once sent")
    }

    @Test
    fun suspendingFlushAndCloseNeedNoCoroutineLibrary() {
        val server = standIn()
        val client = BloopClient(testOptions(server.endpoint) { flushIntervalMillis = 60_000 })
        client.captureMessage("E", "suspended")
        assertEquals(true, runSuspend { client.awaitFlush(5_000) })
        assertEquals(1, server.events.size)
        client.captureMessage("E", "at close")
        assertEquals(true, runSuspend { client.awaitClose(5_000) })
        assertEquals(2, server.events.size)
        assertTrue(client.isClosed)
    }

    @Test
    fun suspendingFlushDoesNotBlockTheCallersThread() {
        val client = client(testOptions("http://127.0.0.1:${freePort()}"))
        client.captureMessage("E", "never sent")
        val done = CountDownLatch(1)
        var result: Result<Boolean>? = null
        val start = System.nanoTime()
        suspend { client.awaitFlush(2_000) }.startCoroutine(Continuation(EmptyCoroutineContext) { r ->
            result = r
            done.countDown()
        })
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 1_000, "startCoroutine returned before the flush timed out")
        assertTrue(done.await(5, TimeUnit.SECONDS))
        assertEquals(false, result!!.getOrThrow(), "timed out: the server is away")
    }

    @Test
    fun globalFacadeDelegatesToTheInitialisedClient() {
        val server = standIn()
        assertTrue(Bloop.flush(10), "no client: nothing to do")
        Bloop.captureMessage("ignored before init")
        val client = Bloop.init(testOptions(server.endpoint))
        assertTrue(Bloop.client === client)
        try {
            checkout(7)
        } catch (e: IllegalStateException) {
            Bloop.captureException(e, screen = "Cart")
        }
        assertTrue(Bloop.close(5_000))
        assertNull(Bloop.client)
        assertTrue(client.isClosed)
        assertEquals("Cart", server.events.single()["screen"])
    }

    @Test
    fun invalidOptionsAreRefusedAtInit() {
        fun refused(configure: BloopOptions.() -> Unit) {
            val e = runCatching { BloopClient(testOptions("http://127.0.0.1:1", configure)) }.exceptionOrNull()
            assertTrue(e is IllegalArgumentException, "expected IllegalArgumentException, got $e")
        }
        refused { endpoint = "ftp://x" }
        refused { secret = "" }
        refused { environment = " " }
        refused { release = "" }
        refused { source = "Android" }
        refused { maxBatchSize = 51 }
        refused { maxQueueSize = 0 }
    }

    companion object {
        fun freePort(): Int = ServerSocket(0, 1, InetAddress.getLoopbackAddress()).use { it.localPort }

        fun <T> runSuspend(block: suspend () -> T): T {
            val done = CountDownLatch(1)
            var result: Result<T>? = null
            block.startCoroutine(Continuation(EmptyCoroutineContext) { r ->
                result = r
                done.countDown()
            })
            assertTrue(done.await(10, TimeUnit.SECONDS), "the coroutine did not finish")
            return result!!.getOrThrow()
        }
    }
}
