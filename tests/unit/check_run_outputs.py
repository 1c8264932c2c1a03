#!/usr/bin/env python3
"""Checks the files `irqlab run` writes against what docs/latency.md promises.

usage: check_run_outputs.py OUT_DIR [--background]
(--background: the run had background devices, whose ISRs and DPCs must show)
"""
import csv
import json
import sys

REQUIRED = {
    "source": {"irq_id", "source", "fence"},
    "fence_write": {"node", "fence"},
    "msi": {"vector", "addr", "data"},
    "msi_delivered": {"cpu"},
    "isr_enter": {"cpu", "message"},
    "isr_exit": {"cpu", "message", "claimed"},
    "notify_interrupt": {"cpu", "type", "fence", "irq_ids"},
    "queue_dpc": {"cpu", "queued"},
    "dpc_enter": {"cpu"},
    "notify_dpc": {"cpu"},
    "dpc_exit": {"cpu"},
    "submit": {"node", "fence"},
}


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def keys_sorted(o, where):
    """Every object's keys in sorted order: what nlohmann's std::map-backed objects write.
    trace.json and latency.json's records are written as text; this keeps them byte-equal
    to what dumping the JSON would give."""
    if isinstance(o, dict):
        if list(o) != sorted(o):
            fail(f"{where}: keys not in sorted order: {list(o)}")
        for k, v in o.items():
            keys_sorted(v, where)
    elif isinstance(o, list):
        for v in o:
            keys_sorted(v, where)


def main():
    d = sys.argv[1]
    seen, last = set(), -1
    with open(f"{d}/events.jsonl") as f:
        for n, line in enumerate(f, 1):
            e = json.loads(line)
            for k in ("t_ps", "gpu_cycle", "ev"):
                if k not in e:
                    fail(f"events.jsonl:{n}: no '{k}'")
            if e["t_ps"] < last:
                fail(f"events.jsonl:{n}: not in time order")
            last = e["t_ps"]
            if e["ev"] in REQUIRED and not REQUIRED[e["ev"]] <= e.keys():
                fail(f"events.jsonl:{n}: {e['ev']} lacks {REQUIRED[e['ev']] - e.keys()}")
            if e["ev"] == "notify_interrupt" and not str(e["type"]).startswith("DXGK_INTERRUPT_"):
                fail(f"events.jsonl:{n}: interrupt type {e['type']!r} is not a DXGK_INTERRUPT_ name")
            if e["ev"] == "source" and not ({"node", "head"} & e.keys()):
                fail(f"events.jsonl:{n}: source without node or head")
            seen.add(e["ev"])
    missing = set(REQUIRED) - seen
    if missing:
        fail(f"events.jsonl has no {sorted(missing)} events")

    lat = json.load(open(f"{d}/latency.json"))
    s = lat["summary"]["interrupt_to_dpc_cycles"]
    for k in ("count", "min", "mean", "p50", "p90", "p99", "p999", "max"):
        if k not in s:
            fail(f"latency.json summary lacks {k}")
    if not s["min"] <= s["p50"] <= s["p90"] <= s["p99"] <= s["p999"] <= s["max"]:
        fail("latency.json percentiles are not ordered")
    for k in ("by_source", "by_vector", "by_cpu"):
        if not lat["summary"].get(k):
            fail(f"latency.json summary lacks {k}")
    stages = ["source_to_msi", "msi_to_lapic", "lapic_to_isr", "isr_body", "isr_exit_to_dpc"]
    for rec in lat["interrupts"][:500]:
        total = sum(rec["stages"][k]["gpu_cycles"] for k in stages)
        if abs(total - rec["interrupt_to_dpc_cycles"]) > 0.01:
            fail(f"irq {rec['irq_id']}: stages do not add up to the total")
    if len(lat["interrupts"]) != s["count"]:
        fail("latency.json count differs from its records")
    keys_sorted(lat, "latency.json")
    keys_sorted(json.load(open(f"{d}/trace.json")), "trace.json")

    rows = list(csv.DictReader(open(f"{d}/latency.csv")))
    if len(rows) != s["count"]:
        fail("latency.csv has a different number of interrupts")

    run = json.load(open(f"{d}/run.json"))
    for k in ("irqlab_version", "git_revision", "argv", "scenario", "seed", "wall_s"):
        if k not in run:
            fail(f"run.json lacks {k}")
    if run["argv"][1:3] != ["run", "--force"] or not isinstance(run["seed"], int):
        fail(f"run.json does not record the command line and seed: {run}")

    tr = json.load(open(f"{d}/trace.json"))["traceEvents"]
    flows = {}
    for e in tr:
        if e["ph"] in "stf":
            flows.setdefault(e["id"], set()).add(e["ph"])
        if e["ph"] == "X" and ("ts" not in e or "dur" not in e):
            fail("trace.json: a span without ts/dur")
    if not flows or any(v != {"s", "t", "f"} for v in flows.values()):
        fail("trace.json: every interrupt needs a start, step and finish flow event")
    names = {e.get("name") for e in tr if e["ph"] == "X"}
    if not {"DPC gpu", "ISR gpu", "CRTC_VSYNC"} <= names:
        fail(f"trace.json lacks ISR, DPC or vsync spans: {sorted(n for n in names if n)[:5]}")
    # Stable names (ids live in args), a name for every track, args on every slice.
    if any(any(c.isdigit() for c in n) for n in names):
        fail(f"trace.json: slice names carry ids: {sorted(n for n in names if any(c.isdigit() for c in n))[:5]}")
    named = {(e["pid"], e.get("tid")) for e in tr if e["ph"] == "M" and e["name"] == "thread_name"}
    pnamed = {e["pid"] for e in tr if e["ph"] == "M" and e["name"] == "process_name"}
    for e in tr:
        if e["ph"] != "X":
            continue
        if (e["pid"], e["tid"]) not in named or e["pid"] not in pnamed:
            fail(f"trace.json: track pid {e['pid']} tid {e['tid']} has no thread_name/process_name")
        if not e.get("args"):
            fail(f"trace.json: slice {e['name']} at {e['ts']} us has no args")
    if not any(e["ph"] == "C" and e["name"].startswith("IRQL CPU ") for e in tr):
        fail("trace.json: no IRQL counter tracks")
    if len(sys.argv) > 2 and sys.argv[2] == "--background":
        if not any(e["ph"] == "X" and e["pid"] == 1 and e["name"] not in ("ISR gpu", "DPC gpu") for e in tr):
            fail("trace.json: no background device's ISR or DPC on the CPU tracks")
        events = [json.loads(line)["ev"] for line in open(f"{d}/events.jsonl")]
        if "device_isr_enter" not in events or "device_dpc_exit" not in events:
            fail("events.jsonl: no background device's ISR or DPC")

    v = json.load(open(f"{d}/verdict.json"))
    if not v["checks"] or any("passed" not in c or "detail" not in c for c in v["checks"]):
        fail("verdict.json checks malformed")
    if v["passed"] != all(c["passed"] for c in v["checks"]):
        fail("verdict.json passed disagrees with its checks")
    print(f"{d}: outputs consistent ({s['count']} interrupts, {len(flows)} flows)")


if __name__ == "__main__":
    main()
