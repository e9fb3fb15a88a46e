package dev.bloop.kotlin.internal

/** UTF-8 sizes and cuts, as the server counts them (bytes, never characters). */
internal object Utf8 {
    /** The UTF-8 length of [s] without encoding it; a lone surrogate counts 3 bytes (an upper bound). */
    fun length(s: CharSequence): Int {
        var n = 0
        var i = 0
        val len = s.length
        while (i < len) {
            val c = s[i].code
            n += when {
                c < 0x80 -> 1
                c < 0x800 -> 2
                Character.isHighSurrogate(s[i]) && i + 1 < len && Character.isLowSurrogate(s[i + 1]) -> {
                    i++
                    4
                }
                else -> 3
            }
            i++
        }
        return n
    }

    /** The longest prefix of [s] of at most [maxBytes] UTF-8 bytes that does not split a character. */
    fun truncate(s: String, maxBytes: Int): String {
        // Cheap bound first: a UTF-16 unit never takes more than 3 bytes.
        if (s.length * 3 <= maxBytes || length(s) <= maxBytes) {
            return s
        }
        var bytes = 0
        var i = 0
        val len = s.length
        while (i < len) {
            val c = s[i]
            val pair = Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s[i + 1])
            val size = when {
                c.code < 0x80 -> 1
                c.code < 0x800 -> 2
                pair -> 4
                else -> 3
            }
            if (bytes + size > maxBytes) {
                break
            }
            bytes += size
            i += if (pair) 2 else 1
        }
        return s.substring(0, i)
    }
}
