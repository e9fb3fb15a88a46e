package dev.bloop.service.auth;

import dev.bloop.api.Invite;
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

    /** A new invite with its token, shown once. */
    public record Created(String token, Invite invite) {
    }

    private static final RowMapper<Invite> ROW = (rs, ctx) -> {
        Long usedAt = rs.getObject("used_at") == null ? null : rs.getLong("used_at");
        return new Invite(rs.getString("id"), rs.getString("token_prefix"), rs.getString("project_id"),
                rs.getInt("is_admin") == 1, rs.getString("created_by"), rs.getLong("created_at"),
                rs.getLong("expires_at"), usedAt, rs.getString("used_by"), usedAt != null);
    };

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
                now, now + TTL.toMillis(), null, null, false);
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
                .bind("hash", Secrets.sha256(token)).map(ROW).findOne()).filter(i -> !i.used() && i.expiresAt() > now);
    }

    /** Withdraws an unused invite. */
    public boolean revoke(String id) {
        return writer.withHandle(h -> h.createUpdate("DELETE FROM invites WHERE id = :id AND used_at IS NULL")
                .bind("id", id).execute()) == 1;
    }
}
