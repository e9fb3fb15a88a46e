package dev.bloop.service.llm.experiment;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What an experiment compares, each with the test that fits its distribution (see the README's
 * "Experiments" section). Every one is lower-is-better.
 */
enum Metric {
    /** Cost per call: the mean is what the bill is, so Welch's t-test on the mean. */
    COST("cost", Kind.MEAN),
    /** Latency: heavy right tail, so Mann-Whitney U, with a bootstrap interval of the p95 difference. */
    LATENCY("latency", Kind.RANK),
    /** Time to first token of the trace's first streamed generation: as latency. */
    TTFT("ttft", Kind.RANK),
    /** Share of traces with status error: a two-proportion z-test, or Fisher's exact test on small counts. */
    ERROR_RATE("error_rate", Kind.RATE),
    /** Output tokens per call: a skewed count, so Mann-Whitney U, with the mean difference shown. */
    OUTPUT_TOKENS("output_tokens", Kind.RANK);

    enum Kind { MEAN, RANK, RATE }

    final String wire;
    final Kind kind;

    Metric(String wire, Kind kind) {
        this.wire = wire;
        this.kind = kind;
    }

    static Optional<Metric> parse(String s) {
        return Arrays.stream(values()).filter(m -> m.wire.equals(s)).findFirst();
    }

    static List<String> names() {
        return Arrays.stream(values()).map(m -> m.wire).toList();
    }
}
