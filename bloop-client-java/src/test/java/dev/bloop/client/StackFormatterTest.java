package dev.bloop.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StackFormatterTest {
    private static RuntimeException nested() {
        try {
            throw new IllegalStateException("inner 42");
        } catch (IllegalStateException e) {
            return new RuntimeException("outer 7", e);
        }
    }

    @Test
    void framesComeFirstWithoutTheMessageAndCausesFollow() {
        String stack = StackFormatter.format(nested(), 8192);
        assertThat(stack).startsWith("\tat dev.bloop.client.StackFormatterTest.nested(StackFormatterTest.java:");
        assertThat(stack).doesNotContain("outer 7");
        assertThat(stack).contains("Caused by: java.lang.IllegalStateException: inner 42\n");
        assertThat(stack.indexOf("Caused by:")).isGreaterThan(stack.indexOf("\tat "));
        // At most 32 frames per throwable, and a cause's frames shared with the outer trace are elided
        // as the JVM does, so deep framework stacks leave room for the cause.
        assertThat(stack.split("\n\tat ").length).isLessThanOrEqualTo(1 + 32 + 32);
        assertThat(stack).containsPattern("\t\\.\\.\\. \\d+ more\n$");
    }

    @Test
    void cutAtTheByteCapOnALineBoundary() {
        String stack = StackFormatter.format(nested(), 300);
        assertThat(stack.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(300);
        assertThat(stack).endsWith("\n");
    }

    @Test
    void causeCyclesEnd() {
        Exception a = new Exception("a");
        Exception b = new Exception("b", a);
        a.initCause(b);
        assertThat(StackFormatter.format(a, 100_000).split("Caused by:")).hasSize(2);
    }
}
