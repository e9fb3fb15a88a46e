#!/usr/bin/env python3
"""Seeds a migrated bloop database directly (no ingest) for the triage query bench: EVENTS raw events
over GROUPS issues in one project, spread over the last 14 days by a skewed (Zipf-like) popularity,
two environments, 20 releases, 20,000 users; with the aggregates the writer would have made from
them (error_groups with users_affected, group_counts, group_env_counts, hourly_counts,
project_hourly_counts, group_users), a tenth of the issues assigned and a fifth resolved.

usage: seed_triage.py DB EVENTS GROUPS
"""
import random
import sqlite3
import sys
import time


def main():
    db, events, groups = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(23)
    now = int(time.time() * 1000)
    hour = 3_600_000
    start = now - 14 * 24 * hour
    weights = [1.0 / (i + 1) ** 0.8 for i in range(groups)]
    picks = rng.choices(range(groups), weights=weights, k=events)
    c = sqlite3.connect(db)
    c.execute("PRAGMA journal_mode=WAL")
    c.execute("PRAGMA synchronous=OFF")
    c.execute("INSERT OR IGNORE INTO users (id, username, user_handle, is_admin, created_at) "
              "VALUES ('u-bench', 'bench', 'h-bench', 1, 0)")
    fp = ["%016x" % (0x1000000000000000 + g) for g in range(groups)]
    grp = {}
    counts, envc, hourly, phourly, users = {}, {}, {}, {}, set()
    raw = []
    for n, g in enumerate(picks):
        at = rng.randrange(start, now)
        env = "prod" if rng.random() < 0.7 else "staging"
        rel = "1.%d.%d" % (g % 4, rng.randrange(5))
        user = "user-%d" % rng.randrange(20000)
        raw.append(("default", fp[g], at, at, "api", env, rel, "TypeError",
                    "Cannot read property 'field%d' of undefined" % g, user))
        s = grp.setdefault(g, [0, at, at, rel])
        s[0] += 1
        if at < s[1]:
            s[1] = at
        if at >= s[2]:
            s[2], s[3] = at, rel
        for table, key in ((counts, (rel, env, g)), (envc, (env, g))):
            t = table.setdefault(key, [0, at, at])
            t[0] += 1
            t[1] = min(t[1], at)
            t[2] = max(t[2], at)
        b = at // hour * hour
        hourly[(g, b, env)] = hourly.get((g, b, env), 0) + 1
        phourly[b] = phourly.get(b, 0) + 1
        users.add((g, user))
        if len(raw) == 100_000:
            c.executemany("INSERT INTO raw_events (project_id, fingerprint, received_at, timestamp, source, environment, "
                          "release, error_type, message, user_id_hash) VALUES (?,?,?,?,?,?,?,?,?,?)", raw)
            raw = []
    if raw:
        c.executemany("INSERT INTO raw_events (project_id, fingerprint, received_at, timestamp, source, environment, "
                      "release, error_type, message, user_id_hash) VALUES (?,?,?,?,?,?,?,?,?,?)", raw)
    per_group_users = {}
    for g, _ in users:
        per_group_users[g] = per_group_users.get(g, 0) + 1
    c.executemany("INSERT INTO error_groups (project_id, fingerprint, error_type, message, source, status, total_count, "
                  "first_seen, last_seen, last_release, grouping_version, grouping_kind, grouping_message, "
                  "assignee_id, users_affected) VALUES ('default', ?, 'TypeError', ?, 'api', ?, ?, ?, ?, ?, 2, "
                  "'computed', ?, ?, ?)",
                  [(fp[g], "Cannot read property 'field%d' of undefined" % g,
                    "resolved" if g % 5 == 0 else "unresolved", s[0], s[1], s[2], s[3],
                    "cannot read property 'field<n>' of undefined", "u-bench" if g % 10 == 0 else None,
                    per_group_users.get(g, 0)) for g, s in grp.items()])
    c.executemany("INSERT INTO group_counts VALUES ('default', ?, ?, ?, ?, ?, ?)",
                  [(r, e, fp[g], v[0], v[1], v[2]) for (r, e, g), v in counts.items()])
    c.executemany("INSERT INTO group_env_counts VALUES ('default', ?, ?, ?, ?, ?)",
                  [(e, fp[g], v[0], v[1], v[2]) for (e, g), v in envc.items()])
    c.executemany("INSERT INTO hourly_counts VALUES ('default', ?, ?, ?, ?)",
                  [(fp[g], b, e, v) for (g, b, e), v in hourly.items()])
    c.executemany("INSERT INTO project_hourly_counts VALUES ('default', ?, ?)", list(phourly.items()))
    c.executemany("INSERT INTO group_users VALUES ('default', ?, ?)", [(fp[g], u) for g, u in users])
    c.commit()
    c.execute("ANALYZE")
    c.close()
    print("seeded events=%d groups=%d hourly_rows=%d group_users=%d" % (events, len(grp), len(hourly), len(users)))


if __name__ == "__main__":
    main()
