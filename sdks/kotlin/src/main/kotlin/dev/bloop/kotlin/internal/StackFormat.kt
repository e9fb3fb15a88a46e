package dev.bloop.kotlin.internal

import java.util.Collections
import java.util.IdentityHashMap

/**
 * A throwable's stack in the JVM's own text form, the shape bloop groups by (as bloop-client-java sends
 * it): frame lines `"\tat Type.method(File.kt:12)"` first (no header line, whose message varies), then
 * each cause as `"Caused by: Type: message"` followed by its own frames, frames shared with the
 * enclosing trace folded into `"\t... N more"`. Cut at the byte cap on a line boundary.
 */
internal object StackFormat {
    private const val MAX_CAUSES = 10
    private const val MAX_FRAMES = 32

    fun format(t: Throwable, maxBytes: Int): String {
        val out = StringBuilder()
        var bytes = 0
        fun append(line: String): Boolean {
            val size = Utf8.length(line)
            if (bytes + size > maxBytes) return false
            out.append(line)
            bytes += size
            return true
        }

        val seen = Collections.newSetFromMap(IdentityHashMap<Throwable, Boolean>())
        var enclosing = emptyArray<StackTraceElement>()
        var current: Throwable? = t
        var depth = 0
        while (current != null && depth <= MAX_CAUSES && seen.add(current)) {
            if (depth > 0) {
                val message = current.message
                if (!append("Caused by: " + current.javaClass.name + (if (message == null) "" else ": $message") + "\n")) {
                    break
                }
            }
            val frames = current.stackTrace ?: emptyArray()
            var common = 0
            while (common < frames.size && common < enclosing.size &&
                frames[frames.size - 1 - common] == enclosing[enclosing.size - 1 - common]
            ) {
                common++
            }
            val shown = minOf(frames.size - common, MAX_FRAMES)
            for (i in 0 until shown) {
                if (!append("\tat " + frames[i] + "\n")) return out.toString()
            }
            val omitted = frames.size - shown
            if (omitted > 0 && !append("\t... $omitted more\n")) return out.toString()
            enclosing = frames
            current = current.cause
            depth++
        }
        return out.toString()
    }
}
