package dev.bloop.service.llm.eval;

import dev.bloop.api.llm.eval.PromptComparison;
import dev.bloop.api.llm.eval.PromptStats;
import dev.bloop.service.llm.stats.Holm;
import dev.bloop.service.llm.stats.MannWhitney;
import dev.bloop.service.llm.stats.Proportions;
import dev.bloop.service.llm.stats.Welch;
import dev.bloop.service.web.ApiProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Two versions of a prompt compared metric by metric with the A/B experiments' statistics: Welch's t for
 * mean cost and mean scores, Mann-Whitney U for latency (heavy-tailed), the two-proportion z-test (or
 * Fisher's exact test on small counts) for the error and thumbs-up rates; Holm adjusts the p-values across
 * the metrics, so that looking at many of them does not find a winner by chance.
 */
final class PromptCompare {
    static final double ALPHA = 0.05;

    private final Prompts prompts;

    PromptCompare(Prompts prompts) {
        this.prompts = prompts;
    }

    /** A metric before the adjustment: p is null without a test. */
    private record Raw(String metric, String test, long n1, long n2, Double value1, Double value2, Double difference,
                       Double statistic, Double p, boolean lowerIsBetter, String note) {
    }

    PromptComparison compare(String projectId, String name, String v1, String v2, int hours, long now) {
        long since = Windows.since(now, hours);
        PromptStats s1 = find(projectId, name, v1, hours, now, "v1");
        PromptStats s2 = find(projectId, name, v2, hours, now, "v2");
        Prompts.Version a = prompts.traces(projectId, name, v1, since);
        Prompts.Version b = prompts.traces(projectId, name, v2, since);
        List<Raw> raws = new ArrayList<>();
        raws.add(means("cost", a.traces().stream().mapToDouble(t -> t.costNanos() / 1e9).toArray(),
                b.traces().stream().mapToDouble(t -> t.costNanos() / 1e9).toArray(), true));
        raws.add(latency(a.traces().stream().filter(t -> t.latencyMs() != null).mapToDouble(Prompts.Trace::latencyMs)
                .toArray(), b.traces().stream().filter(t -> t.latencyMs() != null)
                .mapToDouble(Prompts.Trace::latencyMs).toArray()));
        raws.add(rate("error_rate", a.traces().stream().filter(Prompts.Trace::error).count(), a.traces().size(),
                b.traces().stream().filter(Prompts.Trace::error).count(), b.traces().size(), true));
        TreeSet<String> names = new TreeSet<>(a.scores().keySet());
        names.addAll(b.scores().keySet());
        for (String score : names) {
            raws.add(means("score:" + score, a.scores().getOrDefault(score, new double[0]),
                    b.scores().getOrDefault(score, new double[0]), false));
        }
        raws.add(rate("thumbs_up_rate", a.positive(), a.votes(), b.positive(), b.votes(), false));
        return new PromptComparison(name, s1, s2, ALPHA, adjust(raws));
    }

    private PromptStats find(String projectId, String name, String version, int hours, long now, String param) {
        return prompts.versions(projectId, name, hours, now).stream().filter(s -> version.equals(s.version()))
                .findFirst().orElseThrow(() -> ApiProblem.notFound("prompt '" + name + "' has no version '" + version
                        + "' in the last " + hours + " hours", param));
    }

    private static Raw means(String metric, double[] a, double[] b, boolean lowerIsBetter) {
        Double m1 = a.length == 0 ? null : mean(a);
        Double m2 = b.length == 0 ? null : mean(b);
        if (a.length < 2 || b.length < 2) {
            return new Raw(metric, null, a.length, b.length, m1, m2, m1 == null || m2 == null ? null : m2 - m1, null,
                    null, lowerIsBetter, "Welch's t-test needs at least two values per version");
        }
        Welch.Result r = Welch.test(a, b);
        return new Raw(metric, "welch_t", a.length, b.length, m1, m2, r.difference(), finite(r.t()), r.p(),
                lowerIsBetter, null);
    }

    private static Raw latency(double[] a, double[] b) {
        Double m1 = a.length == 0 ? null : Quantiles.of(a, a.length).at(0.5);
        Double m2 = b.length == 0 ? null : Quantiles.of(b, b.length).at(0.5);
        if (a.length == 0 || b.length == 0) {
            return new Raw("latency_ms", null, a.length, b.length, m1, m2, null, null, null, true,
                    "the Mann-Whitney U test needs ended traces in both versions");
        }
        MannWhitney.Result r = MannWhitney.test(a, b);
        // Medians are shown; the test is whether one version's latencies tend to be larger.
        return new Raw("latency_ms", "mann_whitney_u", a.length, b.length, m1, m2, m2 - m1, r.z(), r.p(), true, null);
    }

    private static Raw rate(String metric, long eventsA, long nA, long eventsB, long nB, boolean lowerIsBetter) {
        Double r1 = nA == 0 ? null : (double) eventsA / nA;
        Double r2 = nB == 0 ? null : (double) eventsB / nB;
        if (nA == 0 || nB == 0) {
            return new Raw(metric, null, nA, nB, r1, r2, null, null, null, lowerIsBetter,
                    "needs data in both versions");
        }
        Proportions.Result r = Proportions.compare(eventsA, nA, eventsB, nB);
        return new Raw(metric, r.test(), nA, nB, r1, r2, r.difference(), finite(r.z()), r.p(), lowerIsBetter, null);
    }

    private static List<PromptComparison.Metric> adjust(List<Raw> raws) {
        List<Raw> tested = raws.stream().filter(r -> r.p() != null).toList();
        double[] adjusted = Holm.adjust(tested.stream().mapToDouble(Raw::p).toArray());
        Map<Raw, Double> byRaw = new java.util.IdentityHashMap<>();
        for (int i = 0; i < tested.size(); i++) {
            byRaw.put(tested.get(i), adjusted[i]);
        }
        List<PromptComparison.Metric> out = new ArrayList<>();
        for (Raw r : raws) {
            Double pAdj = byRaw.get(r);
            boolean significant = pAdj != null && pAdj < ALPHA && r.difference() != null && r.difference() != 0;
            String better = !significant ? null : (r.difference() < 0) == r.lowerIsBetter() ? "v2" : "v1";
            out.add(new PromptComparison.Metric(r.metric(), r.test(), r.n1(), r.n2(), r.value1(), r.value2(),
                    r.difference(), r.statistic(), r.p(), pAdj, significant, better, r.note()));
        }
        return out;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
