package dev.bloop.service.project;

/** A project and its ingest credentials. The secret is the HMAC key; the key is public. */
public record Project(String id, String slug, String name, String ingestKey, String ingestSecret, long createdAt,
                      String createdBy) {
    public static final String DEFAULT_ID = "default";

    public Project(String id, String slug, String name, String ingestKey, String ingestSecret, long createdAt) {
        this(id, slug, name, ingestKey, ingestSecret, createdAt, null);
    }
}
