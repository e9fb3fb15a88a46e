package dev.bloop.service.token;

import dev.bloop.service.access.Scope;
import java.util.Set;

/** A stored API token (never its plaintext). Times are epoch ms; null expiry means never. */
public record ApiToken(String id, String name, String prefix, String projectId, Set<Scope> scopes,
                       String createdBy, long createdAt, Long expiresAt, Long lastUsedAt, Long revokedAt) {

    public boolean usableAt(long now) {
        return revokedAt == null && (expiresAt == null || now < expiresAt);
    }
}
