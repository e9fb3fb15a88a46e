package dev.bloop.kotlin

import dev.bloop.kotlin.internal.Outbox
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.io.File

class OutboxTest {
    private fun event(message: String) = """{"timestamp":1,"message":"$message"}""".toByteArray()

    @Test
    fun loadsPastRunsFilesOldestFirstAndCleansUp(@TempDir dir: File) {
        val past = Outbox(dir, 100, BloopLogger.NONE)
        val first = past.persist(event("first"))!!
        Thread.sleep(2)
        past.persist(event("second"))
        File(dir, "event-0000000000001-other-000001.tmp").writeText("{half") // a write a crash interrupted
        File(dir, "event-0000000000002-other-000001.json").writeText("not json") // unreadable
        File(dir, "unrelated.txt").writeText("kept")

        val next = Outbox(dir, 100, BloopLogger.NONE)
        val loaded = next.load()
        assertEquals(listOf("first", "second"), loaded.map { String(it.bytes).substringAfter("\"message\":\"").substringBefore('"') })
        assertEquals(first, loaded[0].file)
        assertEquals(setOf(loaded[0].file!!.name, loaded[1].file!!.name, "unrelated.txt"), dir.list()!!.toSet())
    }

    /** The sender loads while this client's crash handler may be writing: its own files are not touched. */
    @Test
    fun leavesThisClientsOwnFilesAlone(@TempDir dir: File) {
        val outbox = Outbox(dir, 100, BloopLogger.NONE)
        val own = outbox.persist(event("crash"))
        assertNotNull(own)
        val ownTmp = File(dir, own!!.name.replace(".json", "-x.tmp"))
        ownTmp.writeText("{being written")
        assertTrue(outbox.load().isEmpty(), "already queued by this client")
        assertTrue(own.exists() && ownTmp.exists(), "nothing of ours deleted")
    }

    @Test
    fun keepsAtMostMaxFilesDroppingTheOldest(@TempDir dir: File) {
        val outbox = Outbox(dir, 3, BloopLogger.NONE)
        val files = (1..5).map { outbox.persist(event("e$it"))!!.also { Thread.sleep(2) } }
        assertFalse(files[0].exists() || files[1].exists())
        assertTrue(files.drop(2).all { it.exists() })
    }
}
