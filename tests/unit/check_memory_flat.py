#!/usr/bin/env python3
"""Peak memory of `irqlab run` must not grow with the run's length beyond what the exact
percentiles need (issue 17): a short and an 8x longer default run, compared per interrupt.

usage: check_memory_flat.py IRQLAB OUTDIR [--short-ms 50] [--long-ms 400] [--max-bytes 100]
                            [--scenario default] [--run-arg ARG]...
                            (e.g. --run-arg=--broken-hold-trace: must fail)
"""
import argparse
import json
import shutil
import subprocess
import sys


def run(irqlab, scenario, out, ms, extra):
    subprocess.run([irqlab, "run", scenario, "--force", "--set", f"duration_ms={ms}", "--out", out] + extra,
                   check=True, stdout=subprocess.DEVNULL)
    with open(f"{out}/run.json") as f:
        rss = json.load(f)["peak_rss_mb"] * 2**20
    with open(f"{out}/latency.json") as f:
        for line in f:  # "counts" comes first; the records are not read
            if '"sources":' in line:
                sources = int(line.split(":")[1].strip(" ,\n"))
                shutil.rmtree(out)  # hundreds of MB of outputs, read only for these two figures
                return rss, sources
    sys.exit(f"{out}/latency.json: no counts.sources")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("irqlab")
    p.add_argument("out")
    p.add_argument("--short-ms", type=int, default=50)
    p.add_argument("--long-ms", type=int, default=400)
    p.add_argument("--max-bytes", type=float, default=100.0)
    p.add_argument("--scenario", default="default")
    p.add_argument("--run-arg", action="append", default=[])
    a = p.parse_args()
    rss0, n0 = run(a.irqlab, a.scenario, f"{a.out}/short", a.short_ms, a.run_arg)
    rss1, n1 = run(a.irqlab, a.scenario, f"{a.out}/long", a.long_ms, a.run_arg)
    per = (rss1 - rss0) / max(1, n1 - n0)
    print(f"{a.short_ms} ms: {n0} interrupts, peak {rss0 / 2**20:.1f} MB; {a.long_ms} ms: {n1} interrupts, "
          f"peak {rss1 / 2**20:.1f} MB; {per:.0f} bytes per added interrupt (limit {a.max_bytes:.0f})")
    if n1 <= n0 or per > a.max_bytes:
        print("FAIL: peak memory grows with the run's length")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
