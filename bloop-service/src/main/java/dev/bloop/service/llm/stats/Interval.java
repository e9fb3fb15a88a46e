package dev.bloop.service.llm.stats;

/** A closed interval [low, high], e.g. a confidence interval. */
public record Interval(double low, double high) {

    /** Whether x lies inside, ends included. */
    public boolean contains(double x) {
        return x >= low && x <= high;
    }

    /** Whether the whole interval is above (1), below (-1) or around (0) x. */
    public int side(double x) {
        return low > x ? 1 : high < x ? -1 : 0;
    }
}
