package dev.bloop.kotlin

import dev.bloop.kotlin.internal.Json
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Test

class JsonTest {
    @Test
    fun escapesOnlyWhatJsonRequires() {
        assertEquals("\"a\\\"b\\\\c\\n\\t\\r\\b\\f\\u0001é😀/\"", Json.write("a\"b\\c\n\t\r\b\u000c\u0001é😀/"))
    }

    @Test
    fun writesMetadataValues() {
        val value = linkedMapOf(
            "s" to "x", "i" to 3, "l" to 4L, "d" to 1.5, "nan" to Double.NaN, "b" to true, "n" to null,
            "list" to listOf(1, "two"), "array" to arrayOf("a"), "ints" to intArrayOf(1, 2), "nested" to mapOf("k" to 'c'),
        )
        assertEquals(
            """{"s":"x","i":3,"l":4,"d":1.5,"nan":null,"b":true,"n":null,"list":[1,"two"],"array":["a"],"ints":[1,2],"nested":{"k":"c"}}""",
            Json.write(value),
        )
    }

    @Test
    fun readsWhatItWrites() {
        val text = """{"a":[1,-2.5e3,"\u00e9\n",true,false,null,{}],"b":{"c":[]}}"""
        val parsed = Json.parse(text)
        assertEquals(mapOf("a" to listOf(1L, -2500.0, "é\n", true, false, null, emptyMap<String, Any?>()), "b" to mapOf("c" to emptyList<Any?>())), parsed)
        assertEquals("""{"a":[1,-2500.0,"é\n",true,false,null,{}],"b":{"c":[]}}""", Json.write(parsed))
    }

    @Test
    fun refusesBrokenJson() {
        for (bad in listOf("{", "[1,]", "{\"a\" 1}", "\"unterminated", "tru", "{} x")) {
            assertThrows(IllegalArgumentException::class.java, { Json.parse(bad) }, bad)
        }
    }
}
