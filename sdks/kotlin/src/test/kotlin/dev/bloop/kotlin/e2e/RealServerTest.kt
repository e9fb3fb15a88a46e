package dev.bloop.kotlin.e2e

import dev.bloop.kotlin.BloopClient
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.util.concurrent.TimeUnit

/** End to end against a real bloop started from the built jar; crashes in child JVMs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealServerTest {
    private lateinit var bloop: RealBloop

    @BeforeAll
    fun start() {
        bloop = RealBloop()
    }

    @AfterAll
    fun stop() {
        if (this::bloop.isInitialized) bloop.close()
    }

    // Two call paths into one failing function, and a second throw site with the same type and message.
    private fun chargeCard(order: Int): Nothing = throw IllegalStateException("payment failed for order $order")

    private fun checkoutFromCart(order: Int): Nothing = chargeCard(order)

    private fun checkoutFromOneClick(order: Int): Nothing = chargeCard(order)

    private fun refund(order: Int): Nothing = throw IllegalStateException("payment failed for order $order")

    @Test
    fun realErrorsArriveAsIssuesGroupedByThrowSite() {
        val release = "2.0.0-e2e"
        BloopClient {
            endpoint = bloop.endpoint
            secret = bloop.secret
            environment = "e2e"
            this.release = release
            autoCapture = false
            shutdownHook = false
        }.use { client ->
            for (path in listOf(::checkoutFromCart, ::checkoutFromOneClick)) {
                try {
                    path(1000 + path.name.length)
                } catch (e: IllegalStateException) {
                    client.captureException(e, routeOrProcedure = "/checkout", metadata = mapOf("path" to path.name))
                }
            }
            try {
                refund(7)
            } catch (e: IllegalStateException) {
                client.captureException(e)
            }
            try {
                "12a".toInt()
            } catch (e: NumberFormatException) {
                client.captureException(e, screen = "PriceEditor")
            }
            assertTrue(client.flush(10_000), "the real server accepted the batch")
        }

        val issues = bloop.awaitErrors("three issues of release $release", "&release=$release") { list ->
            list.sumOf { (it["total_count"] as Number).toLong() } == 4L
        }
        assertEquals(3, issues.size, "two throw sites of IllegalStateException and one NumberFormatException: $issues")
        for (issue in issues) {
            assertEquals("jvm", issue["source"])
            assertEquals(release, issue["last_release"])
            assertEquals(listOf("e2e"), issue["environments"])
        }
        val payment = issues.filter { it["error_type"] == "java.lang.IllegalStateException" }
        assertEquals(listOf(1L, 2L), payment.map { (it["total_count"] as Number).toLong() }.sorted(), "same site = one issue of 2; the other site apart")
        val checkout = payment.single { (it["total_count"] as Number).toLong() == 2L }
        val refund = payment.single { (it["total_count"] as Number).toLong() == 1L }
        assertNotEquals(checkout["fingerprint"], refund["fingerprint"])

        val detail = bloop.detail(checkout["fingerprint"] as String)
        @Suppress("UNCHECKED_CAST")
        val samples = detail["samples"] as List<Map<String, Any?>>
        assertEquals(2, samples.size)
        for (sample in samples) {
            val stack = sample["stack"] as String
            assertTrue(stack.startsWith("\tat dev.bloop.kotlin.e2e.RealServerTest.chargeCard(RealServerTest.kt:"), stack)
            assertEquals("/checkout", sample["route_or_procedure"])
        }
        assertEquals(
            setOf("checkoutFromCart", "checkoutFromOneClick"),
            samples.map { (it["metadata"] as Map<*, *>)["path"] }.toSet(),
            "two call paths",
        )

        val parse = issues.single { it["error_type"] == "java.lang.NumberFormatException" }
        assertEquals("For input string: \"12a\"", parse["message"])
    }

    @Test
    fun crashWithTheServerAwayIsPersistedAndSentAtTheNextStart(@TempDir storage: File) {
        val away = "http://127.0.0.1:${RealBloop.freePort()}"
        val crashed = child("crash", away, storage)
        assertEquals(1, crashed.exit, "exits as it would without the SDK: ${crashed.stderr}")
        assertTrue(
            crashed.stderr.contains("PREVIOUS HANDLER: main java.lang.IllegalStateException: order service crashed after 17 items"),
            "the previous handler was called: ${crashed.stderr}",
        )
        val files = storage.listFiles()!!.filter { it.name.endsWith(".json") }
        assertEquals(1, files.size, "the crash event is on disk")
        assertTrue(files.single().readText().contains("\"error_type\":\"java.lang.IllegalStateException\""))

        val next = child("start", bloop.endpoint, storage)
        assertEquals(0, next.exit, next.stderr)
        assertTrue(next.stdout.contains("START CLOSED sent=true"), next.stdout)
        assertEquals(emptyList<String>(), storage.list()!!.toList(), "sent, so deleted")

        val issue = bloop.awaitErrors("the persisted crash as an issue", "&environment=crash-test") { list ->
            list.any { it["message"] == "order service crashed after <n> items" || it["message"] == "order service crashed after 17 items" }
        }.first { (it["message"] as String).startsWith("order service crashed") }
        assertEquals("java.lang.IllegalStateException", issue["error_type"])
        assertEquals("3.0.0", issue["last_release"])
        @Suppress("UNCHECKED_CAST")
        val sample = (bloop.detail(issue["fingerprint"] as String)["samples"] as List<Map<String, Any?>>).first()
        assertEquals(true, (sample["metadata"] as Map<*, *>)["unhandled"])
        assertEquals("main", (sample["metadata"] as Map<*, *>)["thread"])
        assertTrue((sample["stack"] as String).startsWith("\tat dev.bloop.kotlin.e2e.CrashAppKt.placeOrder(CrashApp.kt:"))
    }

    @Test
    fun crashWithTheServerUpIsDeliveredBeforeTheProcessEnds(@TempDir storage: File) {
        val before = total("crash-test")
        val crashed = child("crash-bare", bloop.endpoint, storage)
        assertEquals(1, crashed.exit, crashed.stderr)
        assertTrue(
            crashed.stderr.contains("Exception in thread \"main\" java.lang.IllegalStateException: order service crashed after 17 items"),
            "printed as the JVM prints it: ${crashed.stderr}",
        )
        assertEquals(emptyList<String>(), storage.list()!!.toList(), "delivered at once, so no file is left")
        bloop.awaitErrors("the crash counted", "&environment=crash-test") { total("crash-test") == before + 1 }
    }

    @Test
    fun aNormalExitSendsWhatIsQueuedFromTheShutdownHook(@TempDir storage: File) {
        val exited = child("exit", bloop.endpoint, storage)
        assertEquals(0, exited.exit, exited.stderr)
        assertTrue(exited.stdout.contains("EXIT RETURNING"))
        val issue = bloop.awaitErrors("the event sent at exit", "&environment=crash-test") { list ->
            list.any { it["error_type"] == "ExitError" }
        }.single { it["error_type"] == "ExitError" }
        assertEquals("sent by the shutdown hook", issue["message"])
    }

    private fun total(environment: String): Long =
        bloop.errors("&environment=$environment").sumOf { (it["total_count"] as Number).toLong() }

    private class Run(val exit: Int, val stdout: String, val stderr: String)

    @Test
    fun theRunnableExampleReportsToTheServer() {
        val run = java(listOf("example.jvm.ExampleKt"), mapOf("BLOOP_ENDPOINT" to bloop.endpoint, "BLOOP_SECRET" to bloop.secret))
        assertEquals(0, run.exit, run.stderr)
        assertTrue(run.stdout.contains("bloop: events sent"), run.stdout)
        val issues = bloop.awaitErrors("the example's two events", "&environment=dev") { it.size == 2 }
        assertEquals(
            setOf("java.lang.IllegalStateException", "InventoryMismatch"),
            issues.map { it["error_type"] }.toSet(),
        )
    }

    private fun child(mode: String, endpoint: String, storage: File): Run =
        java(listOf("dev.bloop.kotlin.e2e.CrashAppKt", mode, endpoint, bloop.secret, storage.path))

    /** A child JVM on the test class path. */
    private fun java(mainAndArgs: List<String>, env: Map<String, String> = emptyMap()): Run {
        val java = File(System.getProperty("java.home"), "bin/java").path
        val out = File.createTempFile("child-jvm", ".out")
        val err = File.createTempFile("child-jvm", ".err")
        try {
            val builder = ProcessBuilder(listOf(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", testClassPath()) + mainAndArgs)
                .redirectOutput(out).redirectError(err)
            builder.environment().putAll(env)
            val process = builder.start()
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the child JVM ($mainAndArgs) did not end")
            return Run(process.exitValue(), out.readText(), err.readText())
        } finally {
            out.delete()
            err.delete()
        }
    }

    companion object {
        /** The test class path (Surefire may hide it behind a manifest-only jar). */
        fun testClassPath(): String = System.getProperty("surefire.test.class.path")?.takeIf { it.isNotBlank() }
            ?: System.getProperty("java.class.path")
    }
}
