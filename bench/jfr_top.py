#!/usr/bin/env python3
"""Summarizes a JFR recording's CPU samples: the methods that use the most CPU by themselves (self) and
together with what they call (total), by thread group. Run by hand next to a bench script started with
JFR=<file>:

    python3 bench/jfr_top.py recording.jfr [top=30] [thread-substring]
"""
import collections
import re
import subprocess
import sys


def samples(path):
    out = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "96", path],
                         check=True, capture_output=True, text=True).stdout
    for block in out.split("jdk.ExecutionSample")[1:]:
        thread = re.search(r'sampledThread = "([^"]*)"', block)
        frames = re.findall(r'^\s+([\w$.<>/]+\([^)]*\))\s+line:', block, re.M)
        if frames:
            yield (thread.group(1) if thread else "?"), frames


# Thread-name prefixes of the groups that matter for ingest; other threads by their name without a number.
GROUPS = (("dw-", "jetty"), ("bloop-ingest-", "ingest workers"), ("bloop-writer", "writer"))


def group(thread):
    for prefix, name in GROUPS:
        if thread.startswith(prefix):
            return name
    return re.sub(r"[-#]?\d+$", "", thread)


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    only = sys.argv[3] if len(sys.argv) > 3 else None
    self_counts, total_counts, groups = collections.Counter(), collections.Counter(), collections.Counter()
    n = 0
    for thread, frames in samples(path):
        if only and only not in thread:
            continue
        n += 1
        groups[group(thread)] += 1
        self_counts[frames[0]] += 1
        for f in set(frames):
            total_counts[f] += 1
    print(f"{n} samples")
    for g, c in groups.most_common():
        print(f"  {100 * c / n:5.1f}%  {g}")
    for title, counts in (("self", self_counts), ("total", total_counts)):
        print(f"-- {title}")
        for f, c in counts.most_common(top):
            print(f"  {100 * c / n:5.1f}%  {f}")


if __name__ == "__main__":
    main()
