package dev.bloop.kotlin.internal

import dev.bloop.kotlin.BloopLogLevel
import dev.bloop.kotlin.BloopLogger
import java.io.ByteArrayOutputStream
import java.io.IOException
import java.io.InputStream
import java.net.HttpURLConnection
import java.net.URL
import java.text.ParsePosition
import java.text.SimpleDateFormat
import java.util.Locale
import java.util.TimeZone

/** What to do with a batch after one attempt. */
internal sealed class Outcome {
    object Sent : Outcome()

    /** Refused for good (400, 401, 413, ...): retrying the same bytes cannot help. */
    class Refused(val status: Int) : Outcome()

    /** Keep the batch. [afterMillis] >= 0: the server said when (429/503); -1: back off by our schedule. */
    class Retry(val afterMillis: Long) : Outcome()
}

/**
 * One signed POST of a batch to `/v1/ingest/batch` with [HttpURLConnection] (Android has no
 * `java.net.http`), and what the answer means for the batch.
 */
internal class HttpTransport(
    endpoint: String,
    private val secret: String,
    private val projectKey: String?,
    private val timeoutMillis: Int,
    private val defaultRetryAfterMillis: Long,
    private val logger: BloopLogger,
) {
    private val url = URL(endpoint.trimEnd('/') + "/v1/ingest/batch")
    private val loggedStatuses = HashSet<Int>()

    fun send(events: List<Entry>): Outcome {
        val body = envelope(events)
        val connection: HttpURLConnection
        val status: Int
        try {
            connection = url.openConnection() as HttpURLConnection
            connection.connectTimeout = timeoutMillis
            connection.readTimeout = timeoutMillis
            connection.requestMethod = "POST"
            connection.doOutput = true
            connection.useCaches = false
            connection.instanceFollowRedirects = false
            // Not in streaming mode: HttpURLConnection then keeps a 401's body (which says which check
            // failed) instead of throwing HttpRetryException. The body is in memory anyway (≤ 32 KB).
            connection.setRequestProperty("Content-Type", "application/json")
            connection.setRequestProperty("X-Signature", Signing.hmacSha256Hex(secret, body))
            if (projectKey != null) connection.setRequestProperty("X-Project-Key", projectKey)
            connection.setRequestProperty("User-Agent", USER_AGENT)
            connection.outputStream.use { it.write(body) }
            status = connection.responseCode
        } catch (e: IOException) {
            logger.safeLog(BloopLogLevel.DEBUG, "bloop: server unreachable, will retry: $e", null)
            return Outcome.Retry(-1)
        }
        val answer = readAnswer(connection, status)
        return when {
            status in 200..299 -> {
                logRefusedEvents(answer)
                Outcome.Sent
            }
            status == 429 || status == 503 -> Outcome.Retry(retryAfterMillis(connection.getHeaderField("Retry-After")))
            status == 408 || status >= 500 -> Outcome.Retry(-1)
            else -> {
                // Logged once per status: a wrong secret must not fill the log every few seconds.
                val first = synchronized(loggedStatuses) { loggedStatuses.add(status) }
                logger.safeLog(
                    if (first) BloopLogLevel.ERROR else BloopLogLevel.DEBUG,
                    "bloop: the server refused ${events.size} events with HTTP $status (not retried): ${abbreviate(answer)}",
                    null,
                )
                Outcome.Refused(status)
            }
        }
    }

    private fun readAnswer(connection: HttpURLConnection, status: Int): String = try {
        val stream: InputStream? = if (status >= 400) connection.errorStream else connection.inputStream
        stream?.use { input ->
            val out = ByteArrayOutputStream()
            val buffer = ByteArray(4096)
            while (out.size() < MAX_ANSWER_BYTES) {
                val n = input.read(buffer)
                if (n < 0) break
                out.write(buffer, 0, n)
            }
            String(out.toByteArray(), Charsets.UTF_8)
        } ?: ""
    } catch (e: IOException) {
        ""
    }

    private fun logRefusedEvents(answer: String) {
        try {
            val errors = (Json.parse(answer) as? Map<*, *>)?.get("errors") as? List<*> ?: return
            for (error in errors) {
                val e = error as? Map<*, *> ?: continue
                logger.safeLog(BloopLogLevel.WARNING, "bloop: the server refused an event: ${e["error"]}", null)
            }
        } catch (e: RuntimeException) {
            logger.safeLog(BloopLogLevel.DEBUG, "bloop: unreadable batch answer: ${abbreviate(answer)}", null)
        }
    }

    /** `Retry-After`: seconds or an HTTP date; absent or unreadable: the default (60 s); at most an hour. */
    fun retryAfterMillis(header: String?): Long {
        val value = header?.trim()
        val millis = when {
            value.isNullOrEmpty() -> defaultRetryAfterMillis
            value.all { it.isDigit() } -> value.toLongOrNull()?.times(1000) ?: MAX_RETRY_AFTER_MILLIS
            else -> {
                val format = SimpleDateFormat("EEE, dd MMM yyyy HH:mm:ss zzz", Locale.US)
                format.timeZone = TimeZone.getTimeZone("GMT")
                val date = format.parse(value, ParsePosition(0))
                if (date == null) defaultRetryAfterMillis else maxOf(0L, date.time - System.currentTimeMillis())
            }
        }
        return minOf(millis, MAX_RETRY_AFTER_MILLIS)
    }

    companion object {
        const val USER_AGENT = "bloop-kotlin/0.1.0"
        private const val MAX_ANSWER_BYTES = 65_536
        private const val MAX_RETRY_AFTER_MILLIS = 3_600_000L

        /** `{"events":[e1,e2,...]}`: the exact bytes that are signed and sent. */
        fun envelope(events: List<Entry>): ByteArray {
            var size = Limits.ENVELOPE_BYTES + maxOf(0, events.size - 1)
            for (e in events) size += e.bytes.size
            val out = ByteArray(size)
            var at = 0
            for (b in "{\"events\":[".toByteArray(Charsets.US_ASCII)) out[at++] = b
            events.forEachIndexed { i, e ->
                if (i > 0) out[at++] = ','.code.toByte()
                System.arraycopy(e.bytes, 0, out, at, e.bytes.size)
                at += e.bytes.size
            }
            out[at++] = ']'.code.toByte()
            out[at] = '}'.code.toByte()
            return out
        }

        private fun abbreviate(s: String): String = if (s.length > 300) s.substring(0, 300) + "..." else s
    }
}

/** A logger that throws must not break the SDK (nor the host). */
internal fun BloopLogger.safeLog(level: BloopLogLevel, message: String, error: Throwable?) {
    try {
        log(level, message, error)
    } catch (ignored: Throwable) {
    }
}
