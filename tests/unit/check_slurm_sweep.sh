#!/usr/bin/env bash
# A real Slurm (scripts/slurm-local) runs a 2x3 sweep as a job array plus a merge job:
#  1. `--slurm --submit --wait` gives the same table as the same sweep with `--jobs 2`;
#  2. a point with a bad key injected into its task's shard makes that array task fail:
#     the sweep names it by array index with its log, cancels the merge, exits 2;
#  3. after the point is fixed, `--resume` reruns only the points without results.
# usage: check_slurm_sweep.sh IRQLAB SOURCE_DIR WORK_DIR
set -euo pipefail
irqlab=$1 src=$2 work=$3
cluster=$work/cluster
rm -rf "$work"
mkdir -p "$work"
eval "$("$src/scripts/slurm-local" start "$cluster")"
trap '"$src/scripts/slurm-local" stop "$cluster"' EXIT
sweep() {
  "$irqlab" sweep "$src/tests/unit/data/tiny.yaml" --param driver.moderation_cycles=0,8000 \
    --param engines.mean_gap_us=10,20,30 "$@" 2>&1 | grep -v -e SystemC -e Copyright -e 'RIGHTS RESERVED' -e '^$'
  return "${PIPESTATUS[0]}"
}
fail() { echo "FAIL: $*"; exit 1; }

t0=$(date +%s.%N)
sweep --out "$work/local" --jobs 2 || fail "local sweep"
t1=$(date +%s.%N)
sweep --out "$work/slurm" --slurm --submit --wait --points-per-task 2 || fail "slurm sweep exited $?"
t2=$(date +%s.%N)
cmp "$work/local/sweep.csv" "$work/slurm/sweep.csv" || fail "the merged table differs from --jobs 2"
[ "$(wc -l < "$work/slurm/sweep.csv")" -eq 7 ] || fail "expected 6 rows"
/usr/bin/python3 -c "print(f'wall time: --jobs 2 {$t1 - $t0:.1f} s, Slurm array + merge {$t2 - $t1:.1f} s')"

sweep --out "$work/bad" --slurm --points-per-task 2 || fail "writing the job files"
task=$(grep -n "points/p0003" "$work/bad/slurm/tasks.txt" | cut -d: -f1)
task=$((task - 1))
echo "bogus_key: 1" >> "$work/bad/points/p0003/scenario.yaml"
set +e
out=$(sweep --out "$work/bad" --slurm --resume --submit --wait --points-per-task 2)
rc=$?
set -e
echo "$out"
[ "$rc" -eq 2 ] || fail "a failed task must give exit 2, got $rc"
echo "$out" | grep -q "array task $task (job [0-9]*_$task) FAILED.*log $work/bad/slurm/logs/task-$task.log" ||
  fail "the failed task $task is not named with its log"
grep -q "point p0003 exited 2" "$work/bad/slurm/logs/task-$task.log" || fail "the task log does not name the point"

sed -i '/bogus_key/d' "$work/bad/points/p0003/scenario.yaml"
out=$(sweep --out "$work/bad" --slurm --resume --submit --wait) || fail "resume exited $?"
echo "$out"
echo "$out" | grep -q "sweep: 1 points in 1 array tasks" || fail "--resume must rerun only p0003"
cmp "$work/local/sweep.csv" "$work/bad/sweep.csv" || fail "the resumed table differs"
echo "check_slurm_sweep: ok"
