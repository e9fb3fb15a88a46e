package dev.bloop.kotlin

/**
 * The application-wide client, for apps that want one without passing it around (as Sentry's
 * `Sentry.init`): `Bloop.init { ... }` once at start, then `Bloop.captureException(e)` anywhere.
 * Before [init] (and after [close]) the capture calls do nothing.
 */
public object Bloop {
    @Volatile
    private var current: BloopClient? = null

    /** The client set by [init], or null. */
    @JvmStatic
    public val client: BloopClient?
        get() = current

    /**
     * Makes the application-wide client. A previous one is closed first, so that its uncaught-exception
     * handler is removed before the new one is installed.
     */
    @JvmStatic
    public fun init(options: BloopOptions): BloopClient = synchronized(this) {
        current?.let { previous ->
            current = null
            previous.close(previous.shutdownTimeoutMillis)
        }
        BloopClient(options).also { current = it }
    }

    public fun init(configure: BloopOptions.() -> Unit): BloopClient = init(BloopOptions().apply(configure))

    @JvmStatic
    @JvmOverloads
    public fun captureException(
        throwable: Throwable,
        routeOrProcedure: String? = null,
        screen: String? = null,
        httpStatus: Int? = null,
        requestId: String? = null,
        userIdHash: String? = null,
        fingerprint: String? = null,
        metadata: Map<String, Any?>? = null,
    ) {
        current?.captureException(throwable, routeOrProcedure, screen, httpStatus, requestId, userIdHash, fingerprint, metadata)
    }

    @JvmStatic
    @JvmOverloads
    public fun captureMessage(
        errorType: String,
        message: String,
        routeOrProcedure: String? = null,
        screen: String? = null,
        httpStatus: Int? = null,
        requestId: String? = null,
        userIdHash: String? = null,
        fingerprint: String? = null,
        metadata: Map<String, Any?>? = null,
    ) {
        current?.captureMessage(errorType, message, routeOrProcedure, screen, httpStatus, requestId, userIdHash, fingerprint, metadata)
    }

    @JvmStatic
    public fun captureMessage(message: String) {
        current?.captureMessage(message)
    }

    @JvmStatic
    public fun capture(event: BloopEvent) {
        current?.capture(event)
    }

    /** See [BloopClient.flush]; true when there is no client. */
    @JvmStatic
    public fun flush(timeoutMillis: Long): Boolean = current?.flush(timeoutMillis) ?: true

    @JvmStatic
    public fun flush(): Boolean = current?.flush() ?: true

    /** Closes the application-wide client (see [BloopClient.close]) and forgets it. */
    @JvmStatic
    public fun close(timeoutMillis: Long): Boolean = take()?.close(timeoutMillis) ?: true

    @JvmStatic
    public fun close(): Boolean = take()?.let { it.close(it.shutdownTimeoutMillis) } ?: true

    public suspend fun awaitFlush(): Boolean = current?.awaitFlush() ?: true

    public suspend fun awaitFlush(timeoutMillis: Long): Boolean = current?.awaitFlush(timeoutMillis) ?: true

    public suspend fun awaitClose(): Boolean = take()?.awaitClose() ?: true

    public suspend fun awaitClose(timeoutMillis: Long): Boolean = take()?.awaitClose(timeoutMillis) ?: true

    private fun take(): BloopClient? = synchronized(this) {
        val c = current
        current = null
        c
    }
}
