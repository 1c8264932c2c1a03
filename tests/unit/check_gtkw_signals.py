#!/usr/bin/env python3
"""Fails when a GTKWave save file names a signal that the VCD does not contain.

usage: check_gtkw_signals.py SAVE.gtkw TRACE.vcd
"""
import re
import sys


def vcd_signals(path):
    scopes, names = [], set()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            tok = line.split()
            if not tok:
                continue
            if tok[0] == "$scope":
                scopes.append(tok[2])
            elif tok[0] == "$upscope":
                scopes.pop()
            elif tok[0] == "$var":
                ref = tok[4] + (tok[5] if len(tok) > 6 and tok[5].startswith("[") else "")
                names.add(".".join(scopes + [ref]))
                names.add(".".join(scopes + [tok[4]]))
            elif tok[0] == "$enddefinitions":
                break
    return names


def main():
    gtkw, vcd = sys.argv[1], sys.argv[2]
    have = vcd_signals(vcd)
    missing = []
    with open(gtkw, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.strip()
            if not line or line[0] in "[@-*":
                continue
            if line not in have:
                missing.append(f"{gtkw}:{n}: {line}")
    if missing:
        print("signals not in the trace:\n  " + "\n  ".join(missing))
        return 1
    print(f"{gtkw}: all signals present in {vcd}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
