#!/usr/bin/env python3
"""Page faults, engine recovery and preemption (#10), checked from the run's own reports.

With the MMIO doorbell every fault halts its engine and is followed by exactly one engine
reset; buffers queued behind a fault are dropped, never reported; every preemption request
is answered and each buffer it preempted is resubmitted unless a reset dropped it; each
submission and resubmission is one doorbell. With the modelled doorbell
(engines.doorbell: modelled) faults are reported the same way but engines keep running: no
reset, no doorbell, no preemption request. Both runs must pass every check."""
import json
import pathlib
import subprocess
import sys


def run(irqlab, scenario, out):
    p = subprocess.run([irqlab, "run", str(scenario), "--out", str(out), "--force"], capture_output=True, text=True)
    verdict = json.loads((out / "verdict.json").read_text())
    failed = [c["name"] for c in verdict["checks"] if not c["passed"]]
    assert p.returncode == 0 and not failed, f"{scenario}: exit {p.returncode}, failed {failed}\n{p.stdout}"
    return json.loads((out / "latency.json").read_text())


def main():
    irqlab, data, out = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    lat = run(irqlab, data / "page_faults.yaml", out / "mmio")
    f, s = lat["summary"]["gpu_page_faults"], lat["summary"]
    print("mmio doorbell:", f, "doorbells", s["doorbells"], "submissions", lat["counts"]["submissions"])
    assert f["faults"] >= 10, f
    assert f["engine_resets"] == f["faults"], "one reset per halting fault"
    assert 0 < f["recovery_mean_us"] <= f["recovery_max_us"] < 1000, f
    assert f["dropped_buffers"] > 0, "queue_depth 4 leaves buffers behind some fault"
    p = s["preemptions"]
    print("preemptions:", p)
    assert p["requests"] >= 5 and p["answered"] == p["requests"], p
    assert p["preempted_buffers"] > 0 and p["resubmitted"] <= p["preempted_buffers"], p
    assert p["preempted_buffers"] - p["resubmitted"] <= f["dropped_buffers"], "only a reset may drop a preempted buffer"
    assert 0 < p["latency_mean_us"] <= p["latency_max_us"], p
    assert s["doorbells"] == lat["counts"]["submissions"] + p["resubmitted"], "one doorbell per (re)submission"
    assert lat["counts"]["censored"] == 0

    modelled = out / "modelled.yaml"
    modelled.write_text((data / "page_faults.yaml").read_text().replace("queue_depth: 4", "queue_depth: 4, doorbell: modelled"))
    lat = run(irqlab, modelled, out / "modelled")
    f, s = lat["summary"]["gpu_page_faults"], lat["summary"]
    print("modelled doorbell:", f, "doorbells", s["doorbells"])
    assert f["faults"] >= 10 and f["engine_resets"] == 0 and f["dropped_buffers"] == 0, f
    assert s["doorbells"] == 0
    assert s["preemptions"]["requests"] == 0, "preemption requests need DxgkDdiSubmitCommand's front end"
    print("ok")


if __name__ == "__main__":
    main()
