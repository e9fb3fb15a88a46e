package dev.bloop.service.llm.proxy;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The optional headers that group proxied calls: {@code X-Bloop-Trace-Id} (calls with one id become
 * spans of one trace), {@code X-Bloop-Session-Id}, {@code X-Bloop-User-Id}, {@code X-Bloop-Trace-Name},
 * {@code X-Bloop-Experiment} and {@code X-Bloop-Variant}.
 */
record Grouping(String traceId, String sessionId, String userId, String traceName, String experiment,
                String variant) {
    static final int MAX_ID_CHARS = 128;
    static final int MAX_NAME_CHARS = 200;

    /** A header that breaks a limit: the request is refused (400) before anything is forwarded. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        final String header;

        Invalid(String message, String header) {
            super(message);
            this.header = header;
        }
    }

    static Grouping of(HttpServletRequest req) throws Invalid {
        Grouping g = new Grouping(header(req, "X-Bloop-Trace-Id", MAX_ID_CHARS),
                header(req, "X-Bloop-Session-Id", MAX_NAME_CHARS), header(req, "X-Bloop-User-Id", MAX_NAME_CHARS),
                header(req, "X-Bloop-Trace-Name", MAX_NAME_CHARS), header(req, "X-Bloop-Experiment", MAX_ID_CHARS),
                header(req, "X-Bloop-Variant", MAX_ID_CHARS));
        if (g.variant != null && g.experiment == null) {
            throw new Invalid("X-Bloop-Variant needs X-Bloop-Experiment, the experiment it belongs to",
                    "X-Bloop-Experiment");
        }
        return g;
    }

    private static String header(HttpServletRequest req, String name, int max) throws Invalid {
        String v = req.getHeader(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        v = v.strip();
        if (v.length() > max) {
            throw new Invalid(name + " must be at most " + max + " characters", name);
        }
        return v;
    }
}
