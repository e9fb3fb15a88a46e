package dev.bloop.service.auth;

import dev.bloop.service.access.User;
import dev.bloop.service.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** SQL for users, their passkeys and invites. */
final class UserStore {
    private static final String USER_COLUMNS = "id, username, user_handle, is_admin, created_at";
    private static final RowMapper<User> USER = (rs, ctx) -> user(rs);
    private static final String PASSKEY_COLUMNS = "id, user_id, attested_data, sign_count, uv_initialized, "
            + "backup_eligible, backup_state, transports";

    private final Jdbi writer;
    private final Jdbi reader;

    UserStore(Database db) {
        this.writer = db.writer();
        this.reader = db.reader();
    }

    boolean anyUsers() {
        return reader.withHandle(h -> h.createQuery("SELECT EXISTS (SELECT 1 FROM users)").mapTo(Boolean.class).one());
    }

    Optional<User> byId(String id) {
        return reader.withHandle(h -> h.createQuery("SELECT " + USER_COLUMNS + " FROM users WHERE id = :id")
                .bind("id", id).map(USER).findOne());
    }

    Optional<User> byUsername(String username) {
        return reader.withHandle(h -> h.createQuery("SELECT " + USER_COLUMNS + " FROM users WHERE username = :u")
                .bind("u", username).map(USER).findOne());
    }

    List<User> list() {
        return reader.withHandle(h -> h.createQuery("SELECT " + USER_COLUMNS + " FROM users ORDER BY created_at, id")
                .map(USER).list());
    }

    boolean setAdmin(String id, boolean admin) {
        return writer.withHandle(h -> h.createUpdate("UPDATE users SET is_admin = :a WHERE id = :id")
                .bind("a", admin ? 1 : 0).bind("id", id).execute()) == 1;
    }

    /** Sessions, passkeys and memberships go with the user (foreign keys cascade). */
    boolean delete(String id) {
        return writer.withHandle(h -> h.createUpdate("DELETE FROM users WHERE id = :id").bind("id", id).execute()) == 1;
    }

    /**
     * Inserts the first user as admin, only if there is still no user: the check and the insert are one
     * write transaction, so two racing registrations cannot both become the first admin.
     */
    boolean insertFirstAdmin(User user, StoredPasskey passkey, long now) {
        return writer.inTransaction(h -> {
            boolean empty = !h.createQuery("SELECT EXISTS (SELECT 1 FROM users)").mapTo(Boolean.class).one();
            if (!empty) {
                return false;
            }
            insertUser(h, user);
            insertPasskey(h, passkey, now);
            return true;
        });
    }

    /**
     * Spends the invite and creates its user in one transaction; false when the invite was used,
     * revoked or expired meanwhile.
     */
    boolean insertInvited(User user, StoredPasskey passkey, String inviteId, long now) {
        return writer.inTransaction(h -> {
            int spent = h.createUpdate("UPDATE invites SET used_at = :now "
                            + "WHERE id = :id AND used_at IS NULL AND expires_at > :now")
                    .bind("now", now).bind("id", inviteId).execute();
            if (spent != 1) {
                h.rollback();
                return false;
            }
            insertUser(h, user);
            insertPasskey(h, passkey, now);
            h.createUpdate("UPDATE invites SET used_by = :user WHERE id = :id")
                    .bind("user", user.id()).bind("id", inviteId).execute();
            h.createUpdate("INSERT INTO project_members (project_id, user_id, created_at) "
                            + "SELECT project_id, :user, :now FROM invites WHERE id = :id AND project_id IS NOT NULL")
                    .bind("user", user.id()).bind("now", now).bind("id", inviteId).execute();
            return true;
        });
    }

    Optional<StoredPasskey> passkey(String credentialId) {
        return reader.withHandle(h -> h.createQuery("SELECT " + PASSKEY_COLUMNS + " FROM passkeys WHERE id = :id")
                .bind("id", credentialId).map((rs, ctx) -> passkey(rs)).findOne());
    }

    List<String> passkeyIdsOf(String userId) {
        return reader.withHandle(h -> h.createQuery("SELECT id FROM passkeys WHERE user_id = :u ORDER BY created_at")
                .bind("u", userId).mapTo(String.class).list());
    }

    /** Records a successful login: the new counter, and when it was used. */
    void passkeyUsed(String credentialId, long signCount, Boolean backupState, long now) {
        writer.useHandle(h -> h.createUpdate("UPDATE passkeys SET sign_count = :c, last_used_at = :now, "
                        + "backup_state = COALESCE(:bs, backup_state) WHERE id = :id")
                .bind("c", signCount).bind("now", now).bind("bs", backupState == null ? null : backupState ? 1 : 0)
                .bind("id", credentialId).execute());
    }

    private static void insertUser(Handle h, User user) {
        h.createUpdate("INSERT INTO users (" + USER_COLUMNS + ") VALUES (:id, :name, :handle, :admin, :at)")
                .bind("id", user.id()).bind("name", user.username()).bind("handle", user.userHandle())
                .bind("admin", user.admin() ? 1 : 0).bind("at", user.createdAt()).execute();
    }

    private static void insertPasskey(Handle h, StoredPasskey p, long now) {
        h.createUpdate("INSERT INTO passkeys (id, user_id, name, attested_data, sign_count, uv_initialized, "
                        + "backup_eligible, backup_state, transports, created_at) VALUES (:id, :user, 'passkey', "
                        + ":data, :count, :uv, :be, :bs, :transports, :now)")
                .bind("id", p.credentialId()).bind("user", p.userId()).bind("data", p.attestedData())
                .bind("count", p.signCount()).bind("uv", p.uvInitialized() ? 1 : 0)
                .bind("be", p.backupEligible() == null ? null : p.backupEligible() ? 1 : 0)
                .bind("bs", p.backupState() == null ? null : p.backupState() ? 1 : 0)
                .bind("transports", p.transports()).bind("now", now).execute();
    }

    /** A user from the {@code users} columns of {@link #USER_COLUMNS} (Sessions reads them joined). */
    static User user(ResultSet rs) throws SQLException {
        return new User(rs.getString("id"), rs.getString("username"), rs.getString("user_handle"),
                rs.getInt("is_admin") == 1, rs.getLong("created_at"));
    }

    private static StoredPasskey passkey(ResultSet rs) throws SQLException {
        return new StoredPasskey(rs.getString("id"), rs.getString("user_id"), rs.getBytes("attested_data"),
                rs.getLong("sign_count"), rs.getInt("uv_initialized") == 1, nullableBool(rs, "backup_eligible"),
                nullableBool(rs, "backup_state"), rs.getString("transports"));
    }

    private static Boolean nullableBool(ResultSet rs, String col) throws SQLException {
        int v = rs.getInt(col);
        return rs.wasNull() ? null : v == 1;
    }
}
