#!/usr/bin/env python3
"""Fills a migrated bloop database with 30 days of history for the analytics benchmark.

usage: gen_analytics.py DB [EVENTS] [ISSUES] [DAYS]

Writes what bloop's writer would have written for EVENTS events (default 1,000,000) over ISSUES
issues (default 10,000) spread over the last DAYS days (default 30) of server receive time: raw
events (small ones), error_groups, group_counts (per release and environment), group_env_counts,
hourly_counts, project_hourly_counts and some regressions in status_history. Ingest always stamps
"now", so history has to be written directly. Issue sizes follow a Zipf-like law, issues start at
random times, events come from three environments and 20 releases (a new one every 36 hours, the
previous one still sending a fifth of the events).
"""
import random
import sqlite3
import sys
import time

HOUR = 3_600_000


def main():
    db = sys.argv[1]
    events = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    issues = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
    days = int(sys.argv[4]) if len(sys.argv) > 4 else 30
    rng = random.Random(21)
    now = int(time.time() * 1000)
    end_hour = now // HOUR
    hours = days * 24
    first_hour = end_hour - hours + 1
    per_hour = events // hours

    weights = [1.0 / (i + 10) ** 0.9 for i in range(issues)]
    start = [first_hour if rng.random() < 0.3 else first_hour + rng.randrange(hours) for _ in range(issues)]
    fps = ["%016x" % rng.getrandbits(64) for _ in range(issues)]
    envs = ["prod"] * 14 + ["staging"] * 5 + ["dev"]

    def release_at(h):
        r = min(19, (h - first_hour) // 36)
        if r > 0 and rng.random() < 0.2:
            r -= 1
        return "1.%d.0" % r

    c = sqlite3.connect(db)
    c.execute("PRAGMA journal_mode=WAL")
    c.execute("PRAGMA synchronous=OFF")
    hourly = {}
    project_hourly = {}
    counts = {}       # (release, env, fp) -> [count, first, last]
    env_counts = {}   # (env, fp) -> [count, first, last]
    groups = {}       # fp -> [count, first, last, last_release]
    raw = []
    order = sorted(range(issues), key=lambda i: start[i])
    alive = []
    next_issue = 0
    written = 0
    t0 = time.time()
    for h in range(first_hour, end_hour + 1):
        while next_issue < issues and start[order[next_issue]] <= h:
            alive.append(order[next_issue])
            next_issue += 1
        n = per_hour if h < end_hour else max(1, per_hour * int(now % HOUR) // HOUR)
        picks = rng.choices(alive, weights=[weights[i] for i in alive], k=n)
        for j, i in enumerate(picks):
            fp = fps[i]
            env = rng.choice(envs)
            rel = release_at(h)
            at = h * HOUR + (j * (HOUR - 1000)) // max(1, n)
            key = (fp, h, env)
            hourly[key] = hourly.get(key, 0) + 1
            project_hourly[h] = project_hourly.get(h, 0) + 1
            for table, k in ((counts, (rel, env, fp)), (env_counts, (env, fp))):
                v = table.get(k)
                if v is None:
                    table[k] = [1, at, at]
                else:
                    v[0] += 1
                    v[2] = at
            g = groups.get(fp)
            if g is None:
                groups[fp] = [1, at, at, rel, i]
            else:
                g[0] += 1
                g[2] = at
                g[3] = rel
            raw.append(("default", fp, at, at, "api", env, rel, "TypeError",
                        "Cannot read property 'field%d' of undefined" % i, "/api/route/%d" % (i % 50)))
        written += n
        if len(raw) >= 50_000:
            c.executemany("INSERT INTO raw_events (project_id, fingerprint, received_at, timestamp, source, "
                          "environment, release, error_type, message, route_or_procedure) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", raw)
            raw.clear()
    if raw:
        c.executemany("INSERT INTO raw_events (project_id, fingerprint, received_at, timestamp, source, "
                      "environment, release, error_type, message, route_or_procedure) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", raw)
    c.executemany("INSERT INTO error_groups (project_id, fingerprint, error_type, message, source, route_or_procedure, "
                  "status, total_count, first_seen, last_seen, last_release, grouping_version, grouping_kind) "
                  "VALUES ('default', ?, 'TypeError', ?, 'api', ?, 'unresolved', ?, ?, ?, ?, 2, 'computed')",
                  [(fp, "Cannot read property 'field%d' of undefined" % g[4], "/api/route/%d" % (g[4] % 50),
                    g[0], g[1], g[2], g[3]) for fp, g in groups.items()])
    c.executemany("INSERT INTO group_counts (project_id, release, environment, fingerprint, count, first_seen, last_seen) "
                  "VALUES ('default', ?, ?, ?, ?, ?, ?)", [(k[0], k[1], k[2], v[0], v[1], v[2]) for k, v in counts.items()])
    c.executemany("INSERT INTO group_env_counts (project_id, environment, fingerprint, count, first_seen, last_seen) "
                  "VALUES ('default', ?, ?, ?, ?, ?)", [(k[0], k[1], v[0], v[1], v[2]) for k, v in env_counts.items()])
    c.executemany("INSERT INTO hourly_counts (project_id, fingerprint, hour_bucket, environment, count) "
                  "VALUES ('default', ?, ?, ?, ?)", [(k[0], k[1] * HOUR, k[2], v) for k, v in hourly.items()])
    c.executemany("INSERT INTO project_hourly_counts (project_id, hour_bucket, count) VALUES ('default', ?, ?)",
                  [(h * HOUR, v) for h, v in project_hourly.items()])
    # Some regressions (resolved issues that came back), with the release that brought them back.
    back = rng.sample(sorted(groups), min(200, len(groups)))
    c.executemany("INSERT INTO status_history (project_id, fingerprint, old_status, new_status, actor, changed_at, release) "
                  "VALUES ('default', ?, 'resolved', 'unresolved', 'system', ?, ?)",
                  [(fp, groups[fp][2], groups[fp][3]) for fp in back])
    c.commit()
    c.close()
    print("generated events=%d issues=%d hourly_rows=%d release_rows=%d hours=%d in %.0fs"
          % (written, len(groups), len(hourly), len(counts), hours, time.time() - t0))


if __name__ == "__main__":
    main()
