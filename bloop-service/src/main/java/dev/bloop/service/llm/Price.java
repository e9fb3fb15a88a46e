package dev.bloop.service.llm;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One price entry: integer micro-dollars per million tokens for each bucket, for the models it
 * matches (an exact name or an anchored regex, both case-insensitive), from {@code effectiveFrom} (epoch
 * ms) on. Buckets left null are priced like input (cache buckets) or output (reasoning).
 */
record Price(String model, boolean regex, String provider, long effectiveFrom, long input, Long cacheRead,
             Long cacheWrite5m, Long cacheWrite1h, long output, Long reasoning, Pattern pattern) {

    static Price of(String model, boolean regex, String provider, long effectiveFrom, long input, Long cacheRead,
                    Long cacheWrite5m, Long cacheWrite1h, long output, Long reasoning) {
        Pattern p = regex ? Pattern.compile(model, Pattern.CASE_INSENSITIVE) : null;
        return new Price(model, regex, provider, effectiveFrom, input, cacheRead, cacheWrite5m, cacheWrite1h, output,
                reasoning, p);
    }

    /** Equal prices for equal fields; the compiled pattern is derived from {@code model}. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Price p && model.equals(p.model) && regex == p.regex
                && java.util.Objects.equals(provider, p.provider) && effectiveFrom == p.effectiveFrom
                && input == p.input && java.util.Objects.equals(cacheRead, p.cacheRead)
                && java.util.Objects.equals(cacheWrite5m, p.cacheWrite5m)
                && java.util.Objects.equals(cacheWrite1h, p.cacheWrite1h) && output == p.output
                && java.util.Objects.equals(reasoning, p.reasoning);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(model, regex, provider, effectiveFrom, input, cacheRead, cacheWrite5m,
                cacheWrite1h, output, reasoning);
    }

    /** Whether this entry is for that model (already lower-cased) and provider (null matches any). */
    boolean matches(String lowerModel, String spanProvider) {
        if (provider != null && spanProvider != null && !provider.equalsIgnoreCase(spanProvider)) {
            return false;
        }
        return regex ? pattern.matcher(lowerModel).matches() : model.toLowerCase(Locale.ROOT).equals(lowerModel);
    }

    /** Token counts per bucket are capped at ingest so that costs cannot overflow. */
    static final long MAX_TOKENS = 100_000_000L;
    /** $1,000 per million tokens, in micro-dollars: above any list price. */
    static final long MAX_PRICE = 1_000_000_000L;

    /**
     * The cost of these tokens in nanodollars: {@code tokens × price} summed over the buckets (in
     * pico-dollars, since micro-dollars per million tokens are pico-dollars per token), then rounded
     * once, half up, to the nanodollar. Exact for every price that is a whole number of thousandths
     * of a cent per million tokens, which every shipped price is. The caps keep it within a long.
     */
    long costNanos(long tUncached, long tCacheRead, long tWrite5m, long tWrite1h, long tOutput, long tReasoning) {
        long pInput = input;
        long pRead = cacheRead != null ? cacheRead : pInput;
        long pWrite5m = cacheWrite5m != null ? cacheWrite5m : pInput;
        long pWrite1h = cacheWrite1h != null ? cacheWrite1h : pWrite5m;
        long pOutput = output;
        long pReasoning = reasoning != null ? reasoning : pOutput;
        long pico = tUncached * pInput + tCacheRead * pRead + tWrite5m * pWrite5m + tWrite1h * pWrite1h
                + (tOutput - tReasoning) * pOutput + tReasoning * pReasoning;
        return pico / 1_000 + (pico % 1_000 >= 500 ? 1 : 0);
    }
}
