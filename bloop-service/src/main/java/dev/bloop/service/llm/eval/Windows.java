package dev.bloop.service.llm.eval;

/** Windows of whole hours of server time, as the rest of the LLM API: the current hour and the hours - 1 before it. */
final class Windows {
    static final long HOUR_MS = 3_600_000L;

    private Windows() {
    }

    static long since(long now, int hours) {
        return Math.floorDiv(now, HOUR_MS) * HOUR_MS - (hours - 1L) * HOUR_MS;
    }
}
