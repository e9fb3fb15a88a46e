package dev.bloop.api.llm;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** {@code format=batch}: the body of LangSmith's {@code POST /runs/batch}, to be sent as it is. */
public record LangSmithBatch(@JsonProperty("post") List<LangSmithRun> post) {
}
