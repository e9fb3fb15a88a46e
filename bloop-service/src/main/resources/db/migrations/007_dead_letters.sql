-- Events whose flush failed because of something in the events themselves (a constraint, a bug in
-- an upsert). The writer isolates them by splitting the batch, commits the rest, and keeps these
-- whole here, so nothing acknowledged is lost: counted in /health, listed to admins, re-playable.
-- No foreign key to projects: the failure being recorded may be that very key.
CREATE TABLE dead_letters (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id  TEXT    NOT NULL,
    received_at INTEGER NOT NULL,
    failed_at   INTEGER NOT NULL,
    error       TEXT    NOT NULL,
    event       TEXT    NOT NULL
);
CREATE INDEX dead_letters_by_project ON dead_letters (project_id, id);
