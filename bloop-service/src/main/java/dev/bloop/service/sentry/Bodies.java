package dev.bloop.service.sentry;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

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

    /** A stream of the decompressed body that fails past {@code maxBytes}. */
    static InputStream open(byte[] body, int length, Encoding encoding, long maxBytes) throws IOException {
        InputStream raw = new ByteArrayInputStream(body, 0, length);
        InputStream decoded = switch (encoding) {
            case IDENTITY -> raw;
            case GZIP -> new GZIPInputStream(raw, 8192);
            case DEFLATE -> new InflaterInputStream(raw, new Inflater(!isZlib(body, length)), 8192);
        };
        return new Capped(decoded, maxBytes);
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
