package dev.bloop.kotlin

import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertSame
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.util.concurrent.CopyOnWriteArrayList

/** In-process: the handler reports, then chains to the previous one; close() restores it. */
class UncaughtHandlerTest {
    private var original: Thread.UncaughtExceptionHandler? = null
    private val seenByPrevious = CopyOnWriteArrayList<Throwable>()
    private val previous = Thread.UncaughtExceptionHandler { _, e -> seenByPrevious.add(e) }

    @BeforeEach
    fun installPrevious() {
        original = Thread.getDefaultUncaughtExceptionHandler()
        Thread.setDefaultUncaughtExceptionHandler(previous)
    }

    @AfterEach
    fun restore() {
        Thread.setDefaultUncaughtExceptionHandler(original)
    }

    private fun dieIn(name: String, error: Throwable) {
        val t = Thread({ throw error }, name)
        t.start()
        t.join()
    }

    @Test
    fun reportsThenCallsThePreviousHandlerAndIsRemovedAtClose(@TempDir dir: File) {
        StandIn().use { server ->
            val client = BloopClient(testOptions(server.endpoint) { autoCapture = true; storageDir = dir })
            val error = IllegalArgumentException("worker died")
            dieIn("worker-1", error)

            assertEquals(listOf<Throwable>(error), seenByPrevious.toList(), "the previous handler got the same exception")
            val event = server.events.single()
            assertEquals("java.lang.IllegalArgumentException", event["error_type"])
            assertEquals(mapOf("unhandled" to true, "thread" to "worker-1"), event["metadata"])
            assertEquals(emptyList<String>(), dir.list()!!.toList(), "delivered, so its crash file is gone")

            client.close(1_000)
            assertSame(previous, Thread.getDefaultUncaughtExceptionHandler(), "restored at close")
            dieIn("worker-2", IllegalStateException("after close"))
            assertEquals(2, seenByPrevious.size)
            Thread.sleep(100)
            assertEquals(1, server.events.size, "nothing reported after close")
        }
    }

    @Test
    fun aHandlerInstalledLaterStaysWhenTheClientCloses() {
        StandIn().use { server ->
            val client = BloopClient(testOptions(server.endpoint) { autoCapture = true })
            val ours = Thread.getDefaultUncaughtExceptionHandler()
            val later = Thread.UncaughtExceptionHandler { t, e -> ours!!.uncaughtException(t, e) }
            Thread.setDefaultUncaughtExceptionHandler(later)
            client.close(1_000)
            assertSame(later, Thread.getDefaultUncaughtExceptionHandler(), "not ours to remove")
            dieIn("worker", IllegalStateException("x"))
            assertEquals(1, seenByPrevious.size, "our inactive handler still passes it on")
            assertTrue(server.events.isEmpty())
        }
    }

    @Test
    fun theCrashEventIsOnDiskWhenTheServerIsAway(@TempDir dir: File) {
        val client = BloopClient(testOptions("http://127.0.0.1:${ClientTest.freePort()}") {
            autoCapture = true
            storageDir = dir
            shutdownTimeoutMillis = 200
        })
        try {
            dieIn("main-ish", UnsupportedOperationException("not yet"))
            val files = dir.listFiles()!!.filter { it.name.endsWith(".json") }
            assertEquals(1, files.size)
            val text = files.single().readText()
            assertTrue(text.contains("\"error_type\":\"java.lang.UnsupportedOperationException\""), text)
            assertEquals(1, seenByPrevious.size)
        } finally {
            client.close(100)
        }
        assertEquals(1, dir.listFiles()!!.count { it.name.endsWith(".json") }, "close does not write it twice")
    }

    @Test
    fun initAgainDoesNotStackHandlers() {
        StandIn().use { server ->
            Bloop.init(testOptions(server.endpoint) { autoCapture = true })
            Bloop.init(testOptions(server.endpoint) { autoCapture = true })
            Bloop.close(500)
            assertSame(previous, Thread.getDefaultUncaughtExceptionHandler(), "back to the handler from before the first init")
        }
    }
}
