-- People who sign in to the dashboard with passkeys. user_handle is the WebAuthn user.id (random,
-- not the username) so authenticators never learn anything about the account from it.
CREATE TABLE users (
    id          TEXT PRIMARY KEY,
    username    TEXT NOT NULL UNIQUE COLLATE NOCASE,
    user_handle TEXT NOT NULL UNIQUE,
    is_admin    INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);

-- One row per passkey. id is the credential id (base64url); attested_data is webauthn4j's binary
-- form of the attested credential data (AAGUID, credential id, COSE public key).
CREATE TABLE passkeys (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    attested_data BLOB NOT NULL,
    sign_count    INTEGER NOT NULL,
    uv_initialized INTEGER NOT NULL DEFAULT 0,
    backup_eligible INTEGER,
    backup_state  INTEGER,
    transports    TEXT,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER
);
CREATE INDEX passkeys_by_user ON passkeys (user_id);

-- Only the SHA-256 of the cookie value is stored. csrf_token is handed to the page that owns the
-- session, for clients that cannot send a same-origin Origin header.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Single-use invitations, stored hashed like tokens; the new user joins project_id (if set).
CREATE TABLE invites (
    id           TEXT PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    token_prefix TEXT NOT NULL,
    project_id   TEXT REFERENCES projects (id) ON DELETE CASCADE,
    is_admin     INTEGER NOT NULL DEFAULT 0,
    created_by   TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER,
    used_by      TEXT REFERENCES users (id) ON DELETE SET NULL
);

-- Who may see and manage a project. Admins see every project without a row here.
CREATE TABLE project_members (
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (project_id, user_id)
) WITHOUT ROWID;
CREATE INDEX project_members_by_user ON project_members (user_id, project_id);

ALTER TABLE projects ADD COLUMN created_by TEXT;
