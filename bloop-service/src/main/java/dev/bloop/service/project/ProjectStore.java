package dev.bloop.service.project;

import dev.bloop.service.store.Database;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** SQL for projects. */
public final class ProjectStore {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "id, slug, name, ingest_key, ingest_secret, created_at";
    private static final RowMapper<Project> ROW = (rs, ctx) -> new Project(rs.getString(1), rs.getString(2),
            rs.getString(3), rs.getString(4), rs.getString(5), rs.getLong(6));

    private final Jdbi writer;
    private final Jdbi reader;

    public ProjectStore(Database db) {
        this.writer = db.writer();
        this.reader = db.reader();
    }

    /** Creates the {@code default} project on a fresh database; a no-op afterwards. */
    public void ensureDefaultProject() {
        writer.useHandle(h -> h.createUpdate("INSERT OR IGNORE INTO projects (" + COLUMNS + ") "
                        + "VALUES (:id, :slug, :name, :key, :secret, :now)")
                .bind("id", Project.DEFAULT_ID)
                .bind("slug", Project.DEFAULT_ID)
                .bind("name", "Default")
                .bind("key", newIngestKey())
                .bind("secret", newIngestSecret())
                .bind("now", System.currentTimeMillis())
                .execute());
    }

    public Optional<Project> findByIngestKey(String ingestKey) {
        return reader.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM projects WHERE ingest_key = :key")
                .bind("key", ingestKey)
                .map(ROW)
                .findOne());
    }

    public Optional<Project> findBySlug(String slug) {
        return reader.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM projects WHERE slug = :slug")
                .bind("slug", slug)
                .map(ROW)
                .findOne());
    }

    /** Public ingest key: {@code bloop_pk_} + 16 random bytes, base64url. */
    static String newIngestKey() {
        return "bloop_pk_" + random(16);
    }

    /** Ingest secret (the HMAC key): {@code bloop_sk_} + 32 random bytes, base64url. */
    static String newIngestSecret() {
        return "bloop_sk_" + random(32);
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
