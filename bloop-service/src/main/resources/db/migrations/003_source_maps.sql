-- Uploaded Source Map v3 files, gzip-compressed, one per (project, release, file name).
CREATE TABLE source_maps (
    id          INTEGER PRIMARY KEY,
    project_id  TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    release     TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    map_gz      BLOB NOT NULL,
    size_bytes  INTEGER NOT NULL,
    uploaded_at INTEGER NOT NULL,
    UNIQUE (project_id, release, file_name)
);
