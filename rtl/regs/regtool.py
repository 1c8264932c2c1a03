#!/usr/bin/env python3
"""Register-map generator for irqlab.

Reads a *.regs.yaml map and writes the SystemVerilog package, the C++ header and the
Markdown reference from it, so that no offset or field position is typed twice.

  regtool.py MAP --sv OUT.sv --cpp OUT.hpp --md OUT.md      write the three files
  regtool.py MAP --sv ... --check                           exit 1 if any file is stale

Errors in the map name the file, line and key and exit with status 2.
"""

import argparse
import re
import sys

import yaml

ACCESS = {"ro", "rw", "w1c"}


class MapError(Exception):
    pass


class LineLoader(yaml.SafeLoader):
    """Records the source line of every mapping so errors can point at it."""


def _construct_mapping(loader, node):
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class Ctx:
    def __init__(self, path):
        self.path = path

    def fail(self, node, key, why):
        line = node.get("__line__", "?") if isinstance(node, dict) else "?"
        raise MapError(f"{self.path}:{line}: key '{key}': {why}")

    def need(self, node, key, kind):
        if key not in node:
            self.fail(node, key, "missing")
        val = node[key]
        if not isinstance(val, kind) or (kind is int and isinstance(val, bool)):
            self.fail(node, key, f"expected {kind.__name__}, got {type(val).__name__}")
        return val

    def known(self, node, allowed):
        for k in node:
            if k != "__line__" and k not in allowed:
                self.fail(node, k, f"unknown key (allowed: {', '.join(sorted(allowed))})")


def parse_bits(ctx, node):
    raw = str(node.get("bits", ""))
    m = re.fullmatch(r"(\d+)(?::(\d+))?", raw)
    if not m:
        ctx.fail(node, "bits", f"'{raw}' is not 'MSB:LSB' or 'BIT'")
    msb = int(m.group(1))
    lsb = int(m.group(2)) if m.group(2) is not None else msb
    if msb < lsb or msb > 31:
        ctx.fail(node, "bits", f"'{raw}' must satisfy 31 >= MSB >= LSB")
    return lsb, msb - lsb + 1


def parse_fields(ctx, node, fields, with_reset=True):
    out = []
    used = 0
    names = set()
    for f in fields:
        ctx.known(f, {"name", "bits", "reset", "desc"})
        name = ctx.need(f, "name", str)
        if name in names:
            ctx.fail(f, "name", f"duplicate field {name}")
        names.add(name)
        lsb, width = parse_bits(ctx, f)
        mask = ((1 << width) - 1) << lsb
        if used & mask:
            ctx.fail(f, "bits", f"field {name} overlaps another field")
        used |= mask
        reset = f.get("reset", 0)
        if with_reset and reset != "param":
            if not isinstance(reset, int) or reset < 0 or reset >= (1 << width):
                ctx.fail(f, "reset", f"{reset!r} does not fit in {width} bits")
        out.append({"name": name, "lsb": lsb, "width": width, "reset": reset,
                    "desc": str(f.get("desc", ""))})
    return out


def parse_register(ctx, r, fieldsets, param_max):
    ctx.known(r, {"name", "offset", "access", "desc", "fields", "fieldset", "count",
                  "count_from", "count_param", "stride"})
    reg = {"name": ctx.need(r, "name", str), "offset": ctx.need(r, "offset", int),
           "access": ctx.need(r, "access", str), "desc": str(r.get("desc", "")).strip()}
    if reg["access"] not in ACCESS:
        ctx.fail(r, "access", f"'{reg['access']}' is not one of {sorted(ACCESS)}")
    if reg["offset"] % 4:
        ctx.fail(r, "offset", "must be 4-byte aligned")
    if "fieldset" in r:
        if r["fieldset"] not in fieldsets:
            ctx.fail(r, "fieldset", f"unknown field set '{r['fieldset']}'")
        reg["fields"] = fieldsets[r["fieldset"]]
        reg["fieldset"] = r["fieldset"]
    else:
        reg["fields"] = parse_fields(ctx, r, ctx.need(r, "fields", list))
    count_keys = [k for k in ("count", "count_from", "count_param") if k in r]
    if len(count_keys) > 1:
        ctx.fail(r, count_keys[1], "give only one of count, count_from, count_param")
    reg["count"] = 1
    reg["count_param"] = None
    if "count" in r:
        reg["count"] = ctx.need(r, "count", int)
    elif "count_from" in r:
        fs = r["count_from"]
        if fs not in fieldsets:
            ctx.fail(r, "count_from", f"unknown field set '{fs}'")
        reg["count"] = max(f["lsb"] + f["width"] for f in fieldsets[fs])
    elif "count_param" in r:
        if r["count_param"] not in param_max:
            ctx.fail(r, "count_param", f"unknown parameter '{r['count_param']}'")
        reg["count_param"] = r["count_param"]
        reg["count"] = param_max[r["count_param"]]
    reg["array"] = bool(count_keys)
    reg["stride"] = ctx.need(r, "stride", int) if reg["array"] else 4
    for f in reg["fields"]:
        if f["reset"] == "param" and f["desc"] not in param_max:
            ctx.fail(r, "fields", f"field {f['name']}: reset 'param' needs desc naming a parameter")
    return reg



def parse_front_end(ctx, doc, m, fieldsets, param_max):
    """The GPU front end's window in BAR0 (doorbells, engine reset, engine state), beyond
    the controller's registers: decoded by the PCIe function and the engine models, not by
    the controller RTL, so only the C++ header and the docs get it."""
    fe = ctx.need(doc, "front_end", dict)
    ctx.known(fe, {"description", "bar_offset", "window_bytes", "registers", "descriptor"})
    f = {"description": str(fe.get("description", "")).strip(),
         "bar_offset": ctx.need(fe, "bar_offset", int), "window_bytes": ctx.need(fe, "window_bytes", int)}
    if f["bar_offset"] < m["bus"]["bar_bytes"] or f["bar_offset"] % f["window_bytes"]:
        ctx.fail(fe, "bar_offset", "must lie past the controller's BAR window, aligned to window_bytes")
    f["registers"] = [parse_register(ctx, r, fieldsets, param_max) for r in ctx.need(fe, "registers", list)]
    owner = {}
    for reg in f["registers"]:
        for i in range(reg["count"]):
            addr = reg["offset"] + i * reg["stride"]
            if addr + 4 > f["window_bytes"] or addr in owner:
                raise MapError(f"{ctx.path}: front_end register {reg['name']}[{i}] at {addr:#x} is outside "
                               "the window or overlaps " + owner.get(addr, "nothing"))
            owner[addr] = f"{reg['name']}[{i}]"
    size = 1
    while size < f["bar_offset"] + f["window_bytes"]:
        size *= 2
    f["device_bar_bytes"] = size
    f["descriptor"] = parse_descriptor(ctx, ctx.need(fe, "descriptor", dict))
    return f


def parse_descriptor(ctx, d):
    """The DMA buffer descriptor a doorbell points to: little-endian fields in host memory."""
    ctx.known(d, {"bytes", "desc", "fields"})
    out = {"bytes": ctx.need(d, "bytes", int), "desc": str(d.get("desc", "")).strip(), "fields": []}
    used = set()
    for fl in ctx.need(d, "fields", list):
        ctx.known(fl, {"name", "offset", "bytes", "desc"})
        f = {"name": ctx.need(fl, "name", str), "offset": ctx.need(fl, "offset", int),
             "bytes": ctx.need(fl, "bytes", int), "desc": str(fl.get("desc", ""))}
        span = set(range(f["offset"], f["offset"] + f["bytes"]))
        if f["bytes"] not in (1, 2, 4, 8) or f["offset"] % f["bytes"] or max(span) >= out["bytes"] or span & used:
            ctx.fail(fl, "offset", "must be naturally aligned, inside the descriptor and not overlap another field")
        used |= span
        out["fields"].append(f)
    return out


def load(path):
    with open(path, encoding="utf-8") as fh:
        doc = yaml.load(fh, Loader=LineLoader)
    ctx = Ctx(path)
    ctx.known(doc, {"block", "description", "bus", "params", "fieldsets", "registers", "msix",
                    "pcie_cfg", "front_end"})
    m = {"block": ctx.need(doc, "block", str), "description": str(doc.get("description", ""))}
    bus = ctx.need(doc, "bus", dict)
    ctx.known(bus, {"protocol", "data_bits", "addr_bits", "bar_bytes"})
    m["bus"] = {k: bus[k] for k in ("protocol", "data_bits", "addr_bits", "bar_bytes")}
    if bus["bar_bytes"] != 1 << bus["addr_bits"]:
        ctx.fail(bus, "bar_bytes", "must equal 2**addr_bits")

    m["params"] = []
    for p in ctx.need(doc, "params", list):
        ctx.known(p, {"name", "default", "min", "max", "desc"})
        for k in ("default", "min", "max"):
            ctx.need(p, k, int)
        if not p["min"] <= p["default"] <= p["max"]:
            ctx.fail(p, "default", "must lie within min..max")
        m["params"].append({k: p.get(k, "") for k in ("name", "default", "min", "max", "desc")})
    param_max = {p["name"]: p["max"] for p in m["params"]}

    fieldsets = {}
    for name, fields in ctx.need(doc, "fieldsets", dict).items():
        if name == "__line__":
            continue
        fieldsets[name] = parse_fields(ctx, doc["fieldsets"], fields)

    regs = [parse_register(ctx, r, fieldsets, param_max) for r in ctx.need(doc, "registers", list)]
    # Every register instance must own its own dword, inside the BAR.
    owner = {}
    for reg in regs:
        for i in range(reg["count"]):
            addr = reg["offset"] + i * reg["stride"]
            if addr + 4 > bus["bar_bytes"]:
                raise MapError(f"{path}: register {reg['name']}[{i}] at {addr:#x} is outside the BAR")
            if addr in owner:
                raise MapError(f"{path}: register {reg['name']}[{i}] at {addr:#x} overlaps {owner[addr]}")
            owner[addr] = f"{reg['name']}[{i}]"
    m["registers"] = regs
    m["front_end"] = parse_front_end(ctx, doc, m, fieldsets, param_max) if "front_end" in doc else None

    x = ctx.need(doc, "msix", dict)
    ctx.known(x, {"table_offset", "table_bir", "pba_offset", "pba_bir", "entry_bytes", "entry",
                  "pba_desc"})
    msix = {k: ctx.need(x, k, int) for k in ("table_offset", "table_bir", "pba_offset", "pba_bir",
                                            "entry_bytes")}
    msix["pba_desc"] = str(x.get("pba_desc", ""))
    msix["entry"] = []
    for e in ctx.need(x, "entry", list):
        ctx.known(e, {"name", "offset", "desc", "fields"})
        msix["entry"].append({"name": ctx.need(e, "name", str), "offset": ctx.need(e, "offset", int),
                              "desc": str(e.get("desc", "")),
                              "fields": parse_fields(ctx, e, ctx.need(e, "fields", list))})
    nvec = param_max["NUM_VECTORS"]
    table_end = msix["table_offset"] + nvec * msix["entry_bytes"]
    if msix["pba_offset"] < table_end or msix["pba_offset"] % 8 or msix["table_offset"] % 8:
        ctx.fail(x, "pba_offset", "table and PBA must be 8-byte aligned and must not overlap")
    for addr, who in owner.items():
        if msix["table_offset"] <= addr < msix["pba_offset"] + (nvec + 63) // 64 * 8:
            raise MapError(f"{path}: register {who} lies inside the MSI-X table or PBA")
    m["msix"] = msix

    m["pcie_cfg"] = []
    for c in ctx.need(doc, "pcie_cfg", list):
        ctx.known(c, {"name", "offset", "width", "fields"})
        m["pcie_cfg"].append({"name": ctx.need(c, "name", str), "offset": ctx.need(c, "offset", int),
                              "width": ctx.need(c, "width", int),
                              "fields": parse_fields(ctx, c, ctx.need(c, "fields", list))})
    m["fieldsets"] = fieldsets
    return m


HEADER = "Generated by rtl/regs/regtool.py from {src}. Do not edit; run `make regs`."


def reset_value(reg):
    v = 0
    for f in reg["fields"]:
        if f["reset"] != "param":
            v |= f["reset"] << f["lsb"]
    return v


def sw_mask(reg):
    """Bits software can change: RW fields, or W1C fields (cleared by writing 1)."""
    if reg["access"] == "ro":
        return 0
    v = 0
    for f in reg["fields"]:
        v |= ((1 << f["width"]) - 1) << f["lsb"]
    return v


def gen_sv(m, src):
    a = m["bus"]["addr_bits"]
    L = [f"// {HEADER.format(src=src)}", f"// {m['description']}", "",
         f"package {m['block']}_reg_pkg;", "",
         "  // The package lists every constant of the map; each module uses only some.",
         "  /* verilator lint_off UNUSEDPARAM */", ""]

    def p(name, val, width=None):
        if width is None:
            L.append(f"  parameter int unsigned {name} = {val};")
        else:
            L.append(f"  parameter logic [{width - 1}:0] {name} = {width}'h{val:x};")

    L.append("  // Bus")
    p("BUS_ADDR_BITS", a)
    p("BUS_DATA_BITS", m["bus"]["data_bits"])
    L.append("")
    L.append("  // Parameters: defaults and legal maxima")
    for prm in m["params"]:
        p(f"{prm['name']}_DEFAULT", prm["default"])
        p(f"{prm['name']}_MAX", prm["max"])
    L.append("")
    for name, fields in sorted(m["fieldsets"].items()):
        L.append(f"  // Field set '{name}'")
        up = name.upper()
        for f in fields:
            p(f"{up}_{f['name']}_LSB", f["lsb"])
            p(f"{up}_{f['name']}_WIDTH", f["width"])
        p(f"{up}_WIDTH", max(f["lsb"] + f["width"] for f in fields))
        L.append("")
    for reg in m["registers"]:
        n = reg["name"]
        L.append(f"  // {n} ({reg['access'].upper()})")
        p(f"{n}_OFFSET", reg["offset"], a)
        if reg["array"]:
            p(f"{n}_STRIDE", reg["stride"])
            p(f"{n}_COUNT", reg["count"])
        p(f"{n}_RESET", reset_value(reg), 32)
        if "fieldset" not in reg:
            for f in reg["fields"]:
                p(f"{n}_{f['name']}_LSB", f["lsb"])
                p(f"{n}_{f['name']}_WIDTH", f["width"])
        L.append("")
    x = m["msix"]
    L.append("  // MSI-X table and PBA")
    p("MSIX_TABLE_OFFSET", x["table_offset"], a)
    p("MSIX_PBA_OFFSET", x["pba_offset"], a)
    p("MSIX_ENTRY_BYTES", x["entry_bytes"])
    for e in x["entry"]:
        p(f"MSIX_{e['name']}_OFFSET", e["offset"])
        for f in e["fields"]:
            p(f"MSIX_{e['name']}_{f['name']}_LSB", f["lsb"])
            p(f"MSIX_{e['name']}_{f['name']}_WIDTH", f["width"])
        p(f"MSIX_{e['name']}_RESET", reset_value(e), 32)
    L.append("  /* verilator lint_on UNUSEDPARAM */")
    L.append("")
    L.append("endpackage")
    return "\n".join(L) + "\n"


def gen_cpp(m, src):
    b = m["block"]
    L = [f"// {HEADER.format(src=src)}", "#pragma once", "", "#include <cstdint>", "",
         f"// {m['description']}",
         f"namespace irqlab::regs::{b} {{", "",
         "/// A bit field inside a 32-bit register.",
         "struct Field {",
         "  unsigned lsb;",
         "  unsigned width;",
         "  constexpr uint32_t mask() const {",
         "    return width >= 32 ? 0xFFFFFFFFu : (((1u << width) - 1u) << lsb);",
         "  }",
         "  constexpr uint32_t get(uint32_t reg) const { return (reg & mask()) >> lsb; }",
         "  constexpr uint32_t put(uint32_t value) const { return (value << lsb) & mask(); }",
         "  constexpr uint32_t bit(unsigned i) const { return 1u << (lsb + i); }",
         "};", "",
         f"inline constexpr unsigned kBusAddrBits = {m['bus']['addr_bits']};",
         f"inline constexpr unsigned kBusDataBits = {m['bus']['data_bits']};",
         f"inline constexpr uint64_t kBarBytes = {m['bus']['bar_bytes']:#x};", ""]
    for prm in m["params"]:
        cname = "".join(w.capitalize() for w in prm["name"].split("_"))
        L.append(f"/// {prm['desc']}")
        L.append(f"inline constexpr unsigned k{cname}Default = {prm['default']};")
        L.append(f"inline constexpr unsigned k{cname}Min = {prm['min']};")
        L.append(f"inline constexpr unsigned k{cname}Max = {prm['max']};")
    L.append("")

    def fields(fl, indent="  "):
        for f in fl:
            L.append(f"{indent}inline constexpr Field {f['name']}{{{f['lsb']}, {f['width']}}};  // {f['desc']}")

    for name, fl in sorted(m["fieldsets"].items()):
        L.append(f"/// Field set '{name}'.")
        L.append(f"namespace {name} {{")
        fields(fl, "")
        L.append(f"inline constexpr unsigned kWidth = {max(f['lsb'] + f['width'] for f in fl)};")
        L.append(f"}}  // namespace {name}")
        L.append("")
    def register(reg):
        n = reg["name"]
        L.append(f"/// {reg['desc']}")
        L.append(f"namespace {n} {{")
        L.append(f"inline constexpr uint32_t kOffset = {reg['offset']:#06x};")
        L.append(f"inline constexpr uint32_t kReset = {reset_value(reg):#010x};")
        L.append(f"inline constexpr uint32_t kWritableMask = {sw_mask(reg):#010x};")
        L.append(f"inline constexpr bool kW1c = {'true' if reg['access'] == 'w1c' else 'false'};")
        if reg["array"]:
            L.append(f"inline constexpr uint32_t kStride = {reg['stride']};")
            L.append(f"inline constexpr unsigned kCount = {reg['count']};")
            L.append("constexpr uint32_t offset(unsigned i) { return kOffset + i * kStride; }")
        if "fieldset" in reg:
            for f in reg["fields"]:
                L.append(f"inline constexpr Field {f['name']} = {reg['fieldset']}::{f['name']};")
        else:
            fields(reg["fields"], "")
        L.append(f"}}  // namespace {n}")
        L.append("")

    for reg in m["registers"]:
        register(reg)
    fe = m["front_end"]
    if fe:
        L += [f"/// {fe['description']}", "namespace front_end {",
              f"inline constexpr uint32_t kBarOffset = {fe['bar_offset']:#x};  ///< in BAR0",
              f"inline constexpr uint32_t kWindowBytes = {fe['window_bytes']:#x};",
              f"inline constexpr uint64_t kDeviceBarBytes = {fe['device_bar_bytes']:#x};  ///< BAR0 with it", ""]
        for reg in fe["registers"]:
            register(reg)
        d = fe["descriptor"]
        L += [f"/// {d['desc']}", "namespace descriptor {",
              f"inline constexpr uint32_t kBytes = {d['bytes']};",
              "struct Field {", "  uint32_t offset, bytes;", "};",
              "/// Little-endian, as the device reads host memory.",
              "inline void put(uint8_t* d, Field f, uint64_t v) {",
              "  for (uint32_t i = 0; i < f.bytes; ++i) d[f.offset + i] = static_cast<uint8_t>(v >> (8 * i));",
              "}",
              "inline uint64_t get(const uint8_t* d, Field f) {",
              "  uint64_t v = 0;",
              "  for (uint32_t i = 0; i < f.bytes; ++i) v |= uint64_t{d[f.offset + i]} << (8 * i);",
              "  return v;",
              "}"]
        for f in d["fields"]:
            L.append(f"inline constexpr Field {f['name']}{{{f['offset']}, {f['bytes']}}};  ///< {f['desc']}")
        L += ["}  // namespace descriptor", "}  // namespace front_end", ""]
    x = m["msix"]
    L += ["/// MSI-X table and Pending Bit Array, in BAR " + str(x["table_bir"]) + ".",
          "namespace msix {",
          f"inline constexpr uint32_t kTableOffset = {x['table_offset']:#x};",
          f"inline constexpr unsigned kTableBir = {x['table_bir']};",
          f"inline constexpr uint32_t kPbaOffset = {x['pba_offset']:#x};",
          f"inline constexpr unsigned kPbaBir = {x['pba_bir']};",
          f"inline constexpr uint32_t kEntryBytes = {x['entry_bytes']};",
          "constexpr uint32_t entry(unsigned v) { return kTableOffset + v * kEntryBytes; }",
          "constexpr uint32_t pba_qword(unsigned v) { return kPbaOffset + (v / 64) * 8; }"]
    for e in x["entry"]:
        L.append(f"/// {e['desc']}")
        L.append(f"namespace {e['name']} {{")
        L.append(f"inline constexpr uint32_t kOffset = {e['offset']:#x};")
        L.append(f"inline constexpr uint32_t kReset = {reset_value(e):#010x};")
        fields(e["fields"], "")
        L.append(f"}}  // namespace {e['name']}")
    L.append("}  // namespace msix")
    L.append("")
    L.append("/// PCI configuration-space fields (offsets of MSIX_* are relative to the capability).")
    L.append("namespace pcie_cfg {")
    for c in m["pcie_cfg"]:
        L.append(f"namespace {c['name']} {{")
        L.append(f"inline constexpr uint32_t kOffset = {c['offset']:#04x};")
        L.append(f"inline constexpr unsigned kWidth = {c['width']};")
        L.append(f"inline constexpr uint32_t kReset = {reset_value(c):#06x};  // fixed values (e.g. IDs)")
        fields(c["fields"], "")
        L.append(f"}}  // namespace {c['name']}")
    L.append("}  // namespace pcie_cfg")
    L.append("")
    L.append(f"}}  // namespace irqlab::regs::{b}")
    return "\n".join(L) + "\n"


def bits_str(f):
    return str(f["lsb"]) if f["width"] == 1 else f"{f['lsb'] + f['width'] - 1}:{f['lsb']}"


def gen_md(m, src):
    L = [f"<!-- {HEADER.format(src=src)} -->", f"# `{m['block']}` register map", "",
         m["description"], "",
         f"Bus: {m['bus']['protocol']}, {m['bus']['data_bits']}-bit data, "
         f"{m['bus']['addr_bits']}-bit byte address (BAR of {m['bus']['bar_bytes']:#x} bytes). "
         "Reads never fail; unmapped dwords read 0. A write is refused with SLVERR, and changes "
         "nothing, when its strobe is not one aligned dword or qword, when any written dword is "
         "unmapped or read-only space (PBA), or when it writes an illegal value.", "",
         "## Parameters", "", "| name | default | range | meaning |", "|---|---|---|---|"]
    for p in m["params"]:
        L.append(f"| `{p['name']}` | {p['default']} | {p['min']}..{p['max']} | {p['desc']} |")
    L += ["", "## Summary", "", "| offset | name | access | reset | instances |", "|---|---|---|---|---|"]
    for r in m["registers"]:
        inst = "1"
        if r["array"]:
            cnt = f"`{r['count_param']}` (max {r['count']})" if r["count_param"] else str(r["count"])
            inst = f"{cnt}, stride {r['stride']:#x}"
        L.append(f"| `{r['offset']:#07x}` | {r['name']} | {r['access'].upper()} | "
                 f"`{reset_value(r):#010x}` | {inst} |")
    x = m["msix"]
    L.append(f"| `{x['table_offset']:#07x}` | MSI-X table | RW | see below | `NUM_VECTORS` x {x['entry_bytes']} B |")
    L.append(f"| `{x['pba_offset']:#07x}` | MSI-X PBA | RO | 0 | ceil(`NUM_VECTORS`/64) x 8 B |")
    L.append("")
    L.append("## Registers")
    for r in m["registers"]:
        L += ["", f"### {r['name']} (`{r['offset']:#x}`, {r['access'].upper()})", "", r["desc"], "",
              "| bits | field | reset | description |", "|---|---|---|---|"]
        for f in r["fields"]:
            rst = "parameter" if f["reset"] == "param" else f"`{f['reset']:#x}`"
            L.append(f"| {bits_str(f)} | {f['name']} | {rst} | {f['desc']} |")
    fe = m["front_end"]
    if fe:
        L += ["", f"## GPU front end (BAR0 `{fe['bar_offset']:#x}`-`{fe['bar_offset'] + fe['window_bytes'] - 1:#x}`)",
              "", fe["description"], "",
              f"BAR0 is {fe['device_bar_bytes']:#x} bytes with this window. Offsets below are within it.", "",
              "| offset | name | access | instances | description |", "|---|---|---|---|---|"]
        for r in fe["registers"]:
            inst = "1"
            if r["array"]:
                cnt = f"`{r['count_param']}` (max {r['count']})" if r["count_param"] else str(r["count"])
                inst = f"{cnt}, stride {r['stride']:#x}"
            L.append(f"| `{r['offset']:#06x}` | {r['name']} | {r['access'].upper()} | {inst} | {r['desc']} |")
        d = fe["descriptor"]
        L += ["", f"### DMA buffer descriptor ({d['bytes']} bytes, in host memory)", "", d["desc"], "",
              "| offset | bytes | field | description |", "|---|---|---|---|"]
        for f in d["fields"]:
            L.append(f"| `{f['offset']:#04x}` | {f['bytes']} | {f['name']} | {f['desc']} |")
    L += ["", "## MSI-X table entry", "", "Entry v sits at table offset + 16 v. Aligned 4- or 8-byte accesses.", "",
          "| offset | name | bits | field | reset | description |", "|---|---|---|---|---|---|"]
    for e in x["entry"]:
        for f in e["fields"]:
            L.append(f"| +{e['offset']:#x} | {e['name']} | {bits_str(f)} | {f['name']} | `{f['reset']:#x}` | {e['desc']} {f['desc']} |")
    L += ["", "## Pending Bit Array", "", x["pba_desc"], "",
          "## PCI configuration-space fields", "",
          "Config space is the PCIe core's (models/pcie); the block reads or drives these bits. "
          "MSI-X offsets are relative to the MSI-X capability.", "",
          "| register | offset | bits | field | description |", "|---|---|---|---|---|"]
    for c in m["pcie_cfg"]:
        for f in c["fields"]:
            L.append(f"| {c['name']} | {c['offset']:#x} | {bits_str(f)} | {f['name']} | {f['desc']} |")
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("map")
    ap.add_argument("--sv", required=True)
    ap.add_argument("--cpp", required=True)
    ap.add_argument("--md", required=True)
    ap.add_argument("--check", action="store_true", help="compare instead of write; exit 1 if stale")
    args = ap.parse_args()
    try:
        m = load(args.map)
    except MapError as e:
        print(f"regtool: {e}", file=sys.stderr)
        return 2
    except (OSError, yaml.YAMLError) as e:
        print(f"regtool: {args.map}: {e}", file=sys.stderr)
        return 2
    src = "rtl/regs/" + args.map.replace("\\", "/").split("/")[-1]
    outputs = {args.sv: gen_sv(m, src), args.cpp: gen_cpp(m, src), args.md: gen_md(m, src)}
    stale = []
    for path, text in outputs.items():
        if args.check:
            try:
                with open(path, encoding="utf-8") as fh:
                    if fh.read() != text:
                        stale.append(path)
            except OSError:
                stale.append(path)
        else:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
    if stale:
        print("regtool: generated files are stale, run `make regs`: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
