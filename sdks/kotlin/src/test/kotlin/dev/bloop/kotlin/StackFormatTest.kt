package dev.bloop.kotlin

import dev.bloop.kotlin.internal.StackFormat
import dev.bloop.kotlin.internal.Utf8
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.IOException

class StackFormatTest {
    private fun readConfig(): Nothing = throw IOException("disk gone")

    private fun loadSettings() {
        try {
            readConfig()
        } catch (e: IOException) {
            throw IllegalStateException("settings unavailable", e)
        }
    }

    @Test
    fun framesFirstThenCausesAsTheJvmPrintsThem() {
        val error = runCatching { loadSettings() }.exceptionOrNull()!!
        val stack = StackFormat.format(error, 8_192)
        val lines = stack.lines().filter { it.isNotEmpty() }
        // No header line (its message varies): the first line is the throwing frame.
        assertTrue(lines[0].startsWith("\tat dev.bloop.kotlin.StackFormatTest.loadSettings(StackFormatTest.kt:"), lines[0])
        val causeAt = lines.indexOfFirst { it.startsWith("Caused by:") }
        assertEquals("Caused by: java.io.IOException: disk gone", lines[causeAt])
        assertTrue(lines[causeAt + 1].startsWith("\tat dev.bloop.kotlin.StackFormatTest.readConfig(StackFormatTest.kt:"))
        assertTrue(lines.last().matches(Regex("\t\\.\\.\\. \\d+ more")), "frames shared with the enclosing trace are folded")
        // Each frame line is exactly what the JVM prints for that frame.
        assertEquals("\tat " + error.stackTrace[0], lines[0])
    }

    @Test
    fun cutOnALineBoundaryWithinTheCap() {
        val error = RuntimeException("deep")
        error.stackTrace = Array(500) { StackTraceElement("com.example.Deep", "level$it", "Deep.kt", it + 1) }
        val stack = StackFormat.format(error, 600)
        assertTrue(Utf8.length(stack) <= 600)
        assertTrue(stack.endsWith("\n"))
        stack.lines().filter { it.isNotEmpty() }.forEach { assertTrue(it.startsWith("\tat com.example.Deep.level"), it) }
        // Under a generous cap: 32 frames of a throwable, then the rest folded.
        val full = StackFormat.format(error, 8_192).lines().filter { it.isNotEmpty() }
        assertEquals(33, full.size)
        assertEquals("\t... 468 more", full.last())
    }

    @Test
    fun aCycleOfCausesEnds() {
        val a = RuntimeException("a")
        val b = RuntimeException("b", a)
        a.initCause(b)
        val stack = StackFormat.format(a, 8_192)
        assertEquals(1, Regex("Caused by").findAll(stack).count())
        assertFalse(stack.isEmpty())
    }
}
