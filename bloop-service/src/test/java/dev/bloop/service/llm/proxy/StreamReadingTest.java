package dev.bloop.service.llm.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading usage beside a stream whose bytes arrive in arbitrary pieces. */
class StreamReadingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Feeds the text in pieces of {@code size} bytes. */
    private static List<String> lines(String text, int size, int maxLine) {
        List<String> out = new ArrayList<>();
        SseLines lines = new SseLines(maxLine, out::add);
        byte[] bytes = b(text);
        for (int i = 0; i < bytes.length; i += size) {
            lines.feed(bytes, i, Math.min(size, bytes.length - i));
        }
        lines.end();
        return out;
    }

    @Test
    void aLineSplitAcrossChunksIsReadWholeWhateverTheChunking() {
        String text = "event: message_start\r\ndata: {\"a\":1}\r\n\r\ndata: {\"b\":2}\n\n";
        for (int size = 1; size <= text.length(); size++) {
            assertThat(lines(text, size, 1024)).as("pieces of %d", size)
                    .containsExactly("event: message_start", "data: {\"a\":1}", "", "data: {\"b\":2}", "");
        }
    }

    @Test
    void onlyAUsageKeyWithAnObjectValueIsWorthAParse() {
        assertThat(CallFacts.hasUsageObject("{\"choices\":[{\"delta\":{\"content\":\"usage\"}}],\"usage\":null}"))
                .isFalse();
        assertThat(CallFacts.hasUsageObject("{\"choices\":[],\"usage\":{\"prompt_tokens\":3}}")).isTrue();
        assertThat(CallFacts.hasUsageObject("{\"usage\" : \n {\"input_tokens\":3}}")).isTrue();
        assertThat(CallFacts.hasUsageObject("{\"note\":\"\\\"usage\\\" was null\",\"usage\":null}")).isFalse();
        assertThat(CallFacts.hasUsageObject("{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":9}}}"))
                .isTrue();
    }

    @Test
    void aLineOverTheCapIsSkippedAndTheNextIsReadAgain() {
        String text = "data: " + "x".repeat(100) + "\ndata: short\n";
        assertThat(lines(text, 7, 50)).containsExactly("data: short");
    }

    @Test
    void theUsageChunkIsTakenOutEvenWhenSplitAndEveryOtherByteIsKept() {
        String before = "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}],\"usage\":null}\n\n";
        String usage = "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}\n\n";
        String done = "data: [DONE]\n\n";
        byte[] all = b(before + usage + done);
        for (int size = 1; size <= all.length; size += 5) {
            UsageChunkHider hider = new UsageChunkHider(JSON);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < all.length; i += size) {
                out.writeBytes(hider.filter(all, i, Math.min(size, all.length - i)));
            }
            out.writeBytes(hider.end());
            assertThat(out.toString(StandardCharsets.UTF_8)).as("pieces of %d", size).isEqualTo(before + done);
        }
    }

    @Test
    void anthropicUsageIsOverwrittenByTheCumulativeMessageDeltaNeverAdded() {
        CallFacts f = new CallFacts(Api.ANTHROPIC_MESSAGES, JSON, 100, false);
        f.line("data: {\"type\":\"message_start\",\"message\":{\"model\":\"claude-haiku-4-5\",\"usage\":{\"input_tokens\":"
                + "10,\"cache_read_input_tokens\":5,\"output_tokens\":1}}}");
        f.line("data: {\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}");
        f.line("data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"input_tokens\":12,"
                + "\"output_tokens\":40}}");
        f.line("data: {\"type\":\"message_delta\",\"delta\":{},\"usage\":{\"output_tokens\":41}}");
        assertThat(f.input).isEqualTo(12);
        assertThat(f.cacheRead).isEqualTo(5);
        assertThat(f.output).isEqualTo(41);
        assertThat(f.usageFinal).isTrue();
        assertThat(f.finish).isEqualTo("end_turn");
        assertThat(f.firstTokenNanos).isPositive();
    }

    @Test
    void anAnthropicStreamCutBeforeMessageDeltaKeepsTheInputAndSaysTheUsageIsPartial() {
        CallFacts f = new CallFacts(Api.ANTHROPIC_MESSAGES, JSON, 100, false);
        f.line("data: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}");
        assertThat(f.input).isEqualTo(10);
        assertThat(f.usageSeen).isTrue();
        assertThat(f.usageFinal).isFalse();
    }

    @Test
    void theRoleOnlyFirstChunkIsNotTheFirstToken() {
        CallFacts f = new CallFacts(Api.OPENAI_CHAT, JSON, 100, true);
        f.line("data:");
        f.line(": keep-alive");
        f.line("data: {\"model\":\"gpt-4o\",\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}],\"usage\":null}");
        assertThat(f.firstTokenNanos).isZero();
        f.line("data:{\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}");
        assertThat(f.firstTokenNanos).isPositive();
        assertThat(f.text()).isEqualTo("Hel");
    }
}
