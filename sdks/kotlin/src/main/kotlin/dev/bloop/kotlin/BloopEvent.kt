package dev.bloop.kotlin

/**
 * One error event as bloop receives it. Only [errorType] and [message] are needed: the client fills
 * [timestamp], [source], [environment], [release], [appVersion], [buildNumber] and [screen] from its
 * options when they are null. Fields are capped before sending (message 2 KB, stack 8 KB, metadata
 * 4 KB, in UTF-8 bytes), so the server never refuses an event for its size.
 */
public data class BloopEvent @JvmOverloads constructor(
    val errorType: String,
    val message: String,
    val timestamp: Long? = null,
    val source: String? = null,
    val environment: String? = null,
    val release: String? = null,
    val appVersion: String? = null,
    val buildNumber: String? = null,
    val routeOrProcedure: String? = null,
    val screen: String? = null,
    /** The stack in the platform's text form, frames first (see [BloopClient.captureException]). */
    val stack: String? = null,
    /** 100..599; other values are left out. */
    val httpStatus: Int? = null,
    val requestId: String? = null,
    val userIdHash: String? = null,
    val deviceIdHash: String? = null,
    /** Replaces bloop's own grouping: events with the same fingerprint are one issue (≤ 256 chars). */
    val fingerprint: String? = null,
    /** A JSON object: values may be strings, numbers, booleans, null, maps, lists or arrays. */
    val metadata: Map<String, Any?>? = null,
)
