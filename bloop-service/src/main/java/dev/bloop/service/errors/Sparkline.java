package dev.bloop.service.errors;

/** The sparkline a list row may carry: 24 hourly or 14 daily counts (days in UTC). */
enum Sparkline {
    HOURS_24("24h", 24, ErrorQueries.HOUR_MS), DAYS_14("14d", 14, 24 * ErrorQueries.HOUR_MS);

    final String wire;
    final int points;
    final long stepMs;

    Sparkline(String wire, int points, long stepMs) {
        this.wire = wire;
        this.points = points;
        this.stepMs = stepMs;
    }

    /** Null when absent; a 400 naming {@code sparkline} when it is neither 24h nor 14d. */
    static Sparkline parse(String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        for (Sparkline s : values()) {
            if (s.wire.equals(raw.trim())) {
                return s;
            }
        }
        throw new BadParameterException("sparkline", "sparkline must be 24h or 14d");
    }
}
