#!/usr/bin/env python3
"""A GPU-P run writes every run's outputs, each about its functions and guests.

usage: check_gpup_outputs.py OUT_DIR MIGRATIONS

Checks (each fails on a run that lost its attribution, its per-function breakdown, its
migration report or its waveform):
- every file of a run plus migration.json, guests.csv and waves.vcd;
- every events.jsonl line names its function and guest; each migration has its 5 stages;
- latency.json: nothing censored, every record with function and guest, per-function and
  per-guest breakdowns, a migrated guest's records on both its source and destination VF;
- trace.json: the guests' vCPU tracks named, flows ending on them;
- verdict.json: passed, with the latency and the migration checks in it;
- waves.vcd: each VM's pause line rises once per migration of it.
"""
import json
import os
import sys


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def main():
    out, migrations = sys.argv[1], int(sys.argv[2])
    for f in ["events.jsonl", "latency.json", "latency.csv", "latency.svg", "trace.json", "verdict.json",
              "summary.txt", "migration.json", "guests.csv", "waves.vcd"]:
        if not os.path.getsize(os.path.join(out, f)):
            fail(f + " is empty")
    stages = {}
    for n, line in enumerate(open(os.path.join(out, "events.jsonl")), 1):
        e = json.loads(line)
        if "function" not in e or "guest" not in e:
            fail("events.jsonl:%d has no function or guest: %s" % (n, line.strip()))
        if e["ev"].startswith("migration_"):
            stages[e["ev"]] = stages.get(e["ev"], 0) + 1
    want = {"migration_" + s: migrations for s in ["pause", "quiesced", "saved", "restored", "resumed"]}
    if stages != want:
        fail("migration events %s, expected %s" % (stages, want))

    lat = json.load(open(os.path.join(out, "latency.json")))
    if lat["counts"]["censored"] != 0 or lat["counts"]["counted"] < 100:
        fail("latency counts %s" % lat["counts"])
    s = lat["summary"]
    guests = sorted(s["by_guest"])
    functions = sorted(s["by_function"])
    if len(guests) < 2 or not all(g.startswith("vm") for g in guests):
        fail("by_guest %s" % guests)
    if not any(not f.startswith("gpu0.") for f in functions):
        fail("no migrated guest's interrupts on another GPU: by_function %s" % functions)
    seen = {}
    for r in lat["interrupts"]:
        if "function" not in r or "guest" not in r:
            fail("record without function or guest: %s" % r)
        seen.setdefault(r["guest"], set()).add(r["function"])
    if not any(len(f) == 2 for f in seen.values()):
        fail("no guest has records on two VFs (migration): %s" % seen)
    if sum(v["count"] for v in s["by_guest"].values()) != lat["counts"]["counted"]:
        fail("by_guest does not add up to the counted interrupts")

    trace = json.load(open(os.path.join(out, "trace.json")))["traceEvents"]
    names = {e["args"]["name"] for e in trace if e.get("name") == "thread_name"}
    if "vm 0 vCPU 0" not in names:
        fail("trace.json names no guest vCPU track: %s" % sorted(names))
    cpus = sum(1 for n in names if n.startswith("CPU "))  # the host's; guests' tracks follow
    if not any(e.get("ph") == "f" and e.get("tid", 0) >= cpus for e in trace):
        fail("no interrupt flow ends on a guest's vCPU track")

    v = json.load(open(os.path.join(out, "verdict.json")))
    checks = {c["name"]: c["passed"] for c in v["checks"]}
    for c in ["latency-coverage", "interrupt-reaches-dpc", "migration-pending-delivered-once",
              "migration-source-quiet-after-quiesce", "migration-table-rewritten", "gpup-ddi-succeeded"]:
        if c not in checks:
            fail("verdict.json has no check " + c)
    if not v["passed"]:
        fail("verdict: %s" % [c for c in v["checks"] if not c["passed"]])

    ids, rises = {}, 0
    for line in open(os.path.join(out, "waves.vcd")):
        p = line.split()
        if p[:1] == ["$var"] and p[4].endswith("_paused"):
            ids[p[3]] = p[4]
        elif len(line) > 1 and line[0] == "1" and line[1:].strip() in ids:
            rises += 1
    if len(ids) < 2 or rises != migrations:
        fail("waves.vcd: %d pause lines, %d rises (expected %d)" % (len(ids), rises, migrations))
    print("ok: %d interrupts, functions %s, guests %s" % (lat["counts"]["counted"], functions, guests))


if __name__ == "__main__":
    main()
