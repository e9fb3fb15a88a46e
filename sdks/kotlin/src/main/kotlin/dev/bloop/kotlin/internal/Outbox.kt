package dev.bloop.kotlin.internal

import dev.bloop.kotlin.BloopLogLevel
import dev.bloop.kotlin.BloopLogger
import java.io.File
import java.io.FileOutputStream
import java.io.IOException
import java.util.concurrent.atomic.AtomicLong
import kotlin.random.Random

/**
 * Events kept on disk, one JSON file each (`event-<epoch ms>-<n>.json`): a crash event written before
 * the process dies, or events still unsent when the client closed. [load] returns them at the next
 * start; a file is deleted once its event was sent (or refused for good).
 */
internal class Outbox(private val dir: File, private val maxFiles: Int, private val logger: BloopLogger) {
    private val counter = AtomicLong()

    /** Tells this client's files from those of past runs (or of an earlier client of this process). */
    private val tag = java.lang.Long.toString(Random.nextLong() and 0xffffffffffL, 36)
    private val ownMarker = "-$tag-"

    /** Writes [bytes] to a new file (through a temp file and a rename); null when it could not. */
    fun persist(bytes: ByteArray): File? {
        return try {
            if (!dir.isDirectory && !dir.mkdirs() && !dir.isDirectory) {
                throw IOException("cannot create $dir")
            }
            val name = "event-" + System.currentTimeMillis().toString().padStart(13, '0') + "-" +
                tag + "-" + counter.incrementAndGet().toString().padStart(6, '0')
            val tmp = File(dir, "$name.tmp")
            FileOutputStream(tmp).use { out ->
                out.write(bytes)
                out.fd.sync()
            }
            val file = File(dir, "$name$SUFFIX")
            if (!tmp.renameTo(file)) {
                tmp.delete()
                throw IOException("cannot rename $tmp")
            }
            trim()
            file
        } catch (e: Exception) {
            logger.safeLog(BloopLogLevel.WARNING, "bloop: could not write an event to $dir: $e", null)
            null
        }
    }

    /**
     * The events past runs stored, oldest first; leftovers of their interrupted writes and unreadable
     * files are deleted. This client's own files are left alone: its crash handler may be writing one
     * right now (this runs on the sender thread, concurrently), and their events are already queued.
     */
    fun load(): List<Entry> {
        val files = dir.listFiles() ?: return emptyList()
        val entries = ArrayList<Entry>()
        for (file in files.sortedBy { it.name }) {
            val name = file.name
            if (!name.startsWith("event-") || name.contains(ownMarker)) continue
            if (name.endsWith(".tmp")) {
                file.delete()
                continue
            }
            if (!name.endsWith(SUFFIX)) continue
            try {
                val bytes = file.readBytes()
                if (bytes.isEmpty() || bytes[0] != '{'.code.toByte() || bytes[bytes.size - 1] != '}'.code.toByte() ||
                    bytes.size + Limits.ENVELOPE_BYTES > Limits.MAX_BODY_BYTES
                ) {
                    logger.safeLog(BloopLogLevel.WARNING, "bloop: deleting an unreadable stored event $file", null)
                    file.delete()
                    continue
                }
                entries.add(Entry(bytes, file))
            } catch (e: IOException) {
                logger.safeLog(BloopLogLevel.WARNING, "bloop: could not read $file: $e", null)
            }
        }
        // Beyond maxFiles, the oldest go (as in the queue).
        while (entries.size > maxFiles) {
            entries.removeAt(0).file?.delete()
        }
        return entries
    }

    fun delete(file: File) {
        if (!file.delete() && file.exists()) {
            logger.safeLog(BloopLogLevel.WARNING, "bloop: could not delete the sent event $file", null)
        }
    }

    private fun trim() {
        val files = dir.listFiles { f -> f.name.startsWith("event-") && f.name.endsWith(SUFFIX) } ?: return
        if (files.size <= maxFiles) return
        files.sortBy { it.name }
        for (i in 0 until files.size - maxFiles) files[i].delete()
    }

    companion object {
        const val SUFFIX = ".json"

    }
}
