package dev.bloop.service.llm.eval;

import dev.bloop.service.web.ApiProblem;
import java.nio.charset.StandardCharsets;

/** Field checks shared by scores and feedback; each failure is a 400 naming the field. */
final class Checks {
    static final int MAX_COMMENT_BYTES = 500;
    static final int MAX_ID_CHARS = 128;

    private Checks() {
    }

    static String comment(String comment) {
        if (comment != null && comment.getBytes(StandardCharsets.UTF_8).length > MAX_COMMENT_BYTES) {
            throw ApiProblem.badRequest("comment must be at most " + MAX_COMMENT_BYTES + " bytes (UTF-8)", "comment");
        }
        return comment == null || comment.isEmpty() ? null : comment;
    }

    static void traceId(String id) {
        if (id.isEmpty() || id.length() > MAX_ID_CHARS) {
            throw ApiProblem.badRequest("id must be 1 to " + MAX_ID_CHARS + " characters", "id");
        }
    }

    /** 1 to max characters of ASCII letters, digits, '_' and '-'. */
    static boolean word(String s, int max) {
        if (s == null || s.isEmpty() || s.length() > max) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
