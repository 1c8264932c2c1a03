#!/usr/bin/env python3
"""Run `irqlab run` and check its exit status and verdict.json.

usage: check_verdict.py IRQLAB SCENARIO OUTDIR --exit N [--failed CHECK]... [--passed CHECK]...
                        [--hang KIND] [--detail TEXT]... [--summary TEXT]... [-- EXTRA irqlab ARGS]
--failed: the check must be in the verdict and have failed; --passed: must have passed;
--hang: verdict.hang.kind; --detail: text that must occur in the hang's or a failed
check's detail; --summary: text that must occur in summary.txt.
"""
import argparse
import json
import shutil
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("irqlab")
    ap.add_argument("scenario")
    ap.add_argument("out")
    ap.add_argument("--exit", type=int, required=True)
    ap.add_argument("--failed", action="append", default=[])
    ap.add_argument("--passed", action="append", default=[])
    ap.add_argument("--hang")
    ap.add_argument("--detail", action="append", default=[])
    ap.add_argument("--summary", action="append", default=[])
    # EXTRA irqlab ARGS follow a "--": split there, as argparse mixes them with the options.
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    a = ap.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    a.extra = extra
    shutil.rmtree(a.out, ignore_errors=True)
    p = subprocess.run([a.irqlab, "run", a.scenario, "--out", a.out, "--force"] + a.extra,
                       capture_output=True, text=True, timeout=600)
    print(p.stdout[-3000:])
    print(p.stderr[-3000:], file=sys.stderr)
    errors = []
    if p.returncode != a.exit:
        errors.append(f"exit status {p.returncode}, expected {a.exit}")
    try:
        with open(f"{a.out}/verdict.json") as f:
            v = json.load(f)
    except (OSError, ValueError) as e:
        print(f"FAIL: no readable verdict.json ({e}); exit status {p.returncode}")
        return 1
    checks = {c["name"]: c for c in v["checks"]}
    for name in a.failed:
        if name not in checks or checks[name]["passed"]:
            errors.append(f"check {name} should have failed: {checks.get(name)}")
    for name in a.passed:
        if name not in checks or not checks[name]["passed"]:
            errors.append(f"check {name} should have passed: {checks.get(name)}")
    if a.hang is not None:
        h = v.get("hang")
        if not h or h["kind"] != a.hang:
            errors.append(f"hang should be {a.hang}: {h}")
    details = " | ".join([c["detail"] for c in v["checks"] if not c["passed"]] +
                         ([v["hang"]["detail"]] if v.get("hang") else []))
    for t in a.detail:
        if t not in details:
            errors.append(f"'{t}' not in the failure details: {details}")
    if a.summary:
        with open(f"{a.out}/summary.txt") as f:
            s = f.read()
        for t in a.summary:
            if t not in s:
                errors.append(f"'{t}' not in summary.txt")
    if v["passed"] != (a.exit == 0):
        errors.append(f"verdict passed={v['passed']} disagrees with exit {a.exit}")
    for e in errors:
        print("FAIL:", e)
    print("check_verdict: ok" if not errors else "check_verdict: FAILED")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
