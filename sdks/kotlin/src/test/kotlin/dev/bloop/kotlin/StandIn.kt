package dev.bloop.kotlin

import com.sun.net.httpserver.HttpServer
import dev.bloop.kotlin.internal.Json
import dev.bloop.kotlin.internal.Signing
import java.net.InetSocketAddress
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.LinkedBlockingDeque
import java.util.concurrent.TimeUnit

/** A loopback stand-in for bloop's ingest endpoint: records every request, answers as scripted. */
class StandIn(port: Int = 0) : AutoCloseable {
    class Request(val path: String, val headers: Map<String, String>, val body: ByteArray, val atNanos: Long) {
        val text: String get() = String(body, Charsets.UTF_8)

        @Suppress("UNCHECKED_CAST")
        val events: List<Map<String, Any?>>
            get() = (Json.parse(text) as Map<String, Any?>)["events"] as List<Map<String, Any?>>

        fun header(name: String): String? = headers[name.lowercase()]

        fun signedWith(secret: String): Boolean = header("X-Signature") == Signing.hmacSha256Hex(secret, body)
    }

    class Answer(val status: Int, val headers: Map<String, String> = emptyMap(), val body: String = "")

    val requests = CopyOnWriteArrayList<Request>()
    private val script = LinkedBlockingDeque<Answer>()

    /** Answers after the script runs out. */
    @Volatile
    var otherwise: (Request) -> Answer = { r -> Answer(200, body = """{"accepted":${r.events.size},"errors":[]}""") }

    private val server: HttpServer = HttpServer.create(InetSocketAddress("127.0.0.1", port), 50).apply {
        createContext("/") { exchange ->
            val body = exchange.requestBody.readBytes()
            val headers = exchange.requestHeaders.entries.associate { (k, v) -> k.lowercase() to v.first() }
            val request = Request(exchange.requestURI.path, headers, body, System.nanoTime())
            requests.add(request)
            val answer = script.pollFirst() ?: otherwise(request)
            for ((k, v) in answer.headers) exchange.responseHeaders.add(k, v)
            val bytes = answer.body.toByteArray()
            exchange.sendResponseHeaders(answer.status, if (bytes.isEmpty()) -1 else bytes.size.toLong())
            if (bytes.isNotEmpty()) exchange.responseBody.write(bytes)
            exchange.close()
        }
        start()
    }

    val port: Int get() = server.address.port
    val endpoint: String get() = "http://127.0.0.1:$port"

    fun answer(vararg answers: Answer) {
        script.addAll(answers)
    }

    val events: List<Map<String, Any?>> get() = requests.flatMap { it.events }

    /** Polls until [condition] holds (default 5 s); fails with [message] otherwise. */
    fun waitFor(message: String, timeoutMillis: Long = 5_000, condition: () -> Boolean) {
        val deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis)
        while (!condition()) {
            if (System.nanoTime() > deadline) throw AssertionError("timed out waiting: $message (requests: ${requests.size})")
            Thread.sleep(10)
        }
    }

    override fun close() {
        server.stop(0)
    }
}

/** Log lines a client wrote, for assertions. */
class RecordingLogger : BloopLogger {
    val lines = CopyOnWriteArrayList<Pair<BloopLogLevel, String>>()

    override fun log(level: BloopLogLevel, message: String, error: Throwable?) {
        lines.add(level to message)
    }

    fun at(level: BloopLogLevel): List<String> = lines.filter { it.first == level }.map { it.second }
}

/** Options for a test client against [endpoint]: fast intervals, no hooks, quiet. */
fun testOptions(endpoint: String, configure: BloopOptions.() -> Unit = {}): BloopOptions = BloopOptions(
    endpoint = endpoint,
    secret = TEST_SECRET,
    environment = "test",
    release = "1.0.0",
    flushIntervalMillis = 50,
    requestTimeoutMillis = 2_000,
    autoCapture = false,
    shutdownHook = false,
    logger = BloopLogger.NONE,
).apply {
    minBackoffMillis = 50
    maxBackoffMillis = 200
    configure()
}

const val TEST_SECRET = "test-secret-of-16-bytes-or-more"
