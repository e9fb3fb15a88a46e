package dev.bloop.kotlin.internal

import dev.bloop.kotlin.BloopEvent

/**
 * An event's wire JSON, capped: the server's field names, nulls and empty optional fields left out
 * (the server refuses unknown fields and nulls help nobody), message/stack/metadata cut to the
 * server's byte caps.
 */
internal object EventEncoder {
    /** [event] must be complete (timestamp, source, environment and release filled in). */
    fun encode(event: BloopEvent): ByteArray = toJson(event).toByteArray(Charsets.UTF_8)

    fun toJson(e: BloopEvent): String {
        val out = StringBuilder(256 + (e.stack?.length ?: 0))
        out.append('{')
        out.append("\"timestamp\":").append(e.timestamp ?: System.currentTimeMillis())
        field(out, "source", e.source)
        field(out, "environment", short(e.environment))
        field(out, "release", short(e.release))
        field(out, "error_type", short(e.errorType.ifBlank { "Error" }))
        field(out, "message", Utf8.truncate(e.message.ifBlank { "(no message)" }, Limits.MAX_MESSAGE_BYTES))
        field(out, "app_version", short(e.appVersion))
        field(out, "build_number", short(e.buildNumber))
        field(out, "route_or_procedure", short(e.routeOrProcedure))
        field(out, "screen", short(e.screen))
        field(out, "stack", e.stack?.let { Utf8.truncate(it, Limits.MAX_STACK_BYTES) })
        val status = e.httpStatus
        if (status != null && status in 100..599) {
            out.append(",\"http_status\":").append(status)
        }
        field(out, "request_id", short(e.requestId))
        field(out, "user_id_hash", short(e.userIdHash))
        field(out, "device_id_hash", short(e.deviceIdHash))
        field(out, "fingerprint", e.fingerprint?.let(::fingerprint))
        val metadata = e.metadata
        if (metadata != null) {
            out.append(",\"metadata\":").append(metadata(metadata))
        }
        out.append('}')
        return out.toString()
    }

    /** Compact JSON of [metadata]; over the 4 KB cap it becomes `{"bloop_metadata_dropped": "..."}`. */
    fun metadata(metadata: Map<String, Any?>): String {
        val json = try {
            Json.write(metadata)
        } catch (e: RuntimeException) {
            return Json.write(mapOf("bloop_metadata_dropped" to "not serializable: $e"))
        }
        val size = Utf8.length(json)
        return if (size <= Limits.MAX_METADATA_BYTES) {
            json
        } else {
            Json.write(
                mapOf("bloop_metadata_dropped" to "$size bytes is over the ${Limits.MAX_METADATA_BYTES}-byte cap")
            )
        }
    }

    private fun fingerprint(f: String): String? {
        if (f.isBlank()) return null
        if (f.length <= Limits.MAX_FINGERPRINT_CHARS) return f
        var end = Limits.MAX_FINGERPRINT_CHARS
        if (Character.isHighSurrogate(f[end - 1])) end--
        return f.substring(0, end)
    }

    private fun short(s: String?): String? = s?.let { Utf8.truncate(it, Limits.MAX_SHORT_FIELD_BYTES) }

    private fun field(out: StringBuilder, name: String, value: String?) {
        if (value.isNullOrEmpty()) return
        out.append(",\"").append(name).append("\":")
        Json.quote(out, value)
    }
}
