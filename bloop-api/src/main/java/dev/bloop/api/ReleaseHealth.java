package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Release health from SDK sessions (Sentry SDKs send them), all environments together: one item of
 * {@code GET /v1/releases} carries it as {@code health} when the release has sessions.
 *
 * @param sessions          sessions started
 * @param crashed           sessions that ended in a crash (an unhandled error)
 * @param abnormal          sessions that ended abnormally (the app was killed, hung, ...)
 * @param errored           sessions with at least one error, crashes included
 * @param crashFreeSessions share of sessions without a crash, 0..1 (null without sessions)
 * @param users             distinct users (the SDK's {@code did}) with a session
 * @param crashedUsers      distinct users with a crashed session
 * @param crashFreeUsers    share of users without a crash, 0..1 (null when no session named its user)
 */
public record ReleaseHealth(@JsonProperty("sessions") long sessions,
                            @JsonProperty("crashed") long crashed,
                            @JsonProperty("abnormal") long abnormal,
                            @JsonProperty("errored") long errored,
                            @JsonProperty("crash_free_sessions") Double crashFreeSessions,
                            @JsonProperty("users") long users,
                            @JsonProperty("crashed_users") long crashedUsers,
                            @JsonProperty("crash_free_users") Double crashFreeUsers) {
}
