#!/usr/bin/env python3
"""Where a run's Spark jobs go: per stage (job group), jobs, the time any job was running, and
the call sites that ran most jobs (MLlib's own frame where there is one, else ours).

Run the job with Spark's event log on, then point this at the log file:
  bin/customer-analytics run ... --set spark.eventLog.enabled=true --set spark.eventLog.dir=file:///tmp/ev
  python3 bench/jobs.py /tmp/ev/local-*            (TOP call sites per stage, default 12)
"""
import collections
import json
import re
import sys


def main(path, top):
    starts, ends = {}, {}
    with open(path) as f:
        for line in f:
            if '"SparkListenerJob' not in line[:40]:
                continue
            e = json.loads(line)
            if e["Event"] == "SparkListenerJobStart":
                stages = e["Stage Infos"]
                last = max(stages, key=lambda s: s["Stage ID"]) if stages else {"Stage Name": "-", "Details": ""}
                frames = last.get("Details", "").split("\n")
                ml = [l.strip() for l in frames if "org.apache.spark.ml" in l or "org.apache.spark.mllib" in l]
                ours = [l.strip() for l in frames if "customeranalytics" in l]
                site = last["Stage Name"] + (" <- " + re.sub(r"\(.*", "", ml[-1]) if ml else "") \
                    + (" <- " + ours[0] if ours else "")
                group = e.get("Properties", {}).get("spark.jobGroup.id", "").split("/")[-1] or "(no stage)"
                starts[e["Job ID"]] = (e["Submission Time"], group, site)
            elif e["Event"] == "SparkListenerJobEnd":
                ends[e["Job ID"]] = e["Completion Time"]
    by_stage = collections.defaultdict(list)
    for job, (t, group, site) in starts.items():
        by_stage[group].append((t, ends.get(job, t), site))
    for group, jobs in by_stage.items():
        jobs.sort()
        busy, cur = 0, None  # time during which at least one job ran
        for s, e, _ in jobs:
            if cur is None or s > cur[1]:
                busy += (cur[1] - cur[0]) if cur else 0
                cur = [s, e]
            else:
                cur[1] = max(cur[1], e)
        busy += cur[1] - cur[0]
        span = max(e for _, e, _ in jobs) - jobs[0][0]
        print(f"== {group}: {len(jobs)} jobs, first to last {span / 1000:.1f} s, a job running {busy / 1000:.1f} s")
        sites = collections.Counter(site for _, _, site in jobs)
        secs = collections.Counter()
        for s, e, site in jobs:
            secs[site] += (e - s) / 1000
        for site, n in sites.most_common(top):
            print(f"  {n:5d} jobs {secs[site]:7.2f} s  {site[:200]}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 12)
