package dev.bloop.kotlin.e2e

import dev.bloop.kotlin.Bloop
import java.io.File

/**
 * The child JVM of the crash tests: `CrashApp <mode> <endpoint> <secret> <storageDir>`.
 * - `crash`: a previous handler is installed (it prints a marker), then Bloop, then `main` throws.
 * - `crash-bare`: no previous handler (the JVM's own printing), then `main` throws.
 * - `start`: Bloop starts (sending what a past crash left on disk) and closes.
 * - `exit`: captures an event and returns from main without close(): the shutdown hook sends it.
 */
fun main(args: Array<String>) {
    val (mode, endpoint, secret, storage) = args
    if (mode == "crash") {
        Thread.setDefaultUncaughtExceptionHandler { thread, e ->
            System.err.println("PREVIOUS HANDLER: ${thread.name} ${e.javaClass.name}: ${e.message}")
        }
    }
    Bloop.init {
        this.endpoint = endpoint
        this.secret = secret
        environment = "crash-test"
        release = "3.0.0"
        source = "jvm"
        storageDir = File(storage)
        shutdownTimeoutMillis = 1_500
        requestTimeoutMillis = 3_000
    }
    when (mode) {
        "crash", "crash-bare" -> placeOrder(17)
        "start" -> {
            val sent = Bloop.close(10_000)
            println("START CLOSED sent=$sent")
        }
        "exit" -> {
            Bloop.captureMessage("ExitError", "sent by the shutdown hook")
            println("EXIT RETURNING")
        }
        else -> throw IllegalArgumentException(mode)
    }
}

private fun placeOrder(items: Int) {
    throw IllegalStateException("order service crashed after $items items")
}
