#!/usr/bin/env python3
"""Seeded scenario and command-line fuzzer for `irqlab run` (issue 16).

Each case mutates a seed scenario (in-range and out-of-range values, wrong types, hostile
strings, deleted and unknown keys, duplicated documents, truncated or garbled YAML) or the
command line, runs `irqlab run` with a time bound, and requires:
  - exit 0, 1 or 2; never a signal, an internal error (exit 3) or a run past the bound;
  - exit 2: a message on stderr naming the file and line (or the option) at fault;
  - exit 1: verdict.json names a failed check.
usage: fuzz_scenarios.py IRQLAB SEED_DIR[:SEED_DIR...] WORK_DIR [--seed N] [--cases N] [--time S]
"""
import argparse, json, os, random, re, shutil, subprocess, sys, time
import yaml

ap = argparse.ArgumentParser()
ap.add_argument("irqlab")
ap.add_argument("seeds")
ap.add_argument("work")
ap.add_argument("--seed", type=int, default=None)
ap.add_argument("--cases", type=int, default=40)
ap.add_argument("--time", type=float, default=240, help="total wall-time budget, s")
ap.add_argument("--case-timeout", type=float, default=60)
a = ap.parse_args()
seed = a.seed if a.seed is not None else random.SystemRandom().randrange(1 << 31)
print(f"fuzz seed {seed} (rerun with --seed {seed})", flush=True)
rng = random.Random(seed)

bases = []
seed_files = sorted(os.path.join(d, f) for d in a.seeds.split(":") for f in os.listdir(d) if f.endswith(".yaml"))
for path in seed_files:
    if True:
        with open(path) as fh:
            try:
                doc = yaml.safe_load(fh)
            except yaml.YAMLError:
                continue  # the seeds of bad-input tests
        if isinstance(doc, dict):
            if isinstance(doc.get("driver"), dict):
                doc["driver"].pop("fault", None)  # start from the correct driver
            doc.pop("faults", None)
            bases.append(doc)
assert bases, "no seed scenarios"

HOSTILE = ["", " ", "'", '"', "it's \"quoted\"\n!touch PWNED", "a\x07b", "../../etc/passwd", "x" * 300,
           "-1", "1e309", "nan", "0x", "[", "{a: b}", "\u00e9\u00e8", "true"]
NUMBERS = [0, 1, -1, 0.5, 1e-12, 1e-9, 1e9, 1e15, 2**63, 2**64, -2**63, 3.7, 1e308]


def paths(node, prefix=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield prefix + (k,), v
            yield from paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield prefix + (i,), v
            yield from paths(v, prefix + (i,))


def set_path(doc, path, value):
    node = doc
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value


def shrink(doc):
    """Valid runs stay short: the fuzzer tests input handling, not long simulations."""
    if isinstance(doc.get("duration_ms"), (int, float)) and not isinstance(doc["duration_ms"], bool):
        doc["duration_ms"] = min(doc["duration_ms"], 2)
    else:
        doc["duration_ms"] = 1
    doc.pop("drain_ms", None)


def mutate_value(v):
    r = rng.random()
    if r < 0.45 and isinstance(v, (int, float)) and not isinstance(v, bool):
        return rng.choice([v * rng.choice([0, 0.5, 2, 10, 1e-6, 1e6]), rng.choice(NUMBERS)])
    if r < 0.65:
        return rng.choice(HOSTILE)
    if r < 0.8:
        return rng.choice(NUMBERS)
    if r < 0.9:
        return rng.choice([None, [], {}, [1, 2, 3], {"x": 1}])
    return v


def gentle(doc):
    """In-range mutations: every number scaled by 0.5..2 (whole numbers stay whole)."""
    for path, v in list(paths(doc)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or rng.random() < 0.5:
            continue
        x = v * rng.uniform(0.5, 2)
        set_path(doc, path, max(1, round(x)) if isinstance(v, int) else x)
    shrink(doc)
    return yaml.safe_dump(doc, allow_unicode=True)


def scenario_case():
    doc = json.loads(json.dumps(rng.choice(bases)))  # deep copy
    shrink(doc)
    if rng.random() < 0.4:
        return gentle(doc)
    for _ in range(rng.randint(1, 3)):
        ps = list(paths(doc))
        if not ps:
            break
        path, v = rng.choice(ps)
        op = rng.random()
        if op < 0.7:
            set_path(doc, path, mutate_value(v))
        elif op < 0.85 and len(path) >= 1:
            node = doc
            for p in path[:-1]:
                node = node[p]
            del node[path[-1]]
        else:
            node = doc
            for p in path[:-1]:
                node = node[p]
            if isinstance(node, dict):
                node[rng.choice(["unknown_key", "duration_msx", "engines ", "NAME"])] = 1
    shrink(doc) if rng.random() < 0.8 and isinstance(doc.get("duration_ms"), (int, float)) else None
    text = yaml.safe_dump(doc, allow_unicode=True)
    r = rng.random()
    if r < 0.08:
        text = text[: rng.randrange(max(1, len(text)))]  # truncated
    elif r < 0.14:
        i = rng.randrange(max(1, len(text)))
        text = text[:i] + rng.choice(["\"", "'", "[", "{", ":", "\t", "\x00", "---\n", "&a ", "*a "]) + text[i:]
    elif r < 0.17:
        text += "---\nname: second\n"
    return text


def run_case(i):
    d = os.path.join(a.work, f"case{i:04d}")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    f = os.path.join(d, "scenario.yaml")
    with open(f, "w") as fh:
        fh.write(scenario_case())
    args = [a.irqlab, "run", f, "--out", os.path.join(d, "out"), "--force"]
    if rng.random() < 0.15:
        args += rng.choice([["--seed", rng.choice(["-1", "18446744073709551616", "12x", "7", ""])],
                            ["--waves", rng.choice(["fst", "vcd", "none", "png"])],
                            ["--irq-impl", rng.choice(["rtl", "ref", "vhdl"])], ["--bogus"]])
    try:
        p = subprocess.run(args, capture_output=True, text=True, timeout=a.case_timeout,
                           errors="replace")
    except subprocess.TimeoutExpired:
        return "timeout", f, ""
    if p.returncode < 0:
        return f"signal {-p.returncode}", f, p.stderr[-500:]
    if p.returncode not in (0, 1, 2):
        return f"exit {p.returncode}", f, p.stderr[-500:]
    if "(E549)" in p.stdout + p.stderr:
        return "uncaught exception", f, p.stderr[-500:]
    if p.returncode == 2 and not re.search(r"(scenario\.yaml:\d+:|scenario\.yaml: |--\w[\w-]*|run: )",
                                           p.stderr):
        return "exit 2 without file:line or option", f, p.stderr[-500:]
    if p.returncode == 1:
        try:
            with open(os.path.join(d, "out", "verdict.json")) as fh:
                v = json.load(fh)
            failed = [c["name"] for c in v.get("checks", []) if not c.get("passed", True)]
            if v.get("passed") or not failed:
                return "exit 1 without a failed check", f, ""
            if not os.environ.get("FUZZ_KEEP"):
                shutil.rmtree(d, ignore_errors=True)
            return f"ok exit 1 ({failed[0]})", f, ""
        except (OSError, ValueError) as e:
            return f"exit 1 without a verdict ({e})", f, ""
    shutil.rmtree(d, ignore_errors=True)
    return f"ok exit {p.returncode}", f, ""


os.makedirs(a.work, exist_ok=True)
start = time.time()
counts, failures, n = {}, [], 0
while n < a.cases and time.time() - start < a.time:
    outcome, f, err = run_case(n)
    counts[outcome] = counts.get(outcome, 0) + 1
    if not outcome.startswith("ok"):
        failures.append((outcome, f, err))
    n += 1
print(f"{n} cases in {time.time() - start:.0f} s: " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
for outcome, f, err in failures[:10]:
    print(f"FAIL {outcome}: {f}\n  {err.strip()[-400:]}")
if os.path.exists("PWNED"):
    print("FAIL: a scenario string ran a command")
    sys.exit(1)
sys.exit(1 if failures else 0)
