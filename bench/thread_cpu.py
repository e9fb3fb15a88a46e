#!/usr/bin/env python3
"""CPU time of a process's threads, by thread group, between two snapshots.

usage: thread_cpu.py snap PID > FILE          # one snapshot (utime + stime per thread, from /proc)
       thread_cpu.py diff BEFORE AFTER EVENTS   # µs of CPU per event by group (thread names without their number)
Threads that ended between the snapshots are not counted (Jetty's idle request threads do end).
"""
import os
import re
import sys
from collections import Counter


def snap(pid):
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = re.sub(r"[-_ #]?\d+$", "", f.read().strip()).replace(" ", "_")
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            print(tid, name, int(fields[11]) + int(fields[12]))
        except (OSError, IndexError):
            pass


def load(path):
    out = {}
    with open(path) as f:
        for line in f:
            tid, name, ticks = line.split()
            out[tid] = (name, int(ticks))
    return out


def diff(before, after, events):
    a, b = load(before), load(after)
    tick = os.sysconf("SC_CLK_TCK")
    groups = Counter()
    for tid, (name, ticks) in b.items():
        groups[name] += ticks - a.get(tid, (name, 0))[1]
    per = {name: 1e6 * t / tick / events for name, t in groups.items()}
    shown = [f"{name}={us:.1f}" for name, us in sorted(per.items(), key=lambda kv: -kv[1]) if us >= 0.5]
    print("server_cpu_us_per_event_by_thread " + " ".join(shown) + f" total={sum(per.values()):.1f}")


if __name__ == "__main__":
    if sys.argv[1] == "snap":
        snap(sys.argv[2])
    else:
        diff(sys.argv[2], sys.argv[3], int(sys.argv[4]))
