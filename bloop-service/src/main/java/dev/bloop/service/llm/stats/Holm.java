package dev.bloop.service.llm.stats;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Holm-Bonferroni adjustment of several p-values (several metrics, or several variants against A):
 * keeps the chance of any false "winner" at α without Bonferroni's loss of power.
 */
public final class Holm {

    private Holm() {}

    /**
     * The adjusted p-values, in the order given (R's {@code p.adjust(p, "holm")}): a comparison is
     * significant at α when its adjusted p-value is below α.
     */
    public static double[] adjust(double[] p) {
        int m = p.length;
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
        double[] adjusted = new double[m];
        double running = 0;
        for (int k = 0; k < m; k++) {
            int i = order[k];
            running = Math.max(running, Math.min(1, (m - k) * p[i]));
            adjusted[i] = running;
        }
        return adjusted;
    }
}
