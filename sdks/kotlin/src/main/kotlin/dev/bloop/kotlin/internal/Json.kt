package dev.bloop.kotlin.internal

/**
 * Compact JSON, written the way the shared conformance vectors are (Python's
 * `json.dumps(separators=(",", ":"), ensure_ascii=False)`): only `"`, `\` and control characters are
 * escaped, so a body's bytes (and so its signature) are the same in every bloop SDK. The reader is
 * small and strict enough for what the SDK reads back: server answers and its own files.
 */
internal object Json {
    private const val MAX_DEPTH = 32
    private val HEX = "0123456789abcdef".toCharArray()

    fun write(value: Any?): String = StringBuilder().also { write(it, value, 0) }.toString()

    fun write(out: StringBuilder, value: Any?, depth: Int = 0) {
        if (depth > MAX_DEPTH) {
            quote(out, "(nested too deep)")
            return
        }
        when (value) {
            null -> out.append("null")
            is String -> quote(out, value)
            is Boolean -> out.append(if (value) "true" else "false")
            is Int, is Long, is Short, is Byte -> out.append(value.toString())
            is Double -> number(out, value)
            is Float -> number(out, value.toDouble())
            is Number -> {
                val text = value.toString()
                if (isJsonNumber(text)) out.append(text) else quote(out, text)
            }
            is Char -> quote(out, value.toString())
            is Map<*, *> -> {
                out.append('{')
                var first = true
                for ((k, v) in value) {
                    if (!first) out.append(',')
                    first = false
                    quote(out, k.toString())
                    out.append(':')
                    write(out, v, depth + 1)
                }
                out.append('}')
            }
            is Iterable<*> -> array(out, value.iterator(), depth)
            is Array<*> -> array(out, value.iterator(), depth)
            is IntArray -> array(out, value.iterator(), depth)
            is LongArray -> array(out, value.iterator(), depth)
            is DoubleArray -> array(out, value.iterator(), depth)
            is BooleanArray -> array(out, value.iterator(), depth)
            else -> quote(out, value.toString())
        }
    }

    private fun array(out: StringBuilder, items: Iterator<*>, depth: Int) {
        out.append('[')
        var first = true
        for (item in items) {
            if (!first) out.append(',')
            first = false
            write(out, item, depth + 1)
        }
        out.append(']')
    }

    private fun number(out: StringBuilder, d: Double) {
        if (d.isNaN() || d.isInfinite()) out.append("null") else out.append(d.toString())
    }

    private fun isJsonNumber(s: String): Boolean =
        s.isNotEmpty() && s.all { it.isDigit() || it == '-' || it == '+' || it == '.' || it == 'e' || it == 'E' } &&
            (s[0].isDigit() || (s[0] == '-' && s.length > 1 && s[1].isDigit()))

    fun quote(out: StringBuilder, s: String) {
        out.append('"')
        for (c in s) {
            when {
                c == '"' -> out.append("\\\"")
                c == '\\' -> out.append("\\\\")
                c == '\n' -> out.append("\\n")
                c == '\r' -> out.append("\\r")
                c == '\t' -> out.append("\\t")
                c == '\b' -> out.append("\\b")
                c == '\u000c' -> out.append("\\f")
                c.code < 0x20 -> out.append("\\u00").append(HEX[c.code shr 4]).append(HEX[c.code and 0xf])
                else -> out.append(c)
            }
        }
        out.append('"')
    }

    /** Objects become [LinkedHashMap] (key order kept), arrays [List], numbers [Long] or [Double]. */
    fun parse(text: String): Any? {
        val p = Parser(text)
        p.space()
        val value = p.value(0)
        p.space()
        if (p.i != text.length) throw IllegalArgumentException("trailing characters at ${p.i}")
        return value
    }

    private class Parser(val s: String) {
        var i = 0

        fun space() {
            while (i < s.length && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) i++
        }

        fun value(depth: Int): Any? {
            if (depth > 512) throw IllegalArgumentException("nested too deep")
            if (i >= s.length) throw IllegalArgumentException("unexpected end")
            return when (val c = s[i]) {
                '{' -> obj(depth)
                '[' -> arr(depth)
                '"' -> str()
                't' -> literal("true", true)
                'f' -> literal("false", false)
                'n' -> literal("null", null)
                else -> if (c == '-' || c.isDigit()) num() else throw IllegalArgumentException("unexpected '$c' at $i")
            }
        }

        private fun literal(word: String, v: Any?): Any? {
            if (!s.startsWith(word, i)) throw IllegalArgumentException("bad literal at $i")
            i += word.length
            return v
        }

        private fun obj(depth: Int): Map<String, Any?> {
            val m = LinkedHashMap<String, Any?>()
            i++
            space()
            if (i < s.length && s[i] == '}') {
                i++
                return m
            }
            while (true) {
                space()
                if (i >= s.length || s[i] != '"') throw IllegalArgumentException("expected a key at $i")
                val k = str()
                space()
                expect(':')
                space()
                m[k] = value(depth + 1)
                space()
                if (i < s.length && s[i] == ',') {
                    i++
                    continue
                }
                expect('}')
                return m
            }
        }

        private fun arr(depth: Int): List<Any?> {
            val l = ArrayList<Any?>()
            i++
            space()
            if (i < s.length && s[i] == ']') {
                i++
                return l
            }
            while (true) {
                space()
                l.add(value(depth + 1))
                space()
                if (i < s.length && s[i] == ',') {
                    i++
                    continue
                }
                expect(']')
                return l
            }
        }

        private fun expect(c: Char) {
            if (i >= s.length || s[i] != c) throw IllegalArgumentException("expected '$c' at $i")
            i++
        }

        private fun str(): String {
            i++
            val out = StringBuilder()
            while (true) {
                if (i >= s.length) throw IllegalArgumentException("unterminated string")
                val c = s[i++]
                when {
                    c == '"' -> return out.toString()
                    c == '\\' -> {
                        if (i >= s.length) throw IllegalArgumentException("bad escape")
                        when (val e = s[i++]) {
                            '"', '\\', '/' -> out.append(e)
                            'n' -> out.append('\n')
                            'r' -> out.append('\r')
                            't' -> out.append('\t')
                            'b' -> out.append('\b')
                            'f' -> out.append('\u000c')
                            'u' -> {
                                if (i + 4 > s.length) throw IllegalArgumentException("bad \\u escape")
                                out.append(s.substring(i, i + 4).toInt(16).toChar())
                                i += 4
                            }
                            else -> throw IllegalArgumentException("bad escape \\$e")
                        }
                    }
                    c.code < 0x20 -> throw IllegalArgumentException("control character in a string")
                    else -> out.append(c)
                }
            }
        }

        private fun num(): Number {
            val start = i
            if (s[i] == '-') i++
            while (i < s.length && s[i].isDigit()) i++
            var fraction = false
            if (i < s.length && s[i] == '.') {
                fraction = true
                i++
                while (i < s.length && s[i].isDigit()) i++
            }
            if (i < s.length && (s[i] == 'e' || s[i] == 'E')) {
                fraction = true
                i++
                if (i < s.length && (s[i] == '+' || s[i] == '-')) i++
                while (i < s.length && s[i].isDigit()) i++
            }
            val text = s.substring(start, i)
            if (!fraction) {
                text.toLongOrNull()?.let { return it }
            }
            return text.toDoubleOrNull() ?: throw IllegalArgumentException("bad number '$text'")
        }
    }
}
