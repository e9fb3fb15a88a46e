package dev.bloop.service.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bloop.api.llm.TraceIn;
import dev.bloop.service.ingest.InvalidEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Each provider's usage, sent as the README says, lands in the same buckets. */
class TraceValidatorTest {
    private final TraceDecoder decoder = new TraceDecoder();
    private final TraceValidator validator = new TraceValidator(decoder.mapper(), new LlmTracingConfig());

    private QueuedTrace.QueuedSpan span(String spanJson) throws InvalidEvent {
        byte[] body = ("{\"id\":\"t\",\"spans\":[" + spanJson + "]}").getBytes(StandardCharsets.UTF_8);
        TraceIn in = decoder.single(body, body.length);
        return validator.trace(in, "p", 1_700_000_000_000L, ContentStorage.FULL).spans().get(0);
    }

    @Test
    void openAiChatUsageMapsCachedTokensOutOfPromptTokens() throws InvalidEvent {
        // usage: prompt_tokens 1200 (cached_tokens 1000), completion_tokens 300 (reasoning_tokens 120)
        QueuedTrace.QueuedSpan s = span("{\"model\":\"o3\",\"input_tokens\":1200,\"cache_read_tokens\":1000,"
                + "\"output_tokens\":300,\"reasoning_tokens\":120}");
        assertThat(s.inputUncached()).isEqualTo(200);
        assertThat(s.cacheRead()).isEqualTo(1000);
        assertThat(s.outputTokens()).isEqualTo(300);
        assertThat(s.reasoningTokens()).isEqualTo(120);
    }

    @Test
    void anthropicUsageIsSentAsUncachedInputBesideTheCacheFields() throws InvalidEvent {
        // usage: input_tokens 50, cache_read_input_tokens 4000, cache_creation.ephemeral_5m 300 / _1h 100
        QueuedTrace.QueuedSpan s = span("{\"model\":\"claude-haiku-4-5\",\"input_uncached_tokens\":50,"
                + "\"cache_read_tokens\":4000,\"cache_write_tokens\":300,\"cache_write_1h_tokens\":100,\"output_tokens\":9}");
        assertThat(s.inputUncached()).isEqualTo(50);
        assertThat(s.cacheRead()).isEqualTo(4000);
        assertThat(s.cacheWrite5m()).isEqualTo(300);
        assertThat(s.cacheWrite1h()).isEqualTo(100);
        // Both totals may be sent when they agree: 50 + 4000 + 300 + 100.
        assertThat(span("{\"input_tokens\":4450,\"input_uncached_tokens\":50,\"cache_read_tokens\":4000,"
                + "\"cache_write_tokens\":300,\"cache_write_1h_tokens\":100}").inputUncached()).isEqualTo(50);
    }

    @Test
    void anthropicsInputTokensSentAsInputTokensIsRefusedRatherThanMiscounted() {
        assertThatThrownBy(() -> span("{\"input_tokens\":50,\"cache_read_tokens\":4000}"))
                .isInstanceOf(InvalidEvent.class).hasMessageContaining("input_uncached_tokens")
                .extracting(e -> ((InvalidEvent) e).field()).isEqualTo("spans[0].input_tokens");
    }

    @Test
    void defaultsFollowTheSpan() throws InvalidEvent {
        QueuedTrace.QueuedSpan model = span("{\"model\":\"gpt-4o\"}");
        assertThat(model.spanType()).isEqualTo("generation");
        assertThat(model.status()).isEqualTo("ok");
        assertThat(model.startedAt()).isEqualTo(1_700_000_000_000L);
        QueuedTrace.QueuedSpan step = span("{\"name\":\"plan\",\"started_at\":1700000100,\"ended_at\":1700000102}");
        assertThat(step.spanType()).isEqualTo("custom");
        // Seconds are taken as seconds, as for error events; the latency comes from the two times.
        assertThat(step.startedAt()).isEqualTo(1_700_000_100_000L);
        assertThat(step.latencyMs()).isEqualTo(2000);
        assertThat(span("{\"cost\":0.0025}").providedCostNanos()).isEqualTo(2_500_000);
        assertThat(span("{\"cost\":1e-9}").providedCostNanos()).isEqualTo(1);
    }

    @Test
    void contentIsDroppedBeforeAnythingElseUnderNone() throws InvalidEvent {
        byte[] body = "{\"id\":\"t\",\"input\":\"secret\",\"metadata\":{\"k\":\"secret\"},\"spans\":[{\"output\":\"secret\"}]}"
                .getBytes(StandardCharsets.UTF_8);
        QueuedTrace t = validator.trace(decoder.single(body, body.length), "p", 1L, ContentStorage.NONE);
        assertThat(t.input()).isNull();
        assertThat(t.metadata()).isNull();
        assertThat(t.spans().get(0).output()).isNull();
        QueuedTrace m = validator.trace(decoder.single(body, body.length), "p", 1L, ContentStorage.METADATA_ONLY);
        assertThat(m.input()).isNull();
        assertThat(m.metadata()).isEqualTo("{\"k\":\"secret\"}");
    }
}
