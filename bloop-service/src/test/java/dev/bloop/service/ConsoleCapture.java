package dev.bloop.service;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what the application logs to the console, as an operator reads the terminal: stdout and
 * stderr keep working and are also copied here. Used to pick the setup code out of the start-up log.
 */
public final class ConsoleCapture {
    private static final ByteArrayOutputStream SEEN = new ByteArrayOutputStream();

    static {
        System.setOut(tee(System.out));
        System.setErr(tee(System.err));
    }

    private ConsoleCapture() {
    }

    /** Call before the application starts. */
    public static void install() {
        // the static initializer did the work
    }

    /** The last match of {@code pattern}'s first group in the console output, waiting up to 10 s for one. */
    public static String awaitLast(Pattern pattern, String after) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            String text;
            synchronized (SEEN) {
                text = SEEN.toString(StandardCharsets.UTF_8);
            }
            int from = after == null ? 0 : Math.max(0, text.lastIndexOf(after));
            Matcher m = pattern.matcher(text.substring(from));
            String last = null;
            while (m.find()) {
                last = m.group(1);
            }
            if (last != null) {
                return last;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no console line matched " + pattern);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static PrintStream tee(PrintStream original) {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (SEEN) {
                    SEEN.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                synchronized (SEEN) {
                    SEEN.write(b, off, len);
                }
            }

            @Override
            public void flush() {
                original.flush();
            }
        }, true, StandardCharsets.UTF_8);
    }
}
