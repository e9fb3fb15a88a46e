package dev.bloop.service.token;

import dev.bloop.service.access.Scope;
import dev.bloop.service.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/** SQL for API tokens. */
final class TokenStore {
    private static final String COLUMNS = "id, name, token_prefix, project_id, scopes, created_by, created_at, "
            + "expires_at, last_used_at, revoked_at";
    private final Jdbi writer;
    private final Jdbi reader;

    TokenStore(Database db) {
        this.writer = db.writer();
        this.reader = db.reader();
    }

    void insert(ApiToken t, String hash) {
        writer.useHandle(h -> h.createUpdate("INSERT INTO api_tokens (id, name, token_hash, token_prefix, project_id, "
                        + "scopes, created_by, created_at, expires_at) VALUES (:id, :name, :hash, :prefix, :project, "
                        + ":scopes, :createdBy, :createdAt, :expiresAt)")
                .bind("id", t.id()).bind("name", t.name()).bind("hash", hash).bind("prefix", t.prefix())
                .bind("project", t.projectId()).bind("scopes", join(t.scopes())).bind("createdBy", t.createdBy())
                .bind("createdAt", t.createdAt()).bind("expiresAt", t.expiresAt())
                .execute());
    }

    /** The token with this hash. An index lookup by hash: timing reveals nothing of the token itself. */
    Optional<ApiToken> findByHash(String hash) {
        return reader.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM api_tokens WHERE token_hash = :hash")
                .bind("hash", hash)
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    Optional<ApiToken> findById(String id) {
        return reader.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM api_tokens WHERE id = :id")
                .bind("id", id).map((rs, ctx) -> map(rs)).findOne());
    }

    Optional<String> hashOf(String id) {
        return reader.withHandle(h -> h.createQuery("SELECT token_hash FROM api_tokens WHERE id = :id")
                .bind("id", id).mapTo(String.class).findOne());
    }

    List<ApiToken> list(String projectId) {
        return reader.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM api_tokens WHERE project_id = :p "
                        + "ORDER BY created_at DESC, id")
                .bind("p", projectId).map((rs, ctx) -> map(rs)).list());
    }

    boolean revoke(String id, long now) {
        return writer.withHandle(h -> h.createUpdate("UPDATE api_tokens SET revoked_at = :now "
                        + "WHERE id = :id AND revoked_at IS NULL")
                .bind("id", id).bind("now", now).execute()) == 1;
    }

    void touch(String id, long now) {
        writer.useHandle(h -> h.createUpdate("UPDATE api_tokens SET last_used_at = :now WHERE id = :id")
                .bind("id", id).bind("now", now).execute());
    }

    private static ApiToken map(ResultSet rs) throws SQLException {
        return new ApiToken(rs.getString("id"), rs.getString("name"), rs.getString("token_prefix"),
                rs.getString("project_id"), split(rs.getString("scopes")), rs.getString("created_by"),
                rs.getLong("created_at"), nullableLong(rs, "expires_at"), nullableLong(rs, "last_used_at"),
                nullableLong(rs, "revoked_at"));
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static String join(Set<Scope> scopes) {
        return scopes.stream().map(Scope::wire).sorted().collect(Collectors.joining(","));
    }

    private static Set<Scope> split(String scopes) {
        Set<Scope> out = EnumSet.noneOf(Scope.class);
        Arrays.stream(scopes.split(",")).map(Scope::parse).flatMap(Optional::stream).forEach(out::add);
        return out;
    }
}
