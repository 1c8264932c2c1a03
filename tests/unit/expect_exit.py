#!/usr/bin/env python3
"""Runs a command and checks its exit status and what it prints.

usage: expect_exit.py EXIT [--stderr REGEX] [--stdout REGEX] [--timeout S] [--absent FILE] -- CMD...
A signal, a timeout, a different exit status or a missing match fails (exit 1)."""
import argparse, os, re, subprocess, sys

ap = argparse.ArgumentParser()
ap.add_argument("exit", type=int)
ap.add_argument("--stderr")
ap.add_argument("--stdout")
ap.add_argument("--timeout", type=float, default=120)
ap.add_argument("--absent", action="append", default=[])
if "--" not in sys.argv:
    sys.exit("usage: expect_exit.py EXIT [options] -- CMD...")
split = sys.argv.index("--")
a = ap.parse_args(sys.argv[1:split])
cmd = sys.argv[split + 1:]
try:
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=a.timeout)
except subprocess.TimeoutExpired:
    sys.exit(f"FAIL: no exit within {a.timeout} s: {cmd}")
ok = True
if p.returncode != a.exit:
    print(f"FAIL: exit {p.returncode}, expected {a.exit}")
    ok = False
for name, rx, text in (("stderr", a.stderr, p.stderr), ("stdout", a.stdout, p.stdout)):
    if rx and not re.search(rx, text):
        print(f"FAIL: {name} does not match {rx!r}")
        ok = False
for f in a.absent:
    if os.path.exists(f):
        print(f"FAIL: {f} exists")
        ok = False
if not ok:
    print("stdout:", p.stdout[-2000:], "\nstderr:", p.stderr[-2000:])
sys.exit(0 if ok else 1)
