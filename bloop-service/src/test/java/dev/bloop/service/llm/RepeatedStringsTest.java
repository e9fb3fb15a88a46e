package dev.bloop.service.llm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RepeatedStringsTest {
    @Test
    void equalStringsFromDifferentSpansBecomeOneCopy() {
        RepeatedStrings repeated = new RepeatedStrings();
        String first = new String("claude-sonnet-4-5".toCharArray());
        String second = new String("claude-sonnet-4-5".toCharArray());
        assertThat(second).isNotSameAs(first);
        assertThat(repeated.of(first)).isSameAs(first);
        assertThat(repeated.of(second)).isSameAs(first);
        assertThat(repeated.of(null)).isNull();
    }

    @Test
    void everNewValuesDoNotGrowItBeyondItsBound() {
        RepeatedStrings repeated = new RepeatedStrings();
        for (int i = 0; i < 100_000; i++) {
            String s = "model-" + i;
            assertThat(repeated.of(s)).isEqualTo(s);
        }
        assertThat(repeated.size()).isLessThanOrEqualTo(4_097);
    }
}
