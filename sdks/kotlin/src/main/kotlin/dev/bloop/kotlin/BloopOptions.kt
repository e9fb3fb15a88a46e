package dev.bloop.kotlin

import java.io.File

/**
 * How a [BloopClient] reports. Set it with named arguments (`BloopOptions(endpoint = ..., ...)`) or in
 * the DSL (`Bloop.init { endpoint = ...; secret = ... }`). [endpoint], [secret], [environment] and
 * [release] are required.
 */
public class BloopOptions @JvmOverloads constructor(
    /** The server's base URL, e.g. `https://bloop.example.com` (a path prefix is kept). */
    public var endpoint: String = "",
    /** The HMAC key: the project's ingest secret, or the server's `auth.hmac_secret` for the default project. */
    public var secret: String = "",
    /** The project's public ingest key (`X-Project-Key`); null for the default project. */
    public var projectKey: String? = null,
    public var environment: String = "",
    public var release: String = "",
    /** `[a-z0-9_-]{1,32}`: `jvm` by default, `android` with [dev.bloop.kotlin.android.BloopAndroid]. */
    public var source: String = "jvm",
    public var appVersion: String? = null,
    public var buildNumber: String? = null,
    /** How long a partial batch may wait before it is sent. */
    public var flushIntervalMillis: Long = 2_000,
    /** Events per request, 1 to 50 (the server's cap). */
    public var maxBatchSize: Int = 50,
    /** Events held while the server is slow or away; beyond it the oldest are dropped (and counted). */
    public var maxQueueSize: Int = 1_000,
    /** How long close(), the shutdown hook and a crash may wait for the queue to be sent. */
    public var shutdownTimeoutMillis: Long = 2_000,
    /** Connect and read timeout of one request. */
    public var requestTimeoutMillis: Long = 10_000,
    /** The longest wait between retries after network errors and 5xx. */
    public var maxBackoffMillis: Long = 300_000,
    /** Report uncaught exceptions of every thread (chained to the handler installed before). */
    public var autoCapture: Boolean = true,
    /** Send what is queued (bounded by [shutdownTimeoutMillis]) when the JVM exits. */
    public var shutdownHook: Boolean = true,
    /**
     * A private directory (e.g. `File(context.filesDir, "bloop")`): a crash event is written here before
     * the process dies, and so are events still unsent at close; they are sent at the next start.
     * Null: nothing is written to disk.
     */
    public var storageDir: File? = null,
    /** Sees every event before it is queued; return a changed copy, or null to drop it. */
    public var beforeSend: ((BloopEvent) -> BloopEvent?)? = null,
    public var logger: BloopLogger = BloopLogger.DEFAULT,
) {
    /** The first wait after a network error or 5xx (doubled up to [maxBackoffMillis]). Tests shorten it. */
    internal var minBackoffMillis: Long = 1_000

    /** The wait after a 429/503 without `Retry-After` (as Sentry's SDKs). */
    internal var defaultRetryAfterMillis: Long = 60_000

    /** DSL form of [beforeSend]. */
    public fun beforeSend(hook: (BloopEvent) -> BloopEvent?) {
        beforeSend = hook
    }

    internal fun copy(): BloopOptions = BloopOptions(
        endpoint, secret, projectKey, environment, release, source, appVersion, buildNumber,
        flushIntervalMillis, maxBatchSize, maxQueueSize, shutdownTimeoutMillis, requestTimeoutMillis,
        maxBackoffMillis, autoCapture, shutdownHook, storageDir, beforeSend, logger,
    ).also {
        it.minBackoffMillis = minBackoffMillis
        it.defaultRetryAfterMillis = defaultRetryAfterMillis
    }

    internal fun validate() {
        val scheme = endpoint.substringBefore("://", "").lowercase()
        require(scheme == "http" || scheme == "https") { "endpoint must be an http(s) URL, got '$endpoint'" }
        require(secret.isNotBlank()) { "secret is required" }
        require(environment.isNotBlank()) { "environment is required" }
        require(release.isNotBlank()) { "release is required" }
        require(isSourceToken(source)) { "source must match [a-z0-9_-]{1,32}, got '$source'" }
        require(maxBatchSize in 1..50) { "maxBatchSize must be between 1 and 50" }
        require(maxQueueSize >= 1) { "maxQueueSize must be at least 1" }
        require(
            flushIntervalMillis > 0 && shutdownTimeoutMillis > 0 && requestTimeoutMillis > 0 &&
                maxBackoffMillis > 0 && minBackoffMillis > 0
        ) { "timeouts and intervals must be positive" }
    }

    internal companion object {
        fun isSourceToken(s: String): Boolean =
            s.length in 1..32 && s.all { it in 'a'..'z' || it in '0'..'9' || it == '_' || it == '-' }
    }
}
