// A runnable example (compiled with the tests, so it keeps compiling):
//   BLOOP_ENDPOINT=http://127.0.0.1:5332 BLOOP_SECRET=change-me-in-production \
//   mvn -f sdks/kotlin/pom.xml -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=example.jvm.ExampleKt
package example.jvm

import dev.bloop.kotlin.Bloop
import dev.bloop.kotlin.BloopClient

class OrderService(private val bloop: BloopClient) {
    fun checkout(orderId: Int) {
        try {
            charge(orderId)
        } catch (e: IllegalStateException) {
            // Handled errors: captured with context, the app goes on.
            bloop.captureException(e, routeOrProcedure = "/checkout", httpStatus = 502, metadata = mapOf("order" to orderId))
        }
    }

    private fun charge(orderId: Int): Nothing = throw IllegalStateException("payment provider timed out for order $orderId")
}

fun main() {
    // One client for the whole app. Uncaught exceptions of every thread are reported too (autoCapture),
    // and what is queued is sent when the JVM exits (shutdownHook).
    val bloop = Bloop.init {
        endpoint = System.getenv("BLOOP_ENDPOINT") ?: "http://127.0.0.1:5332"
        secret = System.getenv("BLOOP_SECRET") ?: "change-me-in-production"
        environment = "dev"
        release = "1.0.0"
        beforeSend { event -> event.copy(userIdHash = null) } // scrub what must not leave the app
    }
    OrderService(bloop).checkout(42)
    Bloop.captureMessage("InventoryMismatch", "stock below zero for SKU 1234", metadata = mapOf("sku" to 1234))

    val sent = Bloop.close(5_000)
    println(if (sent) "bloop: events sent" else "bloop: the server did not take every event (see the log)")
}
