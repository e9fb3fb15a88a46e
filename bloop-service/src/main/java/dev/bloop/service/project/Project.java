package dev.bloop.service.project;

/**
 * A project and its ingest credentials. The secret is the HMAC key; the key is public. The number
 * and the Sentry key make up the project's Sentry DSN ({@code http(s)://<sentry key>@<host>/<number>}).
 */
public record Project(String id, String slug, String name, String ingestKey, String ingestSecret, long createdAt,
                      String createdBy, long numericId, String sentryKey) {
    public static final String DEFAULT_ID = "default";

    public Project(String id, String slug, String name, String ingestKey, String ingestSecret, long createdAt,
                   String createdBy) {
        this(id, slug, name, ingestKey, ingestSecret, createdAt, createdBy, 0, null);
    }

    public Project(String id, String slug, String name, String ingestKey, String ingestSecret, long createdAt) {
        this(id, slug, name, ingestKey, ingestSecret, createdAt, null);
    }
}
