package dev.bloop.service.project;

import dev.bloop.api.ProjectMember;
import dev.bloop.service.access.Secrets;
import dev.bloop.service.store.Database;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** SQL for projects. */
public final class ProjectStore {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "id, slug, name, ingest_key, ingest_secret, created_at, created_by, "
            + "numeric_id, sentry_key";
    private static final RowMapper<Project> ROW = (rs, ctx) -> new Project(rs.getString("id"), rs.getString("slug"),
            rs.getString("name"), rs.getString("ingest_key"), rs.getString("ingest_secret"), rs.getLong("created_at"),
            rs.getString("created_by"), rs.getLong("numeric_id"), rs.getString("sentry_key"));

    private final Jdbi writer;
    private final Jdbi reader;

    public ProjectStore(Database db) {
        this.writer = db.writer();
        this.reader = db.reader();
    }

    /** Creates the {@code default} project on a fresh database; a no-op afterwards. */
    public void ensureDefaultProject() {
        writer.useHandle(h -> h.createUpdate("INSERT INTO projects (id, slug, name, ingest_key, "
                        + "ingest_secret, created_at, sentry_key) VALUES (:id, :slug, :name, :key, :secret, :now, :sentry) "
                        + "ON CONFLICT DO NOTHING")
                .bind("sentry", newSentryKey())
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

    /** By the public key of the project's Sentry DSN. */
    public Optional<Project> findBySentryKey(String sentryKey) {
        return reader.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM projects WHERE sentry_key = :key")
                .bind("key", sentryKey)
                .map(ROW)
                .findOne());
    }

    public Optional<Project> findBySlug(String slug) {
        return reader.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM projects WHERE slug = :slug")
                .bind("slug", slug)
                .map(ROW)
                .findOne());
    }

    /** Creates a project with fresh keys; its creator (when a user) becomes a member. Empty if the slug is taken. */
    public Optional<Project> create(String slug, String name, String createdBy) {
        Project p = new Project(UUID.randomUUID().toString(), slug, name, newIngestKey(), newIngestSecret(),
                System.currentTimeMillis(), createdBy);
        return writer.inTransaction(h -> {
            boolean taken = h.createQuery("SELECT EXISTS (SELECT 1 FROM projects WHERE slug = :slug)")
                    .bind("slug", slug).mapTo(Boolean.class).one();
            if (taken) {
                return Optional.<Project>empty();
            }
            // The number comes from the database (a trigger on insert), the DSN key from SecureRandom.
            h.createUpdate("INSERT INTO projects (id, slug, name, ingest_key, ingest_secret, created_at, created_by, "
                            + "sentry_key) VALUES (:id, :slug, :name, :key, :secret, :at, :by, :sentry)")
                    .bind("id", p.id()).bind("slug", slug).bind("name", name).bind("key", p.ingestKey())
                    .bind("secret", p.ingestSecret()).bind("at", p.createdAt()).bind("by", createdBy)
                    .bind("sentry", newSentryKey()).execute();
            if (createdBy != null) {
                h.createUpdate("INSERT INTO project_members (project_id, user_id, created_at) VALUES (:p, :u, :at)")
                        .bind("p", p.id()).bind("u", createdBy).bind("at", p.createdAt()).execute();
            }
            return h.createQuery("SELECT " + COLUMNS + " FROM projects WHERE id = :id").bind("id", p.id())
                    .map(ROW).findOne();
        });
    }

    public Optional<Project> findById(String id) {
        return reader.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM projects WHERE id = :id")
                .bind("id", id).map(ROW).findOne());
    }

    /** By id first, then by slug: {@code project_id} parameters accept either. */
    public Optional<Project> findByIdOrSlug(String idOrSlug) {
        return findById(idOrSlug).or(() -> findBySlug(idOrSlug));
    }

    /** Every project (admins), oldest first. */
    public List<Project> list() {
        return reader.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM projects ORDER BY created_at, id")
                .map(ROW).list());
    }

    /** What a user may see: every project for an admin, else the ones they belong to; oldest first. */
    public List<Project> visibleTo(String userId, boolean admin) {
        return admin ? list() : listForMember(userId);
    }

    /** The projects a user belongs to, oldest first. */
    public List<Project> listForMember(String userId) {
        return reader.withHandle(h -> h.createQuery("SELECT p.id, p.slug, p.name, p.ingest_key, p.ingest_secret, "
                        + "p.created_at, p.created_by, p.numeric_id, p.sentry_key FROM projects p "
                        + "JOIN project_members m ON m.project_id = p.id "
                        + "WHERE m.user_id = :u ORDER BY p.created_at, p.id")
                .bind("u", userId).map(ROW).list());
    }

    public Set<String> memberProjectIds(String userId) {
        return Set.copyOf(reader.withHandle(h -> h.createQuery("SELECT project_id FROM project_members "
                        + "WHERE user_id = :u").bind("u", userId).mapTo(String.class).list()));
    }

    public boolean rename(String id, String name) {
        return writer.withHandle(h -> h.createUpdate("UPDATE projects SET name = :name WHERE id = :id")
                .bind("name", name).bind("id", id).execute()) == 1;
    }

    /** New ingest key and secret; the caller must also drop cached keys ({@link ProjectKeys#invalidateAll()}). */
    public Optional<Project> rotateKey(String id) {
        writer.useHandle(h -> h.createUpdate("UPDATE projects SET ingest_key = :key, ingest_secret = :secret "
                        + "WHERE id = :id")
                .bind("key", newIngestKey()).bind("secret", newIngestSecret()).bind("id", id).execute());
        return findById(id);
    }

    /** A new public key for the project's Sentry DSN; the caller must also drop cached keys. */
    public Optional<Project> rotateSentryKey(String id) {
        writer.useHandle(h -> h.createUpdate("UPDATE projects SET sentry_key = :key WHERE id = :id")
                .bind("key", newSentryKey()).bind("id", id).execute());
        return findById(id);
    }

    public List<ProjectMember> members(String projectId) {
        return reader.withHandle(h -> h.createQuery("SELECT u.id AS user_id, u.username, u.is_admin, "
                        + "m.created_at AS added_at FROM project_members m JOIN users u ON u.id = m.user_id "
                        + "WHERE m.project_id = :p ORDER BY m.created_at, u.username")
                .bind("p", projectId)
                .map((rs, ctx) -> new ProjectMember(rs.getString("user_id"), rs.getString("username"),
                        rs.getInt("is_admin") == 1, rs.getLong("added_at")))
                .list());
    }

    /** Adds a user to a project; false when the user does not exist. Adding twice is harmless. */
    public boolean addMember(String projectId, String userId) {
        return writer.withHandle(h -> h.createUpdate("INSERT INTO project_members (project_id, user_id, "
                        + "created_at) SELECT :p, id, :at FROM users WHERE id = :u ON CONFLICT DO NOTHING")
                .bind("p", projectId).bind("u", userId).bind("at", System.currentTimeMillis()).execute() == 1
                || h.createQuery("SELECT EXISTS (SELECT 1 FROM project_members WHERE project_id = :p AND user_id = :u)")
                .bind("p", projectId).bind("u", userId).mapTo(Boolean.class).one());
    }

    public boolean removeMember(String projectId, String userId) {
        return writer.withHandle(h -> h.createUpdate("DELETE FROM project_members WHERE project_id = :p "
                        + "AND user_id = :u").bind("p", projectId).bind("u", userId).execute()) == 1;
    }

    /** Public ingest key: {@code bloop_pk_} + 16 random bytes, base64url. */
    static String newIngestKey() {
        return "bloop_pk_" + Secrets.random(16);
    }

    /** Ingest secret (the HMAC key): {@code bloop_sk_} + 32 random bytes, base64url. */
    static String newIngestSecret() {
        return "bloop_sk_" + Secrets.random(32);
    }

    /** DSN public key as Sentry makes them: 16 random bytes, 32 lower-case hex characters. */
    static String newSentryKey() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }
}
