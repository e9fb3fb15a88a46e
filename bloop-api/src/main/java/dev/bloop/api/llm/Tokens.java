package dev.bloop.api.llm;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Token counts by bucket, each priced on its own. {@code output} includes {@code reasoning};
 * {@code input_total} is every input token (uncached, cache reads and cache writes) and {@code total}
 * adds the output.
 */
public record Tokens(@JsonProperty("input_uncached") long inputUncached,
                     @JsonProperty("cache_read") long cacheRead,
                     @JsonProperty("cache_write_5m") long cacheWrite5m,
                     @JsonProperty("cache_write_1h") long cacheWrite1h,
                     @JsonProperty("output") long output,
                     @JsonProperty("reasoning") long reasoning,
                     @JsonProperty("input_total") long inputTotal,
                     @JsonProperty("total") long total) {

    public static final Tokens ZERO = of(0, 0, 0, 0, 0, 0);

    public static Tokens of(long inputUncached, long cacheRead, long cacheWrite5m, long cacheWrite1h, long output,
                            long reasoning) {
        long input = inputUncached + cacheRead + cacheWrite5m + cacheWrite1h;
        return new Tokens(inputUncached, cacheRead, cacheWrite5m, cacheWrite1h, output, reasoning, input,
                input + output);
    }

    public Tokens plus(Tokens o) {
        return of(inputUncached + o.inputUncached, cacheRead + o.cacheRead, cacheWrite5m + o.cacheWrite5m,
                cacheWrite1h + o.cacheWrite1h, output + o.output, reasoning + o.reasoning);
    }
}
