package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A project with its ingest credentials, for its members: {@code ingest_key} goes in
 * {@code X-Project-Key}, {@code ingest_secret} signs the events (HMAC-SHA256). Times are epoch ms.
 * {@code numeric_id} is the project's number (the last part of a Sentry DSN); {@code legacy_key_signing}
 * says whether the operator lets this project's apps sign with the public key. {@code dsn} and
 * {@code sentry_key} are there while the Sentry-compatible ingest is on.
 */
public record ProjectDetails(@JsonProperty("id") String id,
                             @JsonProperty("slug") String slug,
                             @JsonProperty("name") String name,
                             @JsonProperty("created_at") long createdAt,
                             @JsonProperty("created_by") String createdBy,
                             @JsonProperty("ingest_key") String ingestKey,
                             @JsonProperty("ingest_secret") String ingestSecret,
                             @JsonProperty("numeric_id") long numericId,
                             @JsonProperty("legacy_key_signing") boolean legacyKeySigning,
                             @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("sentry_key") String sentryKey,
                             @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("dsn") String dsn) {
    public ProjectDetails withSentry(String key, String sentryDsn) {
        return new ProjectDetails(id, slug, name, createdAt, createdBy, ingestKey, ingestSecret, numericId,
                legacyKeySigning, key, sentryDsn);
    }
}
