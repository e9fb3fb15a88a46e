package dev.bloop.service.fingerprint;

/**
 * What an event was grouped by, kept beside the group so the grouping can be explained and later
 * migrated to a new version.
 *
 * @param fingerprint 16 lower-case hex characters: XXH3-64 of the key
 * @param version     grouping algorithm version
 * @param kind        {@code computed} or {@code client} (the event carried its own fingerprint)
 * @param normalizedMessage the message after normalization ({@code null} for client keys)
 * @param frame       the top in-app frame, or {@code null}
 * @param route       the route used when the event had no stack, or {@code null}
 * @param frameReason why the key has this frame (or none): {@code first in-app frame},
 *                    {@code in_app_include <prefix>}, {@code no in-app frame: first frame},
 *                    {@code no stack: route}, {@code client fingerprint}, ...
 * @param rulesVersion the version of the project's in-app rules in force (0: none set)
 */
public record GroupingKey(String fingerprint, int version, String kind, String normalizedMessage,
                          String frame, String route, String frameReason, int rulesVersion) {
    public static final String COMPUTED = "computed";
    public static final String CLIENT = "client";
}
