package dev.bloop.service.pipeline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where acknowledged items go when the database cannot take them at shutdown (disk full, I/O
 * error), so that a stop never loses them: a file beside the database, read back and committed at
 * the next start. Its space is reserved (written with zeros) at start, because the moment it is
 * needed is typically the moment the disk is full: overwriting reserved blocks needs no new ones.
 *
 * <p>Format: a header line, one JSON line per item (its {@link Codec}), an {@code END <n>} line,
 * then whatever the reservation holds (zeros). A spill cut short keeps its complete lines.
 *
 * @param <T> what is journaled: accepted events, accepted traces
 */
public class Journal<T> {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final String HEADER = "BLOOP-SPILL 1\n";
    private static final int CHUNK = 1 << 20;

    /** One item as one line of JSON, and back. */
    public interface Codec<T> {
        String encode(T item);

        T decode(String line) throws IOException;
    }

    private final Path file;
    private final long reserveBytes;
    private final Codec<T> codec;

    public Journal(Path file, long reserveBytes, Codec<T> codec) {
        this.file = file;
        this.reserveBytes = reserveBytes;
        this.codec = codec;
    }

    public Path file() {
        return file;
    }

    /** Grows the file to the reserved size with real (zero) blocks; a failure only costs the guarantee. */
    void reserve() {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long size = ch.size();
            ByteBuffer zeros = ByteBuffer.allocate(CHUNK);
            while (size < reserveBytes) {
                zeros.clear().limit((int) Math.min(CHUNK, reserveBytes - size));
                size += ch.write(zeros, size);
            }
            ch.force(true);
        } catch (IOException e) {
            LOG.warn("Could not reserve {} bytes for the spill journal {} ({}): a stop on a full disk may then "
                    + "fail to keep queued items", reserveBytes, file, e.getMessage());
        }
    }

    /** The items of the last spill, in order; empty when there are none. */
    List<T> load() {
        List<T> events = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return events;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            byte[] head = new byte[HEADER.length()];
            if (ch.read(ByteBuffer.wrap(head), 0) < head.length
                    || !HEADER.equals(new String(head, StandardCharsets.US_ASCII))) {
                return events;
            }
            try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(
                    java.nio.channels.Channels.newInputStream(ch.position(head.length)), StandardCharsets.UTF_8))) {
                int bad = 0;
                for (String line; (line = reader.readLine()) != null; ) {
                    if (line.startsWith("END ") || line.isEmpty() || line.charAt(0) == 0) {
                        break;
                    }
                    try {
                        events.add(codec.decode(line));
                    } catch (IOException e) {
                        bad++; // the torn last line of a spill that was cut short
                    }
                }
                if (bad > 0) {
                    LOG.error("Spill journal {}: {} lines could not be read back; those items are lost", file, bad);
                }
            }
        } catch (IOException e) {
            LOG.error("Cannot read the spill journal {}: {}", file, e.getMessage());
        }
        return events;
    }

    /**
     * Writes the items and forces them to disk.
     *
     * @return how many were written whole (all of them unless the disk refused even the reservation)
     */
    int spill(List<T> events) {
        int written = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long pos = 0;
            pos += writeFully(ch, HEADER.getBytes(StandardCharsets.US_ASCII), pos);
            try {
                for (T e : events) {
                    pos += writeFully(ch, (codec.encode(e) + "\n").getBytes(StandardCharsets.UTF_8), pos);
                    written++;
                }
                writeFully(ch, ("END " + written + "\n").getBytes(StandardCharsets.US_ASCII), pos);
            } finally {
                ch.force(true);
            }
        } catch (IOException e) {
            LOG.error("Spill journal {} refused writes after {} of {} items: {}", file, written, events.size(),
                    e.getMessage());
        }
        return written;
    }

    /** Marks the journal empty (its reservation stays). */
    void clear() {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            writeFully(ch, new byte[HEADER.length()], 0);
            ch.force(true);
        } catch (IOException e) {
            LOG.error("Cannot clear the spill journal {}: {}; its items may be committed twice at the next start",
                    file, e.getMessage());
        }
    }

    private static int writeFully(FileChannel ch, byte[] bytes, long pos) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            pos += ch.write(buf, pos);
        }
        return bytes.length;
    }
}
