package dev.bloop.service.auth;

import dev.bloop.service.access.Secrets;
import dev.bloop.service.store.Database;
import dev.bloop.service.web.ApiProblem;
import java.time.Duration;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Passkey ceremonies waiting for the browser's answer, in the database so that whichever node the
 * answer reaches finds them (several nodes on PostgreSQL). The id the browser holds is kept as its
 * SHA-256; an entry is taken once, and expires after {@code ttl}. At most {@value #MAX_OPEN} are open
 * at once, so unauthenticated "begin" requests cannot grow the table without bound.
 */
final class PasskeyChallenges {
    static final int MAX_OPEN = 10_000;

    private final Jdbi writer;
    private final Duration ttl;

    PasskeyChallenges(Database db, Duration ttl) {
        this.writer = db.writer();
        this.ttl = ttl;
    }

    /** Keeps the ceremony; returns the id the browser's answer must come back with. */
    String remember(PasskeyAuth.Pending p) {
        String id = Secrets.random(32);
        long now = System.currentTimeMillis();
        writer.useTransaction(h -> {
            h.createUpdate("DELETE FROM passkey_challenges WHERE expires_at <= :now").bind("now", now).execute();
            if (h.createQuery("SELECT count(*) FROM passkey_challenges").mapTo(Long.class).one() >= MAX_OPEN) {
                throw new ApiProblem(429, "too many passkey ceremonies in progress: try again in a few minutes", null);
            }
            h.createUpdate("INSERT INTO passkey_challenges (id_hash, kind, challenge, user_id, username, user_handle, "
                            + "invite_id, admin, expires_at) VALUES (:id, :kind, :challenge, :user, :name, :handle, "
                            + ":invite, :admin, :expires)")
                    .bind("id", Secrets.sha256(id)).bind("kind", p.kind().name()).bind("challenge", p.challenge())
                    .bind("user", p.userId()).bind("name", p.username()).bind("handle", p.userHandle())
                    .bind("invite", p.inviteId()).bind("admin", p.admin() ? 1 : 0)
                    .bind("expires", now + ttl.toMillis()).execute();
        });
        return id;
    }

    /** The unexpired ceremony with this id, removed (single use whether or not it then succeeds). */
    Optional<PasskeyAuth.Pending> take(String id) {
        String hash = Secrets.sha256(id);
        long now = System.currentTimeMillis();
        return writer.inTransaction(h -> {
            Optional<PasskeyAuth.Pending> found = h.createQuery("SELECT kind, challenge, user_id, username, "
                            + "user_handle, invite_id, admin FROM passkey_challenges "
                            + "WHERE id_hash = :id AND expires_at > :now")
                    .bind("id", hash).bind("now", now)
                    .map((rs, ctx) -> new PasskeyAuth.Pending(PasskeyAuth.Kind.valueOf(rs.getString("kind")),
                            rs.getBytes("challenge"), rs.getString("user_id"), rs.getString("username"),
                            rs.getString("user_handle"), rs.getString("invite_id"), rs.getLong("admin") == 1))
                    .findOne();
            // Taken by whoever deletes it: two answers racing on two nodes, one wins.
            int deleted = h.createUpdate("DELETE FROM passkey_challenges WHERE id_hash = :id").bind("id", hash)
                    .execute();
            return deleted == 1 ? found : Optional.empty();
        });
    }
}
