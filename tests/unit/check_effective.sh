#!/bin/sh
# scenario.effective.yaml reproduces its run: run SCENARIO (with any --set), run the
# effective scenario it wrote, and require identical events (GPU-P: identical summary and
# migration report), and an identical effective scenario (a fixed point).
# usage: check_effective.sh IRQLAB OUT_DIR SCENARIO [--set K=V]...
set -eu
irqlab=$1 out=$2 scenario=$3
shift 3
rm -rf "$out"
"$irqlab" run "$scenario" --out "$out/a" "$@" >/dev/null 2>&1 || test $? -eq 1
"$irqlab" run "$out/a/scenario.effective.yaml" --out "$out/b" >/dev/null 2>&1 || test $? -eq 1
test -s "$out/b/verdict.json"
cmp "$out/a/scenario.effective.yaml" "$out/b/scenario.effective.yaml"
if [ -f "$out/a/events.jsonl" ]; then
  cmp "$out/a/events.jsonl" "$out/b/events.jsonl"
else
  cmp "$out/a/migration.json" "$out/b/migration.json"
  cmp "$out/a/summary.txt" "$out/b/summary.txt"
fi
cmp "$out/a/verdict.json" "$out/b/verdict.json"
echo "$scenario: the effective scenario reproduces the run"
