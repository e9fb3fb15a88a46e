package dev.bloop.service.alert;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a rule tells its channels. This is also the documented JSON body of webhook channels.
 *
 * @param reason what happened, for people: "New issue", "Regression", "Threshold: 12 events in 300 s", ...
 * @param count  the events behind the alert (1 for a new issue; the window's count for thresholds and spikes)
 * @param url    the group in bloop
 * @param assignee the username of the person on the group (null: nobody, or not about a group)
 */
record Notification(@JsonProperty("rule") RuleRef rule,
                    @JsonProperty("project_id") String projectId,
                    @JsonProperty("fingerprint") String fingerprint,
                    @JsonProperty("error_type") String errorType,
                    @JsonProperty("message") String message,
                    @JsonProperty("release") String release,
                    @JsonProperty("environment") String environment,
                    @JsonProperty("count") long count,
                    @JsonProperty("reason") String reason,
                    @JsonProperty("url") String url,
                    @JsonProperty("timestamp") long timestamp,
                    @JsonProperty("source") String source,
                    @JsonProperty("assignee") String assignee) {

    record RuleRef(@JsonProperty("id") long id, @JsonProperty("name") String name, @JsonProperty("type") String type) {
    }

    String title() {
        return "[bloop] " + reason + ": " + errorType + ": " + message;
    }

    String text() {
        return reason + " (rule \"" + rule.name() + "\")\n" + errorType + ": " + message + "\n"
                + "release " + (release == null ? "-" : release) + ", environment " + (environment == null ? "-" : environment)
                + ", " + count + (count == 1 ? " event" : " events") + "\n"
                + (assignee == null ? "" : "assigned to " + assignee + "\n") + url;
    }
}
