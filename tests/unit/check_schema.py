#!/usr/bin/python3
"""`irqlab schema` is a JSON Schema that accepts the shipped and test scenarios and rejects
a mistyped key, a wrong type and an unknown option.

usage: check_schema.py IRQLAB SCENARIO.yaml...
"""
import json
import subprocess
import sys

import jsonschema
import yaml

irqlab, files = sys.argv[1], sys.argv[2:]
schema = json.loads(subprocess.run([irqlab, "schema"], check=True, capture_output=True, text=True).stdout)
jsonschema.Draft7Validator.check_schema(schema)
v = jsonschema.Draft7Validator(schema)
for f in files:
    doc = yaml.safe_load(open(f)) or {}
    errors = sorted(v.iter_errors(doc), key=str)
    if errors:
        sys.exit(f"FAIL: {f} is valid for irqlab but not for the schema: {errors[0].message}")
bad = {
    "engines: {nodez: 2}": "nodez",
    "duration_ms: fast": "fast",
    "interrupt_mode: msix2": "msix2",
    "faults: {stuck_source: {bit: 40}}": "40",
    "driver: {dpc_importance: urgent}": "urgent",
}
for text, word in bad.items():
    if v.is_valid(yaml.safe_load(text)):
        sys.exit(f"FAIL: the schema accepts {text!r}")
props = schema["properties"]
if props["faults"]["properties"]["stuck_source"]["properties"]["bit"] != {"type": "integer", "minimum": 0, "maximum": 28}:
    sys.exit("FAIL: faults.stuck_source.bit is not the loader's integer 0..28")
print(f"schema: {len(props)} top-level keys; {len(files)} scenarios valid; {len(bad)} bad ones rejected")
