-- Passkey ceremonies in progress (registration, sign-in): kept in the database rather than in one
-- node's memory, so that a ceremony started through one bloop node can finish through another
-- (several nodes on PostgreSQL). The id the browser holds is stored as its SHA-256 only.
CREATE TABLE passkey_challenges (
    id_hash     TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    challenge   BYTEA NOT NULL,
    user_id     TEXT,
    username    TEXT,
    user_handle TEXT,
    invite_id   TEXT,
    admin       BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX passkey_challenges_by_expiry ON passkey_challenges (expires_at);

-- SQLite's REAL is an 8-byte float, PostgreSQL's a 4-byte one: the baseline's scores kept only about
-- seven digits (a mean of 0.5 read back as 0.49999999503).
ALTER TABLE llm_scores ALTER COLUMN value TYPE DOUBLE PRECISION;
