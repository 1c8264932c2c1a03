#!/usr/bin/env python3
"""Fails when a GTKWave save file names a signal GTKWave would not find in the trace.

Names are resolved as GTKWave resolves them: the scope path, the variable's name and, for
a multi-bit variable, its range written without a space (`awaddr_i [16:0]` in the trace is
`awaddr_i[16:0]` in GTKWave; a bare `awaddr_i` does not resolve). An FST is read through
GTKWave's own fst2vcd. With --initial, every variable must also have a value at the first
time stamp (nothing undefined from t = 0).

usage: check_gtkw_signals.py SAVE.gtkw TRACE.{fst,vcd} [--initial]
"""
import subprocess
import sys


def vcd_text(path):
    if path.endswith(".fst"):
        return subprocess.run(["fst2vcd", path], check=True, capture_output=True, text=True).stdout
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def parse(text):
    scopes, names, ids, initial = [], set(), set(), set()
    lines = iter(text.splitlines())
    for line in lines:
        tok = line.split()
        if not tok:
            continue
        if tok[0] == "$scope":
            scopes.append(tok[2])
        elif tok[0] == "$upscope":
            scopes.pop()
        elif tok[0] == "$var":
            width, ident, ref = int(tok[2]), tok[3], tok[4]
            rng = tok[5] if len(tok) > 6 and tok[5].startswith("[") else ""
            if width > 1 and not rng and "[" not in ref:
                rng = f"[{width - 1}:0]"  # GTKWave adds the range of a multi-bit variable
            names.add(".".join(scopes + [ref + rng]))
            ids.add(ident)
        elif tok[0] == "$enddefinitions":
            break
    first = None
    for line in lines:
        if line.startswith("#"):
            if first is not None:
                break
            first = int(line[1:])
        elif first is not None and line and line[0] in "bBrR":
            initial.add(line.split()[1])
        elif first is not None and line and line[0] in "01xXzZ":
            initial.add(line[1:].strip())
    return names, ids, initial


def main():
    gtkw, trace = sys.argv[1], sys.argv[2]
    names, ids, initial = parse(vcd_text(trace))
    missing = []
    with open(gtkw, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.strip()
            if not line or line[0] in "[@-*^":
                continue
            if line not in names:
                missing.append(f"{gtkw}:{n}: {line}")
    if missing:
        print("signals GTKWave would not find in the trace:\n  " + "\n  ".join(missing))
        return 1
    if "--initial" in sys.argv and ids - initial:
        print(f"{len(ids - initial)} variables have no value at the first time stamp")
        return 1
    print(f"{gtkw}: every signal resolves in {trace}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
