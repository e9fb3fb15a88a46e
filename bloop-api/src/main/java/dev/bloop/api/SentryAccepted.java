package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The answer of the Sentry-compatible endpoints to a request they took: {@code {"id": "<event id>"}},
 * the Sentry event id (32 hex characters) of the event it carried, or {@code {}} when it carried none
 * (only sessions, client reports or skipped items), as Sentry answers.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SentryAccepted(@JsonProperty("id") String id) {
}
