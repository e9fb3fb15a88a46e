-- Passkey ceremonies in progress (registration, sign-in): kept in the database rather than in one
-- node's memory, so that a ceremony started through one bloop node can finish through another
-- (several nodes on PostgreSQL). The id the browser holds is stored as its SHA-256 only.
CREATE TABLE passkey_challenges (
    id_hash     TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    challenge   BLOB NOT NULL,
    user_id     TEXT,
    username    TEXT,
    user_handle TEXT,
    invite_id   TEXT,
    admin       INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX passkey_challenges_by_expiry ON passkey_challenges (expires_at);
