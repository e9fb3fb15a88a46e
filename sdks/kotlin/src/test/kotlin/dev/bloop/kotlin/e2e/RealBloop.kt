package dev.bloop.kotlin.e2e

import dev.bloop.kotlin.internal.Json
import java.io.File
import java.net.HttpURLConnection
import java.net.InetAddress
import java.net.ServerSocket
import java.net.URL
import java.nio.file.Files
import java.util.concurrent.TimeUnit

/**
 * A real bloop server started from the built jar (BLOOP_JAR, or the bloop.jar system property set by
 * the POM: <repo>/bloop-service/target/bloop-service.jar), on free loopback ports with a temp database.
 * Events go to project `default`, signed with [secret]; [errors] queries with an errors:read token.
 */
class RealBloop : AutoCloseable {
    val secret = "kotlin-e2e-secret-0123456789"
    val dir: File = Files.createTempDirectory("bloop-kotlin-e2e").toFile()
    val port = freePort()
    private val adminPort = freePort()
    private val log = File(dir, "server.log")
    private val jar: File = File(
        System.getenv("BLOOP_JAR")?.takeIf { it.isNotBlank() }
            ?: System.getProperty("bloop.jar")
            ?: "../../bloop-service/target/bloop-service.jar"
    )
    private val config: File = File(System.getProperty("bloop.config") ?: "../../config.yml")
    private val token: String
    private var process: Process? = null

    val endpoint: String get() = "http://127.0.0.1:$port"

    init {
        check(jar.isFile) {
            "the bloop server jar is missing at ${jar.absolutePath}: build it (mvn -B package -pl bloop-service -am) or set BLOOP_JAR"
        }
        check(config.isFile) { "config.yml not found at ${config.absolutePath}" }
        val create = command("create-token", config.path, "--name", "kotlin-e2e", "--project", "default", "--scopes", "errors:read")
            .redirectError(ProcessBuilder.Redirect.appendTo(log)).start()
        val out = create.inputStream.bufferedReader().readText().trim()
        check(create.waitFor(60, TimeUnit.SECONDS) && create.exitValue() == 0) { "create-token failed: ${log.readText()}" }
        token = out.lines().last().trim()
        check(token.startsWith("bloop_tk_")) { "unexpected token output: $out" }
        process = command("-Xmx256m", "server", config.path)
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start()
        try {
            waitUntil("the server's /health", 180_000) { get("/health", auth = false).first == 200 }
        } catch (e: Throwable) {
            close()
            throw AssertionError("bloop did not start; its log:\n" + log.readText().takeLast(4_000), e)
        }
    }

    private fun command(vararg args: String): ProcessBuilder {
        val java = File(System.getProperty("java.home"), "bin/java").path
        val jvmArgs = args.takeWhile { it.startsWith("-X") }
        val rest = args.drop(jvmArgs.size)
        val pb = ProcessBuilder(listOf(java) + jvmArgs + listOf("-jar", jar.absolutePath) + rest)
        pb.environment().apply {
            put("BLOOP__SERVER__PORT", port.toString())
            put("BLOOP__SERVER__ADMIN_PORT", adminPort.toString())
            put("BLOOP__DATABASE__PATH", File(dir, "bloop.db").path)
            put("BLOOP__AUTH__HMAC_SECRET", secret)
        }
        return pb
    }

    /** GET [path] → (status, body). */
    fun get(path: String, auth: Boolean = true): Pair<Int, String> = try {
        val c = URL(endpoint + path).openConnection() as HttpURLConnection
        c.connectTimeout = 2_000
        c.readTimeout = 5_000
        if (auth) c.setRequestProperty("Authorization", "Bearer $token")
        val status = c.responseCode
        val body = (if (status >= 400) c.errorStream else c.inputStream)?.use { String(it.readBytes(), Charsets.UTF_8) } ?: ""
        status to body
    } catch (e: java.io.IOException) {
        -1 to e.toString()
    }

    /** The issues (`GET /v1/errors`). */
    @Suppress("UNCHECKED_CAST")
    fun errors(query: String = ""): List<Map<String, Any?>> {
        val (status, body) = get("/v1/errors?limit=200$query")
        check(status == 200) { "GET /v1/errors: $status $body" }
        return Json.parse(body) as List<Map<String, Any?>>
    }

    @Suppress("UNCHECKED_CAST")
    fun detail(fingerprint: String): Map<String, Any?> {
        val (status, body) = get("/v1/errors/$fingerprint")
        check(status == 200) { "GET /v1/errors/$fingerprint: $status $body" }
        return Json.parse(body) as Map<String, Any?>
    }

    /** Polls the issues until [condition] holds on them (or fails after [timeoutMillis]). */
    fun awaitErrors(what: String, query: String = "", timeoutMillis: Long = 15_000, condition: (List<Map<String, Any?>>) -> Boolean): List<Map<String, Any?>> {
        var last: List<Map<String, Any?>> = emptyList()
        waitUntil(what, timeoutMillis) {
            last = errors(query)
            condition(last)
        }
        return last
    }

    override fun close() {
        process?.let { p ->
            p.destroy()
            if (!p.waitFor(15, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS)
        }
        process = null
        dir.deleteRecursively()
    }

    companion object {
        fun freePort(): Int = ServerSocket(0, 1, InetAddress.getLoopbackAddress()).use { it.localPort }

        fun waitUntil(what: String, timeoutMillis: Long, condition: () -> Boolean) {
            val deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis)
            while (!condition()) {
                if (System.nanoTime() > deadline) throw AssertionError("timed out after $timeoutMillis ms waiting for $what")
                Thread.sleep(100)
            }
        }
    }
}
