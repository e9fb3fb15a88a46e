package dev.bloop.service.llm.proxy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits the bytes of a server-sent event stream into lines as they arrive, whatever the chunking
 * (a line split across chunks is joined). Lines end with LF, CRLF or CR. Only the current line is
 * held, and at most {@code maxLine} bytes of it: a longer line is skipped whole (it is forwarded all the
 * same; only the reading of it is given up).
 */
final class SseLines {
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final int maxLine;
    private final Consumer<String> sink;
    private boolean overflow;
    private boolean afterCr;

    SseLines(int maxLine, Consumer<String> sink) {
        this.maxLine = maxLine;
        this.sink = sink;
    }

    void feed(byte[] bytes, int offset, int length) {
        int start = offset;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            byte b = bytes[i];
            if (b == '\n' || b == '\r') {
                if (b == '\n' && afterCr && i == start) {
                    // the LF of a CRLF split after its CR
                    start = i + 1;
                    afterCr = false;
                    continue;
                }
                append(bytes, start, i - start);
                emit();
                afterCr = false;
                if (b == '\r') {
                    if (i + 1 < end && bytes[i + 1] == '\n') {
                        i++;
                    } else {
                        afterCr = i + 1 >= end;
                    }
                }
                start = i + 1;
            } else {
                afterCr = false;
            }
        }
        append(bytes, start, end - start);
    }

    /** The stream ended: a last line without an end of line counts. */
    void end() {
        if (line.size() > 0 || overflow) {
            emit();
        }
    }

    private void append(byte[] bytes, int start, int length) {
        if (length <= 0 || overflow) {
            return;
        }
        if (line.size() + length > maxLine) {
            overflow = true;
            line.reset();
            return;
        }
        line.write(bytes, start, length);
    }

    private void emit() {
        if (!overflow) {
            sink.accept(line.toString(StandardCharsets.UTF_8));
        }
        overflow = false;
        line.reset();
    }
}
