#!/bin/sh
# Idle skipping changes speed, never results: run SCENARIO (with any --set) with skipping
# on and with every GPU cycle stepped, and require byte-identical events.jsonl, waveform,
# latency.json, trace.json and verdict, and that the skipping run stepped at most 1/MIN_RATIO
# of the cycles the stepping run did (it really skipped, through moderation intervals too).
# With BROKEN=1 the skipping run uses a bridge that skips past moderation deadlines: the
# comparison must then fail (exit 1), which proves the check can.
# usage: check_skip_equivalence.sh IRQLAB OUT_DIR MIN_RATIO SCENARIO [--set K=V]...
set -eu
irqlab=$1 out=$2 ratio=$3 scenario=$4
shift 4
rm -rf "$out"
broken=
[ "${BROKEN:-0}" = 1 ] && broken=--broken-skip-ignores-wake
"$irqlab" run "$scenario" --out "$out/skip" --waves fst $broken "$@" >/dev/null 2>&1 || test $? -eq 1
"$irqlab" run "$scenario" --out "$out/step" --waves fst --no-idle-skip "$@" >/dev/null 2>&1 || test $? -eq 1
for f in events.jsonl waves.fst latency.json trace.json verdict.json; do
  if ! cmp -s "$out/skip/$f" "$out/step/$f"; then
    echo "$scenario: $f differs with skipping on and off"
    exit 1
  fi
done
stepped() { sed -n 's/.*controller stepped \([0-9]*\) cycles.*/\1/p' "$1/summary.txt"; }
s=$(stepped "$out/skip") n=$(stepped "$out/step")
echo "$scenario: identical outputs; cycles stepped $s with skipping, $n without"
test "$s" -gt 0
test $((s * ratio)) -le "$n"
