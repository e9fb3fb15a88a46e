package dev.bloop.service.analytics;

import dev.bloop.service.analytics.FourteenDays.Planned;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The analytics statistics computed the plain way, over the fixture's plan (not over the database and
 * not with the implementation's SQL): full zero-filled arrays, two-pass means and deviations, Pearson
 * from centred values, percentiles by sorting. What the endpoints answer is checked against this.
 */
final class Reference {
    private final FourteenDays data;

    Reference(FourteenDays data) {
        this.data = data;
    }

    private static boolean in(Planned p, String env) {
        return env == null || p.environment().equals(env);
    }

    /** Zero-filled hourly counts of one issue over absolute hours [lo, hi]. */
    long[] series(String message, String env, int lo, int hi) {
        long[] s = new long[hi - lo + 1];
        for (Planned p : data.planned) {
            int h = data.hourOf(p.k());
            if (p.message().equals(message) && in(p, env) && h >= lo && h <= hi) {
                s[h - lo] += p.count();
            }
        }
        return s;
    }

    private Integer firstHour(String message, String env) {
        return data.planned.stream().filter(p -> p.message().equals(message) && in(p, env))
                .map(p -> data.hourOf(p.k())).min(Integer::compare).orElse(null);
    }

    private static double mean(long[] xs, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += xs[i];
        }
        return sum / (to - from);
    }

    private static double sampleSd(long[] xs, int from, int to) {
        double m = mean(xs, from, to);
        double ss = 0;
        for (int i = from; i < to; i++) {
            ss += (xs[i] - m) * (xs[i] - m);
        }
        return Math.sqrt(ss / (to - from - 1));
    }

    record Spike(String fingerprint, int hour, long count, int baselineHours, double mean, double sd, double z) {
    }

    record New(String fingerprint, long recent) {
    }

    record Spikes(List<Spike> spikes, List<New> fresh) {
    }

    Spikes spikes(String env, int lo, int hi, int recent, int minBaseline, double threshold, int limit) {
        int recentLo = hi - recent + 1;
        List<Spike> spikes = new ArrayList<>();
        List<New> fresh = new ArrayList<>();
        for (String message : FourteenDays.ALL) {
            long[] s = series(message, env, lo, hi);
            long recentTotal = 0;
            for (int h = recentLo; h <= hi; h++) {
                recentTotal += s[h - lo];
            }
            if (recentTotal == 0) {
                continue;
            }
            int start = Math.max(lo, firstHour(message, env));
            int n = recentLo - start;
            if (n < minBaseline) {
                fresh.add(new New(FourteenDays.fingerprint(message), recentTotal));
                continue;
            }
            double m = mean(s, start - lo, recentLo - lo);
            double sd = sampleSd(s, start - lo, recentLo - lo);
            Spike best = null;
            for (int h = recentLo; h <= hi; h++) {
                double z = (s[h - lo] - m) / Math.max(sd, 1.0);
                if (best == null || z >= best.z()) {
                    best = new Spike(FourteenDays.fingerprint(message), h, s[h - lo], n, m, sd, z);
                }
            }
            if (best.z() >= threshold) {
                spikes.add(best);
            }
        }
        spikes.sort(Comparator.comparingDouble(Spike::z).reversed().thenComparing(Spike::fingerprint));
        fresh.sort(Comparator.comparingLong(New::recent).reversed().thenComparing(New::fingerprint));
        return new Spikes(spikes.subList(0, Math.min(limit, spikes.size())),
                fresh.subList(0, Math.min(limit, fresh.size())));
    }

    record Move(String fingerprint, long current, long previous) {
    }

    List<Move> movers(String env, int hours, int hi, int limit) {
        int curLo = hi - hours + 1;
        int prevLo = curLo - hours;
        List<Move> out = new ArrayList<>();
        for (String message : FourteenDays.ALL) {
            long cur = Arrays.stream(series(message, env, curLo, hi)).sum();
            long prev = Arrays.stream(series(message, env, prevLo, curLo - 1)).sum();
            if (cur != prev) {
                out.add(new Move(FourteenDays.fingerprint(message), cur, prev));
            }
        }
        out.sort(Comparator.comparingLong((Move m) -> Math.abs(m.current() - m.previous())).reversed()
                .thenComparing(Move::fingerprint));
        return out.subList(0, Math.min(limit, out.size()));
    }

    record Pair(String a, String b, double r, int shared) {
    }

    List<Pair> correlations(String env, int lo, int hi, int minActive, double minR, int limit) {
        Map<String, long[]> qualified = new TreeMap<>();
        for (String message : FourteenDays.ALL) {
            long[] s = series(message, env, lo, hi);
            long active = Arrays.stream(s).filter(c -> c > 0).count();
            boolean constant = Arrays.stream(s).distinct().count() == 1;
            if (active >= minActive && !constant) {
                qualified.put(FourteenDays.fingerprint(message), s);
            }
        }
        List<String> fps = new ArrayList<>(qualified.keySet());
        List<Pair> out = new ArrayList<>();
        for (int i = 0; i < fps.size(); i++) {
            for (int j = i + 1; j < fps.size(); j++) {
                long[] x = qualified.get(fps.get(i));
                long[] y = qualified.get(fps.get(j));
                double mx = mean(x, 0, x.length);
                double my = mean(y, 0, y.length);
                double sxy = 0;
                double sxx = 0;
                double syy = 0;
                int shared = 0;
                for (int h = 0; h < x.length; h++) {
                    sxy += (x[h] - mx) * (y[h] - my);
                    sxx += (x[h] - mx) * (x[h] - mx);
                    syy += (y[h] - my) * (y[h] - my);
                    if (x[h] > 0 && y[h] > 0) {
                        shared++;
                    }
                }
                double r = sxy / Math.sqrt(sxx * syy);
                if (Math.abs(r) >= minR) {
                    out.add(new Pair(fps.get(i), fps.get(j), r, shared));
                }
            }
        }
        out.sort(Comparator.comparingDouble((Pair p) -> Math.abs(p.r())).reversed().thenComparing(Pair::a)
                .thenComparing(Pair::b));
        return out.subList(0, Math.min(limit, out.size()));
    }

    record Env(String environment, long total, long uniqueIssues, double share, double p50, double p90, double p99) {
    }

    /** Linear interpolation between closest ranks: position p·(n−1) in the sorted values. */
    static double percentile(long[] values, double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        double pos = p * (sorted.length - 1);
        int below = (int) Math.floor(pos);
        int above = Math.min(sorted.length - 1, below + 1);
        return sorted[below] + (pos - below) * (sorted[above] - sorted[below]);
    }

    List<Env> environments(int lo, int hi) {
        Map<String, long[]> hourly = new TreeMap<>();
        Map<String, TreeSet<String>> issues = new HashMap<>();
        for (Planned p : data.planned) {
            int h = data.hourOf(p.k());
            if (h < lo || h > hi) {
                continue;
            }
            hourly.computeIfAbsent(p.environment(), e -> new long[hi - lo + 1])[h - lo] += p.count();
            issues.computeIfAbsent(p.environment(), e -> new TreeSet<>()).add(p.message());
        }
        long grand = hourly.values().stream().flatMapToLong(Arrays::stream).sum();
        List<Env> out = new ArrayList<>();
        hourly.forEach((env, counts) -> {
            long total = Arrays.stream(counts).sum();
            out.add(new Env(env, total, issues.get(env).size(), total * 100.0 / grand, percentile(counts, 0.5),
                    percentile(counts, 0.9), percentile(counts, 0.99)));
        });
        out.sort(Comparator.comparingLong(Env::total).reversed().thenComparing(Env::environment));
        return out;
    }

    record Release(String release, long firstSeen, long lastSeen, long events, long issues, long newIssues,
                   long regressions, double exposureHours, double perHour, Double changePct, Double impact) {
    }

    /** Releases in order of first event; REGRESSED came back with its first event after being resolved. */
    List<Release> releases(String env) {
        Map<String, long[]> span = new LinkedHashMap<>();   // release -> {first, last, events}
        Map<String, TreeSet<String>> issues = new HashMap<>();
        Map<String, Object[]> firstOfIssue = new HashMap<>();   // message -> {time, release}
        String regressionRelease = null;
        long firstBack = Long.MAX_VALUE;
        for (Planned p : data.planned) {
            if (!in(p, env)) {
                continue;
            }
            for (int i = 0; i < p.count(); i++) {
                long at = data.receivedAt(p, i);
                long[] s = span.computeIfAbsent(p.release(), r -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE, 0});
                s[0] = Math.min(s[0], at);
                s[1] = Math.max(s[1], at);
                s[2]++;
                issues.computeIfAbsent(p.release(), r -> new TreeSet<>()).add(p.message());
                Object[] f = firstOfIssue.get(p.message());
                if (f == null || at < (Long) f[0]) {
                    firstOfIssue.put(p.message(), new Object[] {at, p.release()});
                }
                if (p.message().equals(FourteenDays.REGRESSED) && p.k() >= FourteenDays.RESOLVE_AT && at < firstBack) {
                    firstBack = at;
                    regressionRelease = p.release();
                }
            }
        }
        List<String> order = new ArrayList<>(span.keySet());
        order.sort(Comparator.comparingLong((String r) -> span.get(r)[0]).thenComparing(r -> r));
        List<Release> out = new ArrayList<>();
        Release previous = null;
        for (String rel : order) {
            long[] s = span.get(rel);
            long fresh = firstOfIssue.values().stream().filter(f -> f[1].equals(rel)).count();
            long regressions = rel.equals(regressionRelease) ? 1 : 0;
            double exposure = Math.max(1.0, (s[1] - s[0]) / 3_600_000.0);
            double perHour = s[2] / exposure;
            Double change = previous == null ? null : (perHour - previous.perHour()) / previous.perHour() * 100.0;
            Double impact = previous == null ? null
                    : fresh * 10.0 + regressions * 5.0 + (change == null ? 0 : Math.max(0, change)) / 10.0;
            Release r = new Release(rel, s[0], s[1], s[2], issues.get(rel).size(), fresh, regressions, exposure,
                    perHour, change, impact);
            out.add(r);
            previous = r;
        }
        return out;
    }
}
