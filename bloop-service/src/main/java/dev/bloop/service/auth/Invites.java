package dev.bloop.service.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bloop.service.access.Secrets;
import dev.bloop.service.store.Database;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Single-use invitations. The token ({@code bloop_inv_} + 32 random bytes) is shown once to the admin
 * who creates it; only its SHA-256 is kept. An invite expires after 7 days and may name a project
 * the new user joins.
 */
public final class Invites {
    static final String PREFIX = "bloop_inv_";
    static final Duration TTL = Duration.ofDays(7);
    private static final String COLUMNS = "id, token_prefix, project_id, is_admin, created_by, created_at, "
            + "expires_at, used_at, used_by";

    /** An invite as listed (never its token). Times are epoch ms. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Invite(@JsonProperty("id") String id,
                         @JsonProperty("token_prefix") String tokenPrefix,
                         @JsonProperty("project_id") String projectId,
                         @JsonProperty("is_admin") boolean admin,
                         @JsonProperty("created_by") String createdBy,
                         @JsonProperty("created_at") long createdAt,
                         @JsonProperty("expires_at") long expiresAt,
                         @JsonProperty("used_at") Long usedAt,
                         @JsonProperty("used_by") String usedBy) {
        @JsonProperty("used")
        public boolean used() {
            return usedAt != null;
        }

        boolean usableAt(long now) {
            return usedAt == null && expiresAt > now;
        }
    }

    /** A new invite with its token, shown once. */
    public record Created(String token, Invite invite) {
    }

    private static final RowMapper<Invite> ROW = (rs, ctx) -> new Invite(rs.getString(1), rs.getString(2),
            rs.getString(3), rs.getInt(4) == 1, rs.getString(5), rs.getLong(6), rs.getLong(7),
            rs.getObject(8) == null ? null : rs.getLong(8), rs.getString(9));

    private final Jdbi writer;
    private final Jdbi reader;

    public Invites(Database db) {
        this.writer = db.writer();
        this.reader = db.reader();
    }

    public Created create(String createdBy, String projectId, boolean admin) {
        String token = PREFIX + Secrets.random(32);
        long now = System.currentTimeMillis();
        Invite invite = new Invite(UUID.randomUUID().toString(), token.substring(0, 16), projectId, admin, createdBy,
                now, now + TTL.toMillis(), null, null);
        writer.useHandle(h -> h.createUpdate("INSERT INTO invites (id, token_hash, token_prefix, project_id, is_admin, "
                        + "created_by, created_at, expires_at) VALUES (:id, :hash, :prefix, :project, :admin, :by, "
                        + ":at, :exp)")
                .bind("id", invite.id()).bind("hash", Secrets.sha256(token)).bind("prefix", invite.tokenPrefix())
                .bind("project", projectId).bind("admin", admin ? 1 : 0).bind("by", createdBy).bind("at", now)
                .bind("exp", invite.expiresAt()).execute());
        return new Created(token, invite);
    }

    public List<Invite> list() {
        return reader.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM invites ORDER BY created_at DESC, id")
                .map(ROW).list());
    }

    /** The unused, unexpired invite for this token. */
    Optional<Invite> usable(String token) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 128) {
            return Optional.empty();
        }
        long now = System.currentTimeMillis();
        return reader.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM invites WHERE token_hash = :hash")
                .bind("hash", Secrets.sha256(token)).map(ROW).findOne()).filter(i -> i.usableAt(now));
    }

    /** Withdraws an unused invite. */
    public boolean revoke(String id) {
        return writer.withHandle(h -> h.createUpdate("DELETE FROM invites WHERE id = :id AND used_at IS NULL")
                .bind("id", id).execute()) == 1;
    }
}
