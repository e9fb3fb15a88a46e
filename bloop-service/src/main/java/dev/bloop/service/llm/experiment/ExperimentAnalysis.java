package dev.bloop.service.llm.experiment;

import dev.bloop.api.llm.Experiment;
import dev.bloop.api.llm.ExperimentComparison;
import dev.bloop.api.llm.ExperimentComparison.MetricComparison;
import dev.bloop.api.llm.ExperimentComparison.RateFigure;
import dev.bloop.api.llm.ExperimentComparison.FigureSummary;
import dev.bloop.api.llm.ExperimentComparison.VariantFigures;
import dev.bloop.service.llm.stats.Bootstrap;
import dev.bloop.service.llm.stats.Holm;
import dev.bloop.service.llm.stats.Interval;
import dev.bloop.service.llm.stats.MannWhitney;
import dev.bloop.service.llm.stats.Proportions;
import dev.bloop.service.llm.stats.SampleRatio;
import dev.bloop.service.llm.stats.SampleSize;
import dev.bloop.service.llm.stats.Welch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * Compares an experiment's variants from their traces: per unit values (the unit's mean, so that a
 * user with many calls counts once), the test that fits each metric, Holm's adjustment over all
 * comparisons, the minimum-sample rules, the sample-ratio check, and a verdict per comparison.
 */
final class ExperimentAnalysis {
    static final double ALPHA = 0.05;
    /** Never a verdict on a mean or rank comparison below this many units per variant. */
    static final int MIN_UNITS_MEANS = 30;
    /** Never a verdict on a rate below this many traces per variant, and ... */
    static final int MIN_TRACES_RATES = 100;
    /** ... this many events per variant. */
    static final int MIN_EVENTS_RATES = 5;
    /** Mann-Whitney's asymptotic relative efficiency against the t-test under normality. */
    private static final double MWU_EFFICIENCY = 0.864;
    private static final long MAX_MORE = 10_000_000;
    /** Bound on resampled values per bootstrap, so a large experiment's compare stays quick. */
    private static final long BOOTSTRAP_BUDGET = 20_000_000;

    private final TraceFacts facts;

    ExperimentAnalysis(TraceFacts facts) {
        this.facts = facts;
    }

    /** One variant's traces and its units' traces, after exclusions. */
    private record Arm(Experiment.Variant variant, List<TraceFacts.Fact> traces,
                       Map<String, List<TraceFacts.Fact>> units) {}

    ExperimentComparison compare(ExperimentDef e, List<Experiment.WeightChange> changes) {
        List<TraceFacts.Fact> all = facts.of(e);
        long running = 0;
        long withoutUnit = 0;
        Map<String, Set<String>> variantsOfUnit = new HashMap<>();
        List<TraceFacts.Fact> kept = new ArrayList<>();
        for (TraceFacts.Fact f : all) {
            if (f.running()) {
                running++;
            } else if (f.unit() == null) {
                withoutUnit++;
            } else if (e.variant(f.variant()).isPresent()) {
                kept.add(f);
                variantsOfUnit.computeIfAbsent(f.unit(), u -> new HashSet<>()).add(f.variant());
            }
        }
        long mixedUnits = variantsOfUnit.values().stream().filter(s -> s.size() > 1).count();
        Map<String, Arm> arms = new LinkedHashMap<>();
        for (Experiment.Variant v : e.variants()) {
            arms.put(v.name(), new Arm(v, new ArrayList<>(), new LinkedHashMap<>()));
        }
        for (TraceFacts.Fact f : kept) {
            if (variantsOfUnit.get(f.unit()).size() == 1) {
                Arm arm = arms.get(f.variant());
                arm.traces().add(f);
                arm.units().computeIfAbsent(f.unit(), u -> new ArrayList<>()).add(f);
            }
        }
        List<Arm> ordered = List.copyOf(arms.values());

        List<VariantFigures> figures = ordered.stream().map(a -> figures(a, a == ordered.get(0))).toList();
        List<Draft> drafts = new ArrayList<>();
        for (String name : e.metrics()) {
            Metric metric = Metric.parse(name).orElseThrow();
            for (int i = 1; i < ordered.size(); i++) {
                drafts.add(draft(e, metric, ordered.get(0), ordered.get(i), i));
            }
        }
        double[] adjusted = Holm.adjust(drafts.stream().mapToDouble(d -> d.p == null ? 1 : d.p).toArray());
        List<MetricComparison> comparisons = new ArrayList<>();
        for (int i = 0; i < drafts.size(); i++) {
            comparisons.add(drafts.get(i).finish(e, drafts.get(i).p == null ? null : adjusted[i]));
        }

        long since = changes.isEmpty() ? e.createdAt() : changes.get(changes.size() - 1).at();
        ExperimentComparison.SampleRatioCheck srm = sampleRatio(ordered, since);

        List<String> warnings = new ArrayList<>();
        if (srm.mismatch()) {
            warnings.add(String.format(Locale.ROOT, "Sample ratio mismatch: units per variant %s do not follow the "
                    + "weights (expected %s; χ² p = %.2g). Assignment or logging is broken (a variant that fails "
                    + "before its trace is sent, a client that ignores the assignment): do not trust these "
                    + "comparisons until it is fixed.", srm.observed(), rounded(srm.expected()), srm.pValue()));
        }
        if (e.minSamples() == null) {
            warnings.add("No sample size was fixed in advance (min_samples): looking at the results again and again "
                    + "and stopping at the first significant one makes false winners likely. Set min_samples, or "
                    + "decide only once the 'more needed' figures reach 0.");
        }
        if (!changes.isEmpty()) {
            warnings.add("The weights changed during the experiment: units that arrived under different splits are "
                    + "compared together, and the sample-ratio check counts only units first seen since the last "
                    + "change.");
        }
        if (withoutUnit > 0) {
            warnings.add(withoutUnit + " traces without " + e.unit() + " were left out: the unit is what is "
                    + "assigned and counted.");
        }
        if (mixedUnits > 0) {
            warnings.add(mixedUnits + " units have traces in more than one variant and were left out: does every "
                    + "client use the assignment?");
        }
        if (!e.unit().equals("trace") && e.metrics().contains(Metric.ERROR_RATE.wire)
                && ordered.stream().anyMatch(a -> a.traces().size() > a.units().size())) {
            warnings.add("The error rate is tested per trace, and some units have several traces: its p-value is "
                    + "somewhat optimistic when a unit's traces fail together.");
        }
        return new ExperimentComparison(e.id(), e.name(), e.status(), e.unit(), e.primaryMetric(), e.minSamples(),
                ALPHA, figures, comparisons, srm,
                new ExperimentComparison.ExcludedTraces(running, withoutUnit, mixedUnits), warnings);
    }

    // ---- figures

    private static VariantFigures figures(Arm a, boolean control) {
        long errors = a.traces().stream().filter(TraceFacts.Fact::error).count();
        long n = a.traces().size();
        Interval w = Proportions.wilson(errors, n);
        return new VariantFigures(a.variant().name(), a.variant().weight(), control, n, a.units().size(),
                summary(values(a.traces(), TraceFacts.Fact::costDollars)),
                summary(values(a.traces(), TraceFacts.Fact::latencyMs)),
                summary(values(a.traces(), TraceFacts.Fact::ttftMs)),
                summary(values(a.traces(), TraceFacts.Fact::outputTokens)),
                new RateFigure(errors, n, n == 0 ? null : (double) errors / n, w.low(), w.high()));
    }

    private static FigureSummary summary(double[] v) {
        if (v.length == 0) {
            return new FigureSummary(0, null, null, null);
        }
        Percentile p = percentile();
        return new FigureSummary(v.length, StatUtils.mean(v), p.evaluate(v, 50), p.evaluate(v, 95));
    }

    private static Percentile percentile() {
        return new Percentile().withEstimationType(Percentile.EstimationType.R_7);
    }

    private static double[] values(List<TraceFacts.Fact> traces, Function<TraceFacts.Fact, Number> metric) {
        return traces.stream().map(metric).filter(x -> x != null).mapToDouble(Number::doubleValue).toArray();
    }

    /** Each unit's mean of the metric over its traces that have it. */
    private static double[] unitValues(Arm a, Function<TraceFacts.Fact, Number> metric) {
        List<Double> out = new ArrayList<>();
        for (List<TraceFacts.Fact> traces : a.units().values()) {
            double[] v = values(traces, metric);
            if (v.length > 0) {
                out.add(StatUtils.mean(v));
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static Function<TraceFacts.Fact, Number> accessor(Metric m) {
        return switch (m) {
            case COST -> TraceFacts.Fact::costDollars;
            case LATENCY -> TraceFacts.Fact::latencyMs;
            case TTFT -> TraceFacts.Fact::ttftMs;
            case OUTPUT_TOKENS -> TraceFacts.Fact::outputTokens;
            case ERROR_RATE -> f -> f.error() ? 1 : 0;
        };
    }

    // ---- comparisons

    /** A comparison before Holm's adjustment. */
    private static final class Draft {
        Metric metric;
        String baseline;
        String variant;
        String test;
        Double statistic;
        Double df;
        Double p;
        Double difference;
        Interval interval;
        Double effect;
        long nA;
        long nB;
        long minimum;
        boolean enough;
        Long target; // units per variant that would be enough, when not enough yet
        String shortfall;

        MetricComparison finish(ExperimentDef e, Double pAdjusted) {
            String verdict;
            Long more = null;
            if (!enough || p == null) {
                verdict = "not_enough_data";
                long t = target == null ? minimum : target;
                more = Math.min(MAX_MORE, Math.max(1, t - Math.min(nA, nB)));
            } else if (pAdjusted < ALPHA) {
                verdict = variantLower() ? "b_better" : "a_better";
            } else {
                verdict = "no_difference";
            }
            return new MetricComparison(metric.wire, metric.wire.equals(e.primaryMetric()), baseline, variant, test,
                    finite(statistic), finite(df), p, pAdjusted, finite(difference),
                    interval == null ? null : finite(interval.low()), interval == null ? null : finite(interval.high()),
                    finite(effect), nA, nB, minimum, verdict, more, Explanations.of(this, e, verdict, pAdjusted, more));
        }

        /** Whether the challenger's values are the lower (better) ones. */
        boolean variantLower() {
            if (metric.kind == Metric.Kind.RANK) {
                return effect != null && effect < 0.5;
            }
            return difference != null && difference < 0;
        }
    }

    private static Double finite(Double x) {
        return x == null || x.isNaN() || x.isInfinite() ? null : x;
    }

    private Draft draft(ExperimentDef e, Metric metric, Arm a, Arm b, int index) {
        Draft d = new Draft();
        d.metric = metric;
        d.baseline = a.variant().name();
        d.variant = b.variant().name();
        int fixed = e.minSamples() == null ? 0 : e.minSamples();
        if (metric.kind == Metric.Kind.RATE) {
            rate(d, a, b, fixed);
            return d;
        }
        Function<TraceFacts.Fact, Number> get = accessor(metric);
        double[] ua = unitValues(a, get);
        double[] ub = unitValues(b, get);
        d.nA = ua.length;
        d.nB = ub.length;
        d.minimum = Math.max(MIN_UNITS_MEANS, fixed);
        d.enough = d.nA >= d.minimum && d.nB >= d.minimum;
        Welch.Result welch = ua.length >= 2 && ub.length >= 2 ? Welch.test(ua, ub) : null;
        if (metric.kind == Metric.Kind.MEAN) {
            if (welch != null) {
                d.test = "welch_t";
                d.statistic = welch.t();
                d.df = welch.df();
                d.p = welch.p();
                d.difference = welch.difference();
                d.interval = welch.interval();
                double meanA = StatUtils.mean(ua);
                d.effect = meanA == 0 ? null : StatUtils.mean(ub) / meanA - 1;
            }
        } else if (ua.length >= 1 && ub.length >= 1) {
            MannWhitney.Result u = MannWhitney.test(ua, ub);
            d.test = "mann_whitney_u";
            d.statistic = u.u();
            d.p = u.p();
            d.effect = u.probabilityBGreater();
            if (metric == Metric.OUTPUT_TOKENS) {
                if (welch != null) {
                    d.difference = welch.difference();
                    d.interval = welch.interval();
                }
            } else {
                double[] ta = values(a.traces(), get);
                double[] tb = values(b.traces(), get);
                int resamples = (int) Math.max(200, Math.min(Bootstrap.RESAMPLES,
                        BOOTSTRAP_BUDGET / Math.max(1, ta.length + tb.length)));
                Bootstrap.Result boot = Bootstrap.quantileDifference(ta, tb, 0.95, resamples,
                        e.id() * 1_000 + metric.ordinal() * 10L + index);
                d.difference = boot.estimate();
                d.interval = boot.interval();
            }
        }
        d.target = meansTarget(ua, ub, d.minimum, metric.kind == Metric.Kind.RANK ? MWU_EFFICIENCY : 1);
        return d;
    }

    /** Units per variant to detect the observed difference with the observed spread (at least the minimum). */
    private static long meansTarget(double[] ua, double[] ub, long minimum, double efficiency) {
        if (ua.length < 2 || ub.length < 2) {
            return minimum;
        }
        double delta = StatUtils.mean(ub) - StatUtils.mean(ua);
        double sd = Math.sqrt((StatUtils.variance(ua) + StatUtils.variance(ub)) / 2);
        if (delta == 0 || sd == 0) {
            return minimum;
        }
        double needed = SampleSize.forMeans(sd, delta) / efficiency;
        return (long) Math.max(minimum, Math.min(MAX_MORE, Math.ceil(needed)));
    }

    private static void rate(Draft d, Arm a, Arm b, int fixedUnits) {
        long eventsA = a.traces().stream().filter(TraceFacts.Fact::error).count();
        long eventsB = b.traces().stream().filter(TraceFacts.Fact::error).count();
        d.nA = a.traces().size();
        d.nB = b.traces().size();
        d.minimum = Math.max(MIN_TRACES_RATES, fixedUnits);
        d.enough = d.nA >= MIN_TRACES_RATES && d.nB >= MIN_TRACES_RATES && eventsA >= MIN_EVENTS_RATES
                && eventsB >= MIN_EVENTS_RATES && a.units().size() >= fixedUnits && b.units().size() >= fixedUnits;
        if (d.nA > 0 && d.nB > 0) {
            Proportions.Result r = Proportions.compare(eventsA, d.nA, eventsB, d.nB);
            d.test = r.test();
            d.statistic = Double.isNaN(r.z()) ? null : r.z();
            d.p = r.p();
            d.difference = r.difference();
            d.interval = r.interval();
            double pa = (double) eventsA / d.nA;
            d.effect = pa == 0 ? null : ((double) eventsB / d.nB) / pa - 1;
        }
        long target = d.minimum;
        if (d.nA > 0 && d.nB > 0) {
            double pa = (double) eventsA / d.nA;
            double pb = (double) eventsB / d.nB;
            double lowest = Math.min(pa, pb) > 0 ? Math.min(pa, pb) : (double) (eventsA + eventsB) / (d.nA + d.nB);
            if (lowest > 0) {
                target = Math.max(target, (long) Math.ceil(MIN_EVENTS_RATES / lowest));
                if (pa != pb && pa < 1 && pb < 1) {
                    target = Math.max(target, Math.min(MAX_MORE, SampleSize.forProportions(pa, pb)));
                }
            } else {
                d.shortfall = "no errors yet in either variant";
            }
        }
        d.target = target;
    }

    // ---- sample ratio

    private static ExperimentComparison.SampleRatioCheck sampleRatio(List<Arm> arms, long since) {
        long[] observed = new long[arms.size()];
        double[] weights = new double[arms.size()];
        Map<String, Long> seen = new LinkedHashMap<>();
        Map<String, Double> expected = new LinkedHashMap<>();
        long total = 0;
        for (int i = 0; i < arms.size(); i++) {
            Arm a = arms.get(i);
            observed[i] = a.units().values().stream()
                    .filter(ts -> ts.stream().mapToLong(TraceFacts.Fact::receivedAt).min().orElse(0) >= since).count();
            weights[i] = a.variant().weight();
            total += observed[i];
            seen.put(a.variant().name(), observed[i]);
        }
        double weightSum = StatUtils.sum(weights);
        for (int i = 0; i < arms.size(); i++) {
            expected.put(arms.get(i).variant().name(), total * weights[i] / weightSum);
        }
        SampleRatio.Result r = SampleRatio.check(observed, weights);
        return new ExperimentComparison.SampleRatioCheck(r.chiSquare(), r.df(), r.p(), r.mismatch(), since, seen, expected);
    }

    private static Map<String, Long> rounded(Map<String, Double> m) {
        Map<String, Long> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, Math.round(v)));
        return out;
    }

    /** The verdict in a sentence. */
    static final class Explanations {
        private Explanations() {}

        static String of(Draft d, ExperimentDef e, String verdict, Double pAdjusted, Long more) {
            String units = d.metric.kind == Metric.Kind.RATE ? "traces" : plural(e.unit());
            String what = label(d.metric);
            return switch (verdict) {
                case "not_enough_data" -> {
                    String base = String.format(Locale.ROOT, "Not enough data for %s yet: %s has %d %s and %s has %d; "
                            + "a verdict needs at least %d per variant", what, d.variant, d.nB, units, d.baseline, d.nA,
                            d.minimum);
                    if (d.metric.kind == Metric.Kind.RATE) {
                        base += " with at least " + MIN_EVENTS_RATES + " errors in each";
                    }
                    base += String.format(Locale.ROOT, ". About %,d more per variant needed", more);
                    if (d.shortfall != null) {
                        base += " (" + d.shortfall + ")";
                    } else if (d.target != null && d.target > d.minimum) {
                        base += " to tell a difference of the size seen so far from chance";
                    }
                    yield base + ".";
                }
                case "b_better", "a_better" -> {
                    String winner = verdict.equals("b_better") ? d.variant : d.baseline;
                    String loser = verdict.equals("b_better") ? d.baseline : d.variant;
                    yield String.format(Locale.ROOT, "%s has lower %s than %s: %s (p %s after Holm's correction over all "
                            + "comparisons).", winner, what, loser, difference(d), p(pAdjusted));
                }
                default -> String.format(Locale.ROOT, "No difference in %s between %s and %s could be shown "
                        + "(p %s after Holm's correction): %s.", what, d.variant, d.baseline, p(pAdjusted),
                        difference(d));
            };
        }

        private static String plural(String unit) {
            return switch (unit) {
                case "user_id" -> "users";
                case "session_id" -> "sessions";
                default -> "traces";
            };
        }

        private static String label(Metric m) {
            return switch (m) {
                case COST -> "mean cost per call";
                case LATENCY -> "latency";
                case TTFT -> "time to first token";
                case ERROR_RATE -> "error rate";
                case OUTPUT_TOKENS -> "output tokens";
            };
        }

        private static String difference(Draft d) {
            if (d.difference == null || d.interval == null) {
                return "no interval could be computed";
            }
            String what = switch (d.metric) {
                case COST -> "the mean cost differs by ";
                case LATENCY -> "the p95 latency differs by ";
                case TTFT -> "the p95 time to first token differs by ";
                case ERROR_RATE -> "the error rate differs by ";
                case OUTPUT_TOKENS -> "the mean output tokens differ by ";
            };
            return what + value(d.metric, d.difference) + " (" + d.variant + " − " + d.baseline + "; 95 % CI "
                    + value(d.metric, d.interval.low()) + " to " + value(d.metric, d.interval.high()) + ")";
        }

        private static String value(Metric m, double x) {
            return switch (m) {
                case COST -> String.format(Locale.ROOT, "%s$%.6f", x < 0 ? "−" : "", Math.abs(x));
                case LATENCY, TTFT -> String.format(Locale.ROOT, "%.0f ms", x);
                case ERROR_RATE -> String.format(Locale.ROOT, "%.2f points", x * 100);
                case OUTPUT_TOKENS -> String.format(Locale.ROOT, "%.1f tokens", x);
            };
        }

        private static String p(Double p) {
            return p == null ? "= n/a" : p < 0.0001 ? "< 0.0001" : String.format(Locale.ROOT, "= %.4f", p);
        }
    }
}
