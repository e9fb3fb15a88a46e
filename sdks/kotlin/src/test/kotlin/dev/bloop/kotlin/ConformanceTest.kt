package dev.bloop.kotlin

import dev.bloop.kotlin.internal.Entry
import dev.bloop.kotlin.internal.EventEncoder
import dev.bloop.kotlin.internal.HttpTransport
import dev.bloop.kotlin.internal.Json
import dev.bloop.kotlin.internal.Limits
import dev.bloop.kotlin.internal.PendingQueue
import dev.bloop.kotlin.internal.Signing
import dev.bloop.kotlin.internal.Utf8
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import java.io.File

/** The shared vectors of sdks/conformance (read, never copied): signing, caps and batching. */
@Suppress("UNCHECKED_CAST")
class ConformanceTest {
    companion object {
        val vectors: Map<String, Any?> by lazy {
            val file = File(System.getProperty("bloop.vectors") ?: "../conformance/vectors.json")
            assertTrue(file.isFile, "conformance vectors not found at ${file.absolutePath}")
            Json.parse(file.readText(Charsets.UTF_8)) as Map<String, Any?>
        }

        fun cases(name: String): List<Map<String, Any?>> = vectors[name] as List<Map<String, Any?>>

        /** A vector's event (a JSON object) as a [BloopEvent]. */
        fun event(m: Map<String, Any?>): BloopEvent = BloopEvent(
            errorType = m["error_type"] as String,
            message = m["message"] as String,
            timestamp = (m["timestamp"] as Number).toLong(),
            source = m["source"] as String?,
            environment = m["environment"] as String?,
            release = m["release"] as String?,
            routeOrProcedure = m["route_or_procedure"] as String?,
            stack = m["stack"] as String?,
            metadata = m["metadata"] as Map<String, Any?>?,
        )
    }

    @Test
    fun limitsAreTheServers() {
        val limits = vectors["limits"] as Map<String, Any?>
        assertEquals(Limits.MAX_MESSAGE_BYTES.toLong(), limits["message_bytes"])
        assertEquals(Limits.MAX_STACK_BYTES.toLong(), limits["stack_bytes"])
        assertEquals(Limits.MAX_METADATA_BYTES.toLong(), limits["metadata_bytes"])
        assertEquals(Limits.MAX_FINGERPRINT_CHARS.toLong(), limits["fingerprint_chars"])
        assertEquals(Limits.MAX_BODY_BYTES.toLong(), limits["body_bytes"])
        assertEquals(Limits.MAX_BATCH_EVENTS.toLong(), limits["batch_events"])
    }

    @TestFactory
    fun hmac(): List<DynamicTest> = cases("hmac").map { c ->
        DynamicTest.dynamicTest(c["name"] as String) {
            val body = (c["body"] as String).toByteArray(Charsets.UTF_8)
            assertEquals((c["body_utf8_bytes"] as Number).toInt(), body.size)
            assertEquals(c["expected_hex"], Signing.hmacSha256Hex(c["secret"] as String, body))
        }
    }

    /** The SDK's own JSON of a vector's event (or batch) is byte for byte the vector's body. */
    @Test
    fun eventJsonIsByteCompatible() {
        val quickStart = cases("hmac").first { it["name"] == "quick_start_event" }
        val body = quickStart["body"] as String
        assertEquals(body, EventEncoder.toJson(event(Json.parse(body) as Map<String, Any?>)))

        val utf8 = cases("hmac").first { it["name"] == "utf8_body" }
        val events = ((Json.parse(utf8["body"] as String) as Map<String, Any?>)["events"] as List<Map<String, Any?>>)
        val envelope = HttpTransport.envelope(events.map { Entry(EventEncoder.encode(event(it)), null) })
        assertArrayEquals((utf8["body"] as String).toByteArray(Charsets.UTF_8), envelope)
        assertEquals(utf8["expected_hex"], Signing.hmacSha256Hex(utf8["secret"] as String, envelope))
    }

    @TestFactory
    fun caps(): List<DynamicTest> = cases("caps").map { c ->
        DynamicTest.dynamicTest(c["name"] as String) {
            val input = c["input"] as String
            val expected = c["expected"] as String
            val max = (c["max_bytes"] as Number).toInt()
            assertEquals(expected, Utf8.truncate(input, max))
            assertEquals((c["expected_utf8_bytes"] as Number).toInt(), expected.toByteArray(Charsets.UTF_8).size)
            // And through the encoder, on the named field.
            val e = when (c["field"]) {
                "message" -> BloopEvent("T", input, timestamp = 1, source = "jvm", environment = "e", release = "r")
                "stack" -> BloopEvent("T", "m", timestamp = 1, source = "jvm", environment = "e", release = "r", stack = input)
                else -> throw AssertionError("unknown field ${c["field"]}")
            }
            val sent = Json.parse(EventEncoder.toJson(e)) as Map<String, Any?>
            assertEquals(expected, sent[c["field"]])
        }
    }

    @TestFactory
    fun metadata(): List<DynamicTest> = cases("metadata").map { c ->
        DynamicTest.dynamicTest(c["name"] as String) {
            val input = c["input"] as Map<String, Any?>
            val e = BloopEvent("T", "m", timestamp = 1, source = "jvm", environment = "e", release = "r", metadata = input)
            val sent = (Json.parse(EventEncoder.toJson(e)) as Map<String, Any?>)["metadata"] as Map<String, Any?>
            when (c["expected"]) {
                "unchanged" -> assertEquals(input, sent)
                "replaced" -> {
                    assertEquals(setOf("bloop_metadata_dropped"), sent.keys)
                    val note = sent["bloop_metadata_dropped"] as String
                    assertTrue(note.contains("${Utf8.length(Json.write(input))} bytes"), note)
                    assertTrue(Utf8.length(Json.write(sent)) <= (c["max_bytes"] as Number).toInt())
                }
                else -> throw AssertionError("unknown expectation ${c["expected"]}")
            }
        }
    }

    /** Through the real queue: greedy, in order, ≤ 50 events and ≤ 32768 body bytes. */
    @TestFactory
    fun batching(): List<DynamicTest> = cases("batching").map { c ->
        DynamicTest.dynamicTest(c["name"] as String) {
            val events = c["events"] as List<Map<String, Any?>>
            val queue = PendingQueue(10_000)
            for (e in events) queue.add(Entry(EventEncoder.encode(event(e)), null), Int.MAX_VALUE)
            val sizes = ArrayList<Long>()
            var sent = 0
            while (true) {
                val batch = queue.take((c["max_events"] as Number).toInt(), (c["max_body_bytes"] as Number).toInt())
                if (batch.isEmpty()) break
                val body = HttpTransport.envelope(batch)
                assertTrue(body.size <= (c["max_body_bytes"] as Number).toInt())
                // In order, and each event exactly as the vector wrote it.
                val parsed = (Json.parse(String(body, Charsets.UTF_8)) as Map<String, Any?>)["events"] as List<Any?>
                assertEquals(events.subList(sent, sent + batch.size), parsed)
                sent += batch.size
                sizes.add(batch.size.toLong())
            }
            assertEquals(c["expected_batches"], sizes)
            assertFalse(sizes.isEmpty())
        }
    }
}
