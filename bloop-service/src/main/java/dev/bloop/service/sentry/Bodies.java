package dev.bloop.service.sentry;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * Request bodies as Sentry SDKs compress them: gzip, deflate (zlib-wrapped, or raw as some clients
 * send it) or none. Decompression is streamed and counted: past {@code maxBytes} of output the read
 * fails with {@link TooLarge}, so a decompression bomb costs a few milliseconds, never the heap.
 */
final class Bodies {
    enum Encoding { IDENTITY, GZIP, DEFLATE }

    /** The body, decompressed, is larger than allowed. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message, null);
        }
    }

    private Bodies() {
    }

    /**
     * The encoding of a {@code Content-Encoding} value, or null when it is not supported. Empty
     * (sentry-ruby 5) and {@code UTF-8} (sentry-java for Android 2) mean none.
     */
    static Encoding encoding(String header) {
        if (header == null) {
            return Encoding.IDENTITY;
        }
        String v = header.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "", "identity", "utf-8", "utf8" -> Encoding.IDENTITY;
            case "gzip", "x-gzip" -> Encoding.GZIP;
            case "deflate" -> Encoding.DEFLATE;
            default -> null;
        };
    }

    /**
     * Whether the body says it decompresses to at most {@code maxBytes}: a plain body does; gzip by the size
     * in its trailer (a false one still stops at the decompressed cap, and fails the size check); deflate
     * states no size, so it never does.
     */
    static boolean statesAtMost(byte[] body, int length, Encoding encoding, long maxBytes) {
        return switch (encoding) {
            case IDENTITY -> length <= maxBytes;
            case GZIP -> length >= 18 && Inflating.le32(body, length - 4) <= maxBytes;
            case DEFLATE -> false;
        };
    }

    /** Inflaters of the ingest workers, reused: one per thread and kind, reset before each body. */
    private static final ThreadLocal<Inflater> RAW = ThreadLocal.withInitial(() -> new Inflater(true));
    private static final ThreadLocal<Inflater> ZLIB = ThreadLocal.withInitial(() -> new Inflater(false));

    /** A stream of the decompressed body that fails past {@code maxBytes}. */
    static InputStream open(byte[] body, int length, Encoding encoding, long maxBytes) throws IOException {
        InputStream decoded = switch (encoding) {
            case IDENTITY -> new ByteArrayInputStream(body, 0, length);
            case GZIP -> gzip(body, length);
            case DEFLATE -> isZlib(body, length) ? new Inflating(body, 0, length, ZLIB.get(), false)
                    : new Inflating(body, 0, length, RAW.get(), false);
        };
        return new Capped(decoded, maxBytes);
    }

    /**
     * A gzip body, inflated straight from the buffer with this thread's inflater (GZIPInputStream
     * would allocate a native inflater per request). A body of several gzip members, which no SDK
     * sends, goes to GZIPInputStream.
     */
    private static InputStream gzip(byte[] b, int length) throws IOException {
        int at = gzipHeaderEnd(b, 0, length);
        if (at < 0) {
            throw new ZipException("not in gzip format");
        }
        return new Inflating(b, at, length, RAW.get(), true) {
            @Override
            InputStream nextMember(int offset) throws IOException {
                return new GZIPInputStream(new ByteArrayInputStream(b, offset, length - offset), 8192);
            }
        };
    }

    /** Where the deflate data of a gzip member starting at {@code from} begins, or -1 when it is no gzip header. */
    static int gzipHeaderEnd(byte[] b, int from, int length) {
        int i = from;
        if (length - i < 10 || (b[i] & 0xFF) != 0x1F || (b[i + 1] & 0xFF) != 0x8B || b[i + 2] != 8) {
            return -1;
        }
        int flags = b[i + 3] & 0xFF;
        i += 10;
        if ((flags & 4) != 0) {
            if (length - i < 2) {
                return -1;
            }
            i += 2 + ((b[i] & 0xFF) | ((b[i + 1] & 0xFF) << 8));
        }
        for (int flag : new int[] {8, 16}) {
            if ((flags & flag) != 0) {
                while (i < length && b[i] != 0) {
                    i++;
                }
                i++;
            }
        }
        if ((flags & 2) != 0) {
            i += 2;
        }
        return i <= length ? i : -1;
    }

    /** Inflates a body held in memory; for gzip, checks the member's CRC-32 and size at the end. */
    static class Inflating extends InputStream {
        private final byte[] body;
        private final int length;
        private final Inflater inflater;
        private final boolean gzip;
        private final CRC32 crc = new CRC32();
        private int offset;
        private boolean done;
        private InputStream next;

        Inflating(byte[] body, int offset, int length, Inflater inflater, boolean gzip) {
            this.body = body;
            this.offset = offset;
            this.length = length;
            this.inflater = inflater;
            this.gzip = gzip;
            inflater.reset();
            inflater.setInput(body, offset, length - offset);
        }

        /** What follows a gzip member (another member); none by default. */
        InputStream nextMember(int memberStart) throws IOException {
            throw new ZipException("trailing data after the gzip stream");
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (next != null) {
                return next.read(buf, off, len);
            }
            if (done || len == 0) {
                return done ? -1 : 0;
            }
            try {
                while (true) {
                    int n = inflater.inflate(buf, off, len);
                    if (n > 0) {
                        if (gzip) {
                            crc.update(buf, off, n);
                        }
                        return n;
                    }
                    if (inflater.finished()) {
                        return end(buf, off, len);
                    }
                    if (inflater.needsDictionary()) {
                        throw new ZipException("deflate stream needs a preset dictionary");
                    }
                    if (inflater.needsInput()) {
                        throw new java.io.EOFException("unexpected end of the compressed body");
                    }
                }
            } catch (java.util.zip.DataFormatException e) {
                throw new ZipException("invalid compressed data");
            }
        }

        private int end(byte[] buf, int off, int len) throws IOException {
            done = true;
            int trailer = length - inflater.getRemaining();
            if (!gzip) {
                return -1;
            }
            if (length - trailer < 8) {
                throw new java.io.EOFException("the gzip trailer is missing");
            }
            long expectedCrc = le32(body, trailer);
            long expectedSize = le32(body, trailer + 4);
            if (expectedCrc != crc.getValue() || expectedSize != (inflater.getBytesWritten() & 0xFFFFFFFFL)) {
                throw new ZipException("corrupt gzip data (CRC or size mismatch)");
            }
            int after = trailer + 8;
            if (after < length) {
                if (gzipHeaderEnd(body, after, length) < 0) {
                    throw new ZipException("trailing data after the gzip stream");
                }
                next = nextMember(after);
                done = false;
                return next.read(buf, off, len);
            }
            return -1;
        }

        static long le32(byte[] b, int i) {
            return (b[i] & 0xFFL) | ((b[i + 1] & 0xFFL) << 8) | ((b[i + 2] & 0xFFL) << 16) | ((b[i + 3] & 0xFFL) << 24);
        }
    }

    /** A zlib header: CM = 8 (deflate), and the first two bytes a multiple of 31. */
    static boolean isZlib(byte[] b, int length) {
        return length >= 2 && (b[0] & 0x0F) == 8 && (((b[0] & 0xFF) << 8) | (b[1] & 0xFF)) % 31 == 0;
    }

    /** Counts what is read and fails past the cap. */
    static final class Capped extends FilterInputStream {
        private final long max;
        private long count;

        Capped(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                grow(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                grow(n);
            }
            return n;
        }

        private void grow(int n) throws TooLarge {
            count += n;
            if (count > max) {
                throw new TooLarge("the body exceeds " + max + " bytes once decompressed");
            }
        }
    }
}
