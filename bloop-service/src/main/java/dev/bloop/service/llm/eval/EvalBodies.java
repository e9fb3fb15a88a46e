package dev.bloop.service.llm.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.service.ingest.InvalidEvent;
import dev.bloop.service.ingest.JsonProblems;
import dev.bloop.service.web.ApiProblem;

/** Request bodies read strictly: unknown fields, duplicate keys and type coercions are 400s naming the field. */
final class EvalBodies {
    private static final ObjectMapper STRICT = JsonProblems.strictMapper();

    private EvalBodies() {
    }

    static <T> T read(String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            throw ApiProblem.badRequest("request body must be a JSON object", null);
        }
        try {
            T value = STRICT.readValue(body, type);
            if (value == null) {
                throw ApiProblem.badRequest("request body must be a JSON object", null);
            }
            return value;
        } catch (JsonProcessingException e) {
            InvalidEvent problem = JsonProblems.describe(e);
            throw ApiProblem.badRequest(problem.getMessage(), problem.field());
        }
    }

    static ObjectMapper mapper() {
        return STRICT;
    }
}
