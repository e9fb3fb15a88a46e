/**
 * Two-arm statistics for comparing LLM variants (prompt experiments, prompt versions, feedback
 * rates), on Apache Commons Math's distributions. Every method is a pure function of its inputs
 * (the bootstrap takes its seed), so the same data always gives the same answer.
 *
 * <p>Conventions: arm A is the baseline, B the challenger; differences are B − A; intervals are 95 %
 * unless a method says otherwise; p-values are two-sided. The tests are chosen per metric as in the
 * reference: {@link Welch} for means (cost), {@link MannWhitney} for heavy-tailed values (latency,
 * tokens) with {@link Bootstrap} for a p95 difference, {@link Proportions} for rates (z-test, or
 * Fisher's exact test when an expected cell is under 5, and Wilson intervals per arm), {@link Holm}
 * across several comparisons, {@link SampleRatio} for a split that does not match its weights, and
 * {@link SampleSize} for how many units per arm a difference needs.
 */
package dev.bloop.service.llm.stats;
