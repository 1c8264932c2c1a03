#include "scenario.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "irq_ctrl_regs.hpp"
#include "pcie_profile.hpp"

namespace irqlab::run {

namespace {

namespace regs = irqlab::regs::irq_ctrl;

// What the loader accepts, recorded as it reads (`irqlab schema`): JSON Schema fragments by
// key path ("background[0].isr_us.mean"), so the schema comes from the loader's own checks.
class SchemaRecorder {
 public:
  void object(const std::string& path, const std::set<std::string>& keys) {
    nlohmann::json& o = at(path);
    o["type"] = "object";
    o["additionalProperties"] = false;
    for (const auto& k : keys) {
      if (!o["properties"].contains(k)) o["properties"][k] = nlohmann::json::object();
    }
  }
  /// The last reader to look at a key decides what it accepts; a range seen several times
  /// (list items, bounds that depend on other keys) is kept at its widest.
  void leaf(const std::string& path, nlohmann::json s) {
    nlohmann::json& o = at(path);
    if (o.contains("minimum") && s.contains("minimum"))
      s["minimum"] = std::min(o["minimum"].get<double>(), s["minimum"].get<double>());
    if (o.contains("maximum") && s.contains("maximum"))
      s["maximum"] = std::max(o["maximum"].get<double>(), s["maximum"].get<double>());
    o = std::move(s);
  }
  const nlohmann::json& root() const { return root_; }

 private:
  // "a.b[2].c" -> properties a, properties b, items, properties c.
  nlohmann::json& at(const std::string& path) {
    nlohmann::json* n = &root_;
    std::stringstream ss(path);
    for (std::string part; std::getline(ss, part, '.');) {
      const auto br = part.find('[');
      const std::string name = part.substr(0, br);
      if (!name.empty()) n = &(*n)["properties"][name];
      for (size_t i = br; i != std::string::npos; i = part.find('[', i + 1)) {
        (*n)["type"] = "array";
        n = &(*n)["items"];
      }
    }
    return *n;
  }
  nlohmann::json root_ = nlohmann::json::object();
};

class Reader {
 public:
  explicit Reader(std::string origin, bool with_sets = false, SchemaRecorder* schema = nullptr)
      : origin_(std::move(origin)), with_sets_(with_sets), schema_(schema) {}

  /// Records what `key` accepts (for keys checked outside the typed readers).
  void note(const std::string& key, const nlohmann::json& s) const {
    if (schema_) schema_->leaf(key, s);
  }

  /// One of `options`, as text.
  std::string choice(const YAML::Node& n, const std::string& key,
                     const std::vector<std::string>& options) const {
    const std::string v = text(n, key);
    note(key, {{"enum", options}});
    if (std::find(options.begin(), options.end(), v) == options.end()) {
      std::string list;
      for (size_t i = 0; i < options.size(); ++i)
        list += (i == 0 ? "" : i + 1 == options.size() ? " or " : ", ") + options[i];
      fail(n, key, "'" + v + "' is not " + list);
    }
    return v;
  }

  [[noreturn]] void fail(const YAML::Node& n, const std::string& key, const std::string& why) const {
    // Nodes a --set put in have no place in the file.
    const std::string where = n.Mark().line >= 0 ? ":" + std::to_string(n.Mark().line + 1)
                              : with_sets_       ? " (--set)"
                                                 : ":1";
    throw ScenarioError(origin_ + where + ": key '" + key + "': " + why);
  }

  void known(const YAML::Node& map, const std::string& where, const std::set<std::string>& keys) const {
    if (schema_) schema_->object(where, keys);
    if (!map.IsMap()) fail(map, where, "expected a mapping");
    for (const auto& kv : map) {
      const std::string k = kv.first.as<std::string>();
      if (!keys.count(k)) {
        std::string list;
        for (const auto& s : keys) list += (list.empty() ? "" : ", ") + s;
        const std::string near = closest(k, {keys.begin(), keys.end()});
        fail(kv.first, where.empty() ? k : where + "." + k,
             "unknown key" + (near.empty() ? "" : "; did you mean '" + near + "'?") + " (allowed: " + list +
                 ")");
      }
    }
  }

  double number(const YAML::Node& n, const std::string& key, double lo, double hi) const {
    note(key, {{"type", "number"}, {"minimum", lo}, {"maximum", hi}});
    if (!n.IsScalar()) fail(n, key, "expected a number");
    double v = 0;
    try {
      v = n.as<double>();
    } catch (const YAML::Exception&) {
      fail(n, key, "expected a number, got '" + n.Scalar() + "'");
    }
    if (!(v >= lo && v <= hi)) {
      std::ostringstream os;
      os << "value " << n.Scalar() << " out of range [" << lo << ", " << hi << "]";
      fail(n, key, os.str());
    }
    return v;
  }

  uint64_t integer(const YAML::Node& n, const std::string& key, double lo, double hi) const {
    const nlohmann::json schema{{"type", "integer"}, {"minimum", lo}, {"maximum", hi}};
    note(key, schema);
    if (n.IsScalar()) {
      try {  // yaml-cpp reads 0x.. and 0o.. for integers
        const uint64_t v = n.as<uint64_t>();
        if (!(double(v) >= lo && double(v) <= hi)) {
          std::ostringstream os;
          os << "value " << n.Scalar() << " out of range [" << lo << ", " << hi << "]";
          fail(n, key, os.str());
        }
        return v;
      } catch (const YAML::Exception&) {
      }
    }
    const double v = number(n, key, lo, hi);
    note(key, schema);
    if (v != static_cast<double>(static_cast<uint64_t>(v))) fail(n, key, "expected a whole number");
    return static_cast<uint64_t>(v);
  }

  std::string text(const YAML::Node& n, const std::string& key) const {
    note(key, {{"type", "string"}});
    if (!n.IsScalar()) fail(n, key, "expected a string");
    return n.Scalar();
  }

  bool boolean(const YAML::Node& n, const std::string& key) const {
    const std::string v = text(n, key);
    note(key, {{"type", "boolean"}});
    if (v != "true" && v != "false") fail(n, key, "expected true or false, got '" + v + "'");
    return v == "true";
  }

  Distribution distribution(const YAML::Node& n, const std::string& key) const {
    known(n, key, {"dist", "mean", "min", "max", "value"});
    Distribution d;
    const std::string kind =
        n["dist"] ? choice(n["dist"], key + ".dist", {"exponential", "uniform", "fixed"}) : "exponential";
    if (kind == "exponential") {
      d.kind = Distribution::kExponential;
      if (!n["mean"]) fail(n, key + ".mean", "missing (exponential needs a mean)");
      d.a = number(n["mean"], key + ".mean", 0.001, 1e6);
    } else if (kind == "uniform") {
      d.kind = Distribution::kUniform;
      if (!n["min"] || !n["max"]) fail(n, key, "uniform needs min and max");
      d.a = number(n["min"], key + ".min", 0, 1e6);
      d.b = number(n["max"], key + ".max", d.a, 1e6);
    } else if (kind == "fixed") {
      d.kind = Distribution::kFixed;
      if (!n["value"]) fail(n, key + ".value", "missing (fixed needs a value)");
      d.a = number(n["value"], key + ".value", 0, 1e6);
    }
    return d;
  }

 private:
  std::string origin_;
  bool with_sets_ = false;
  SchemaRecorder* schema_ = nullptr;
};

int dpc_target(const Reader& r, const YAML::Node& n, const std::string& key, unsigned cpus) {
  const bool current = n.IsScalar() && (n.Scalar() == "current" || n.Scalar() == "same");
  const int cpu = current ? -1 : static_cast<int>(r.integer(n, key, 0, cpus - 1));
  r.note(key, {{"anyOf",
                {{{"type", "integer"}, {"minimum", 0}, {"maximum", 63}}, {{"enum", {"current", "same"}}}}}});
  return cpu;
}

// The OS side's named costs and DPC policies (docs/timing.md gives each default's source).
void parse_kernel(const Reader& r, const YAML::Node& k, Scenario& s) {
  const std::map<std::string, uint64_t*> cycles = {
      {"interrupt_entry_cycles", &s.interrupt_entry_cycles},
      {"interrupt_exit_cycles", &s.interrupt_exit_cycles},
      {"dpc_dispatch_cycles", &s.dpc_dispatch_cycles},
      {"insert_queue_dpc_cycles", &s.insert_queue_dpc_cycles},
      {"spinlock_acquire_cycles", &s.spinlock_acquire_cycles},
      {"spinlock_release_cycles", &s.spinlock_release_cycles},
      {"ipi_send_cycles", &s.ipi_send_cycles},
      {"ipi_receive_cycles", &s.ipi_receive_cycles},
      {"dxgk_notify_interrupt_cycles", &s.notify_interrupt_cycles},
      {"dxgk_notify_dpc_cycles", &s.notify_dpc_cycles}};
  std::set<std::string> keys = {"ipi_latency_ns", "clock_tick_us", "maximum_dpc_queue_depth",
                                "minimum_dpc_rate", "cpus_idle_at_passive"};
  for (const auto& [name, p] : cycles) keys.insert(name);
  r.known(k, "kernel", keys);
  for (const auto& [name, p] : cycles) {
    if (k[name]) *p = r.integer(k[name], "kernel." + name, 0, 1e7);
  }
  if (k["ipi_latency_ns"]) s.ipi_latency_ns = r.number(k["ipi_latency_ns"], "kernel.ipi_latency_ns", 0, 1e6);
  if (k["clock_tick_us"]) s.clock_tick_us = r.number(k["clock_tick_us"], "kernel.clock_tick_us", 500, 1e7);
  if (k["maximum_dpc_queue_depth"])
    s.maximum_dpc_queue_depth = static_cast<unsigned>(
        r.integer(k["maximum_dpc_queue_depth"], "kernel.maximum_dpc_queue_depth", 1, 1e6));
  if (const auto i = k["cpus_idle_at_passive"])
    s.cpus_idle_at_passive = r.boolean(i, "kernel.cpus_idle_at_passive");
  if (k["minimum_dpc_rate"])
    s.minimum_dpc_rate =
        static_cast<unsigned>(r.integer(k["minimum_dpc_rate"], "kernel.minimum_dpc_rate", 0, 1e6));
}

void parse_driver_dpc(const Reader& r, const YAML::Node& d, Scenario& s) {
  if (d["dpc_per_fence_cycles"])
    s.dpc_per_fence_cycles = r.integer(d["dpc_per_fence_cycles"], "driver.dpc_per_fence_cycles", 0, 1e8);
  if (d["dpc_per_vsync_cycles"])
    s.dpc_per_vsync_cycles = r.integer(d["dpc_per_vsync_cycles"], "driver.dpc_per_vsync_cycles", 0, 1e8);
  if (d["dpc_target"]) s.dpc_cpu = dpc_target(r, d["dpc_target"], "driver.dpc_target", s.cpus);
  if (const auto i = d["dpc_importance"]) {
    static const std::map<std::string, unsigned> kImportance = {
        {"low", 0}, {"medium", 1}, {"high", 2}, {"medium_high", 3}};
    s.dpc_importance =
        kImportance.at(r.choice(i, "driver.dpc_importance", {"low", "medium", "medium_high", "high"}));
  }
  if (const auto o = d["dpc_objects"])
    s.dpc_per_message_per_cpu =
        r.choice(o, "driver.dpc_objects", {"adapter", "per_message_per_cpu"}) == "per_message_per_cpu";
}

// The platform's fault knobs (docs/faults.md): each one's effect has a fault-* check.
void parse_platform_faults(const Reader& r, const YAML::Node& f, Scenario& s) {
  if (f["spurious_msi_every_us"])
    s.spurious_msi_every_us = r.number(f["spurious_msi_every_us"], "faults.spurious_msi_every_us", 0.1, 1e9);
  if (const auto st = f["stuck_source"]) {
    r.known(st, "faults.stuck_source", {"bit", "at_ms"});
    if (!st["bit"]) r.fail(st, "faults.stuck_source", "needs bit: the INTR_STATUS bit that is stuck");
    s.stuck_source_bit =
        static_cast<int>(r.integer(st["bit"], "faults.stuck_source.bit", 0, regs::sources::PAGE_FAULT.lsb));
    if (st["at_ms"]) s.stuck_at_ms = r.number(st["at_ms"], "faults.stuck_source.at_ms", 0, 1e7);
  }
  if (f["drop_msi"]) s.drop_msi = r.integer(f["drop_msi"], "faults.drop_msi", 1, 1e15);
  if (f["corrupt_tlp_every"])
    s.corrupt_tlp_every = r.integer(f["corrupt_tlp_every"], "faults.corrupt_tlp_every", 1, 1e15);
  if (f["link_replay"]) s.link_replay = r.boolean(f["link_replay"], "faults.link_replay");
  // PCIe Base spec 7.5.3.16 (Device Control 2): ranges from 50 us to 64 s.
  if (f["completion_timeout_us"])
    s.completion_timeout_us = r.number(f["completion_timeout_us"], "faults.completion_timeout_us", 50, 64e6);
  if (f["message_slots"])
    s.message_slots = static_cast<unsigned>(r.integer(f["message_slots"], "faults.message_slots", 1, 4096));
  if (f["message_drop_when_full"])
    s.message_drop_when_full = r.boolean(f["message_drop_when_full"], "faults.message_drop_when_full");
}

// checks:, watchdog: and faults: (the watchdog's test knobs).
void parse_checks(const Reader& r, const YAML::Node& root, Scenario& s) {
  if (const auto c = root["checks"]) {
    r.known(c, "checks", {"dpc_bound_ms", "storm_limit_per_ms", "isr_stall_fail_us"});
    if (c["isr_stall_fail_us"])
      s.isr_stall_fail_us = r.number(c["isr_stall_fail_us"], "checks.isr_stall_fail_us", 0, 1e6);
    if (c["dpc_bound_ms"]) s.dpc_bound_ms = r.number(c["dpc_bound_ms"], "checks.dpc_bound_ms", 0.001, 1e5);
    if (c["storm_limit_per_ms"])
      s.storm_limit_per_ms = r.number(c["storm_limit_per_ms"], "checks.storm_limit_per_ms", 0.001, 1e7);
  }
  if (const auto w = root["watchdog"]) {
    r.known(w, "watchdog", {"routine_limit_ms", "completion_timeout_ms", "stall_wall_s"});
    if (w["routine_limit_ms"])
      s.routine_limit_ms = r.number(w["routine_limit_ms"], "watchdog.routine_limit_ms", 0.01, 1e5);
    // PCIe Base spec 2.8 (Completion Timeout): 50 us to 64 s.
    if (w["completion_timeout_ms"])
      s.completion_timeout_ms =
          r.number(w["completion_timeout_ms"], "watchdog.completion_timeout_ms", 0.05, 64000);
    if (w["stall_wall_s"]) s.stall_wall_s = r.number(w["stall_wall_s"], "watchdog.stall_wall_s", 0.5, 1e6);
  }
  if (const auto f = root["faults"]) {
    r.known(f, "faults",
            {"drop_read_completion", "stall_at_ms", "repeat_every_nth_dpc", "spurious_msi_every_us",
             "stuck_source", "drop_msi", "corrupt_tlp_every", "link_replay", "completion_timeout_us",
             "message_slots", "message_drop_when_full"});
    parse_platform_faults(r, f, s);
    if (f["repeat_every_nth_dpc"])
      s.repeat_every_nth_dpc = r.integer(f["repeat_every_nth_dpc"], "faults.repeat_every_nth_dpc", 1, 1e15);
    if (f["drop_read_completion"])
      s.drop_read_completion = r.integer(f["drop_read_completion"], "faults.drop_read_completion", 1, 1e15);
    if (f["stall_at_ms"]) s.stall_at_ms = r.number(f["stall_at_ms"], "faults.stall_at_ms", 0, 1e7);
  }
}

// nic: the NIC replaces the synthetic background source named "nic".
void parse_nic(const Reader& r, const YAML::Node& n, Scenario& s) {
  r.known(n, "nic",
          {"enabled", "queues", "rate_pps", "burst", "packet_bytes", "packet_ns", "ring", "target_processors",
           "request_dpcs_with", "fault", "ndis_fault"});
  NicSettings& c = s.nic;
  if (n["request_dpcs_with"])
    c.with_queue_dpc = r.choice(n["request_dpcs_with"], "nic.request_dpcs_with",
                                {"target_processors", "ndis_m_queue_dpc"}) == "ndis_m_queue_dpc";
  c.enabled = n["enabled"] ? r.boolean(n["enabled"], "nic.enabled") : true;
  const unsigned max_queues = std::min(s.cpus, 8u);
  if (n["queues"]) c.queues = static_cast<unsigned>(r.integer(n["queues"], "nic.queues", 1, max_queues));
  if (c.queues == 0) c.queues = max_queues;
  if (n["rate_pps"]) c.rate_pps = r.number(n["rate_pps"], "nic.rate_pps", 0, 2e7);
  if (n["burst"]) c.burst = r.number(n["burst"], "nic.burst", 1, 1024);
  if (n["packet_bytes"])
    c.packet_bytes = static_cast<unsigned>(r.integer(n["packet_bytes"], "nic.packet_bytes", 64, 9216));
  if (n["packet_ns"]) c.packet_ns = r.number(n["packet_ns"], "nic.packet_ns", 1, 1e6);
  if (n["ring"]) c.ring = static_cast<unsigned>(r.integer(n["ring"], "nic.ring", 1, 4096));
  if (n["target_processors"])
    c.target_processors = static_cast<uint32_t>(
        r.integer(n["target_processors"], "nic.target_processors", 0, (1u << s.cpus) - 1));
  if (n["fault"]) c.fault = r.choice(n["fault"], "nic.fault", {"none", "returns-false"});
  if (n["ndis_fault"])
    c.ndis_fault = r.choice(n["ndis_fault"], "nic.ndis_fault",
                            {"none", "one-dpc-per-cpu", "one-dpc-per-message", "ignores-target-processors"});
  if (!c.enabled) return;
  std::vector<BackgroundSource> kept;
  for (const auto& b : s.background) {
    if (b.name != "nic") kept.push_back(b);
  }
  s.background = kept;
}

// XPDM is line-based, and its display driver submits only buffers that complete (no
// preemption, no engine faults, no DxgkDdiSubmitCommand doorbells): keys that would be
// ignored are refused.
void check_xpdm(const Reader& r, const YAML::Node& root, Scenario& s) {
  if (!s.intx_mode)
    r.fail(root["driver"]["model"], "driver.model", "xpdm is line-based: needs interrupt_mode: intx");
  if (const auto e = root["engines"]) {
    for (const char* k : {"preempt_requests_per_ms", "fault_probability", "doorbell"}) {
      if (e[k])
        r.fail(e[k], std::string("engines.") + k,
               "not used with driver.model xpdm (its display driver submits only buffers that complete)");
    }
  }
  s.preempt_per_ms = 0;
  s.fault_probability = 0;
  s.doorbell_mmio = false;
}

// A GPU-P run builds its own system (PF and VFs, guests): keys of the single-function
// platform would be ignored there, so they are refused rather than silently dropped.
void refuse_unused_by_gpup(Reader& r, const YAML::Node& root) {
  static const char* const kTop[] = {"interrupt_mode", "msi_messages", "shared_line", "nic",
                                     "background",     "display",      "faults",      "waves",
                                     "quantum_cycles", "msix_vectors"};
  for (const char* k : kTop) {
    if (root[k])
      r.fail(root[k], k, "not used by GPU-P runs (gpup:): the guests run the WDDM miniport over MSI-X");
  }
  if (const auto d = root["driver"]; d && d["model"])
    r.fail(d["model"], "driver.model", "not used by GPU-P runs: the guests run the WDDM miniport");
  if (const auto d = root["driver"]; d && d["fault"])
    r.fail(d["fault"], "driver.fault",
           "not used by GPU-P runs; gpup.kmd_fault selects the GPU-P KMD's faults");
  if (const auto e = root["engines"]) {
    for (const auto& kv : e) {
      const std::string k = kv.first.as<std::string>();
      if (k != "duration_us" && k != "max_result_bytes")
        r.fail(kv.first, "engines." + k,
               "not used by GPU-P runs (each guest submits to one node every gpup.guest_mean_gap_us; "
               "engines.duration_us and engines.max_result_bytes apply)");
    }
  }
}

constexpr std::uintmax_t kMaxScenarioBytes = 1 << 20;

// yaml-cpp parses flow collections recursively: bound their nesting before it sees them.
void check_nesting(const std::string& yaml, const std::string& origin) {
  constexpr int kMaxDepth = 32;
  int depth = 0, line = 1;
  char quote = 0;
  bool comment = false;
  for (size_t i = 0; i < yaml.size(); ++i) {
    const char c = yaml[i];
    if (c == '\n') {
      ++line;
      comment = false;
      continue;
    }
    if (comment) continue;
    if (quote) {
      if (quote == '"' && c == '\\')
        ++i;
      else if (c == quote)
        quote = 0;
      continue;
    }
    if (c == '#' && (i == 0 || yaml[i - 1] == ' ' || yaml[i - 1] == '\t'))
      comment = true;
    else if (c == '"' || c == '\'')
      quote = (i == 0 || std::strchr(" \t[{,:-", yaml[i - 1])) ? c : 0;
    else if (c == '[' || c == '{')
      ++depth;
    else if ((c == ']' || c == '}') && depth > 0)
      --depth;
    if (depth > kMaxDepth)
      throw ScenarioError(origin + ":" + std::to_string(line) + ": nested deeper than " +
                          std::to_string(kMaxDepth) + " levels");
  }
}

// yaml-cpp accepts a quoted scalar that runs to the end of the file: refuse one whose
// closing quote is missing.
void check_quotes(const YAML::Node& n, const std::string& yaml, const std::string& origin) {
  if (n.IsMap() || n.IsSequence()) {
    for (const auto& kv : n) {
      if (n.IsMap()) {
        check_quotes(kv.first, yaml, origin);
        check_quotes(kv.second, yaml, origin);
      } else {
        check_quotes(kv, yaml, origin);
      }
    }
    return;
  }
  if (n.Mark().pos < 0) return;  // a --set value: not in the text
  const auto pos = static_cast<size_t>(n.Mark().pos);
  if (!n.IsScalar() || pos >= yaml.size() || (yaml[pos] != '"' && yaml[pos] != '\'')) return;
  const char q = yaml[pos];
  for (size_t i = pos + 1; i < yaml.size(); ++i) {
    if (q == '"' && yaml[i] == '\\') {
      ++i;
    } else if (yaml[i] == q) {
      if (q == '\'' && i + 1 < yaml.size() && yaml[i + 1] == '\'') {
        ++i;
        continue;
      }
      return;
    }
  }
  throw ScenarioError(origin + ":" + std::to_string(n.Mark().line + 1) + ": unterminated quoted string");
}

// yaml-cpp keeps both entries of a repeated key and its lookups find the first: a file
// that says two things about one key is refused rather than half-read.
void check_duplicate_keys(const YAML::Node& n, const std::string& origin) {
  if (n.IsSequence()) {
    for (const auto& c : n) check_duplicate_keys(c, origin);
    return;
  }
  if (!n.IsMap()) return;
  std::map<std::string, int> seen;
  for (const auto& kv : n) {
    const int line = kv.first.Mark().line + 1;
    if (kv.first.IsScalar()) {
      const auto [it, fresh] = seen.emplace(kv.first.Scalar(), line);
      if (!fresh) {
        throw ScenarioError(origin + ":" + std::to_string(line) + ": key '" + kv.first.Scalar() +
                            "' appears twice (first at line " + std::to_string(it->second) + ")");
      }
    }
    check_duplicate_keys(kv.second, origin);
  }
}

// A copy without marks: its nodes are told apart from the file's in error messages.
YAML::Node unmarked(const YAML::Node& n) {
  if (n.IsScalar()) return YAML::Node(n.Scalar());
  if (n.IsSequence()) {
    YAML::Node s(YAML::NodeType::Sequence);
    for (const auto& c : n) s.push_back(unmarked(c));
    return s;
  }
  if (n.IsMap()) {
    YAML::Node m(YAML::NodeType::Map);
    for (const auto& kv : n) m[kv.first.Scalar()] = unmarked(kv.second);
    return m;
  }
  return YAML::Node();
}

void apply_sets(YAML::Node& root, const std::vector<std::string>& sets) {
  for (const auto& kv : sets) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0 || kv.find("..") != std::string::npos || kv[0] == '.' ||
        kv[eq - 1] == '.')
      throw ScenarioError("--set '" + kv + "': expected KEY=VALUE with a dotted key, e.g. engines.nodes=2");
    YAML::Node value;
    try {
      value = unmarked(YAML::Load(kv.substr(eq + 1)));
    } catch (const YAML::Exception& e) {
      throw ScenarioError("--set '" + kv + "': the value is not YAML: " + e.msg);
    }
    if (!root.IsMap()) root = YAML::Node(YAML::NodeType::Map);
    set_scenario_key(root, kv.substr(0, eq), value);
  }
}

}  // namespace

void set_scenario_key(YAML::Node root, const std::string& dotted, const YAML::Node& value) {
  std::vector<std::string> keys;
  std::stringstream ss(dotted);
  for (std::string k; std::getline(ss, k, '.');) keys.push_back(k);
  YAML::Node n = root;
  for (size_t i = 0; i + 1 < keys.size(); ++i) {
    if (!n[keys[i]] || !n[keys[i]].IsMap()) n[keys[i]] = YAML::Node(YAML::NodeType::Map);
    n.reset(n[keys[i]]);
  }
  n[keys.back()] = value;
}

namespace {

// The top level's own keys: the run, the host and the controller build.
void parse_top(const Reader& r, const YAML::Node& root, Scenario& s) {
  if (root["name"]) s.name = r.text(root["name"], "name");
  if (root["description"]) s.description = r.text(root["description"], "description");
  if (root["profile"]) {
    s.profile = r.text(root["profile"], "profile");
    std::map<std::string, pcie::PcieProfile> known;
    try {
      known = pcie::load_profiles(pcie::default_profile_path());
    } catch (const pcie::ConfigError& e) {
      throw ScenarioError(e.what());
    }
    if (!known.count(s.profile)) {
      std::string names;
      for (const auto& [n, p] : known) names += (names.empty() ? "" : ", ") + n;
      r.fail(root["profile"], "profile",
             "no profile '" + s.profile + "' in config/pcie_profiles.yaml (known: " + names + ")");
    }
  }
  if (root["seed"]) s.seed = r.integer(root["seed"], "seed", 0, 1e18);
  if (root["duration_ms"]) s.duration_ms = r.number(root["duration_ms"], "duration_ms", 0.01, 10000);
  if (root["drain_ms"]) s.drain_ms = r.number(root["drain_ms"], "drain_ms", 0.1, 1000);
  if (root["cpus"]) s.cpus = static_cast<unsigned>(r.integer(root["cpus"], "cpus", 1, 64));
  if (root["cpu_ghz"]) s.cpu_ghz = r.number(root["cpu_ghz"], "cpu_ghz", 0.1, 10);
  if (root["interrupt_cpu"])
    s.interrupt_cpu = static_cast<unsigned>(r.integer(root["interrupt_cpu"], "interrupt_cpu", 0, s.cpus - 1));
  if (const auto d = root["dpc_cpu"]) s.dpc_cpu = dpc_target(r, d, "dpc_cpu", s.cpus);
  if (root["quantum_cycles"]) s.quantum_cycles = r.integer(root["quantum_cycles"], "quantum_cycles", 1, 1e9);
  if (const auto v = root["msix_vectors"]) {  // the two Verilated builds (rtl/CMakeLists.txt)
    s.msix_vectors = static_cast<unsigned>(r.integer(v, "msix_vectors", 1, regs::kNumVectorsMax));
    r.note("msix_vectors", {{"enum", {regs::kNumVectorsDefault, regs::kNumVectorsMax}}});
    if (s.msix_vectors != regs::kNumVectorsDefault && s.msix_vectors != regs::kNumVectorsMax)
      r.fail(v, "msix_vectors",
             std::to_string(s.msix_vectors) + ": the controller is built with " +
                 std::to_string(regs::kNumVectorsDefault) + " or " + std::to_string(regs::kNumVectorsMax) +
                 " entries");
  }
}

// engines: the load on each node.
void parse_engines(const Reader& r, const YAML::Node& e, Scenario& s) {
  r.known(e, "engines",
          {"nodes", "mean_gap_us", "duration_us", "max_result_bytes", "preempt_requests_per_ms",
           "fault_probability", "first_fence", "queue_depth", "doorbell"});
  if (const auto d = e["doorbell"])
    s.doorbell_mmio = r.choice(d, "engines.doorbell", {"mmio", "modelled"}) == "mmio";
  if (e["queue_depth"])
    s.queue_depth = static_cast<unsigned>(r.integer(e["queue_depth"], "engines.queue_depth", 1, 64));
  if (e["first_fence"])
    s.first_fence =
        static_cast<uint32_t>(r.integer(e["first_fence"], "engines.first_fence", 1, 4294967295.0));
  if (e["nodes"])
    s.nodes = static_cast<unsigned>(r.integer(e["nodes"], "engines.nodes", 1, regs::kNumNodesDefault));
  if (e["mean_gap_us"]) s.mean_gap_us = r.number(e["mean_gap_us"], "engines.mean_gap_us", 0.1, 1e6);
  if (const auto d = e["duration_us"]) {
    if (!d.IsSequence() || d.size() != 2) r.fail(d, "engines.duration_us", "expected [min, max]");
    s.min_duration_us = r.number(d[0], "engines.duration_us[0]", 0.01, 1e6);
    s.max_duration_us = r.number(d[1], "engines.duration_us[1]", s.min_duration_us, 1e6);
  }
  if (e["max_result_bytes"]) {
    s.max_result_bytes =
        static_cast<uint32_t>(r.integer(e["max_result_bytes"], "engines.max_result_bytes", 0, 1 << 24));
  }
  if (e["preempt_requests_per_ms"])
    s.preempt_per_ms = r.number(e["preempt_requests_per_ms"], "engines.preempt_requests_per_ms", 0, 1000);
  if (e["fault_probability"])
    s.fault_probability = r.number(e["fault_probability"], "engines.fault_probability", 0, 1);
}

// display: the heads' vsync rates.
void parse_display(const Reader& r, const YAML::Node& d, Scenario& s) {
  r.known(d, "display", {"heads_hz"});
  if (const auto h = d["heads_hz"]) {
    if (!h.IsSequence() || h.size() > regs::kNumHeadsDefault) {
      r.fail(h, "display.heads_hz",
             "expected a list of at most " + std::to_string(regs::kNumHeadsDefault) + " rates");
    }
    s.head_hz.clear();
    for (size_t i = 0; i < h.size(); ++i)
      s.head_hz.push_back(r.number(h[i], "display.heads_hz[" + std::to_string(i) + "]", 1, 1000));
  }
}

// driver: the model, its costs, its DPC policy and a deliberate fault.
void parse_driver(const Reader& r, const YAML::Node& d, Scenario& s) {
  r.known(d, "driver",
          {"fault", "isr_prologue_cycles", "isr_per_source_cycles", "isr_epilogue_cycles", "dpc_body_cycles",
           "dpc_per_fence_cycles", "dpc_per_vsync_cycles", "moderation_cycles", "dpc_target",
           "dpc_importance", "dpc_objects", "model", "stall_warn_us"});
  if (d["model"]) s.driver_model = r.choice(d["model"], "driver.model", {"wddm", "xpdm"});
  if (d["stall_warn_us"]) s.stall_warn_us = r.number(d["stall_warn_us"], "driver.stall_warn_us", 0, 1e6);
  parse_driver_dpc(r, d, s);
  if (d["moderation_cycles"]) {
    s.moderation_cycles = static_cast<uint32_t>(
        r.integer(d["moderation_cycles"], "driver.moderation_cycles", 0, regs::VEC_MOD::INTERVAL.mask()));
  }
  if (d["fault"]) s.driver_fault = r.text(d["fault"], "driver.fault");
  if (d["isr_prologue_cycles"])
    s.isr_prologue_cycles = r.integer(d["isr_prologue_cycles"], "driver.isr_prologue_cycles", 0, 1e8);
  if (d["isr_per_source_cycles"])
    s.isr_per_source_cycles = r.integer(d["isr_per_source_cycles"], "driver.isr_per_source_cycles", 0, 1e8);
  if (d["isr_epilogue_cycles"])
    s.isr_epilogue_cycles = r.integer(d["isr_epilogue_cycles"], "driver.isr_epilogue_cycles", 0, 1e8);
  if (d["dpc_body_cycles"])
    s.dpc_body_cycles = r.integer(d["dpc_body_cycles"], "driver.dpc_body_cycles", 0, 1e8);
}

// background: devices off PCIe interrupting the CPUs.
void parse_background(const Reader& r, const YAML::Node& b, Scenario& s) {
  if (!b.IsSequence()) r.fail(b, "background", "expected a list of sources");
  for (size_t i = 0; i < b.size(); ++i) {
    const std::string key = "background[" + std::to_string(i) + "]";
    r.known(b[i], key, {"name", "cpu", "vector", "rate_hz", "isr_us", "dpc_us"});
    BackgroundSource src;
    if (b[i]["name"]) src.name = r.text(b[i]["name"], key + ".name");
    if (b[i]["cpu"]) {
      const auto& c = b[i]["cpu"];
      src.cpu = c.IsScalar() && c.Scalar() == "all"
                    ? -1
                    : static_cast<int>(r.integer(c, key + ".cpu", 0, s.cpus - 1));
      r.note(key + ".cpu",
             {{"anyOf", {{{"type", "integer"}, {"minimum", 0}, {"maximum", 63}}, {{"enum", {"all"}}}}}});
    }
    if (b[i]["vector"])
      src.vector = static_cast<unsigned>(r.integer(b[i]["vector"], key + ".vector", 0x30, 0xEF));
    if (!b[i]["rate_hz"]) r.fail(b[i], key + ".rate_hz", "missing");
    src.rate_hz = r.number(b[i]["rate_hz"], key + ".rate_hz", 0, 1e6);
    if (b[i]["isr_us"]) src.isr_us = r.distribution(b[i]["isr_us"], key + ".isr_us");
    if (b[i]["dpc_us"]) src.dpc_us = r.distribution(b[i]["dpc_us"], key + ".dpc_us");
    s.background.push_back(src);
  }
}

// interrupt_mode, msi_messages and the INTx line's other device.
void parse_interrupt_mode(const Reader& r, const YAML::Node& root, Scenario& s) {
  if (const auto m = root["interrupt_mode"]) {
    const std::string mode = r.choice(m, "interrupt_mode", {"msix", "msi", "intx"});
    s.intx_mode = mode == "intx";
    s.msi_mode = mode == "msi";
  }
  if (const auto n = root["msi_messages"]) {
    if (!s.msi_mode) r.fail(n, "msi_messages", "needs interrupt_mode: msi");
    s.msi_messages = static_cast<unsigned>(r.integer(n, "msi_messages", 1, 32));
    if (s.msi_messages & (s.msi_messages - 1))
      r.fail(n, "msi_messages", std::to_string(s.msi_messages) + " is not a power of two");
  }
  if (s.driver_model == "xpdm") check_xpdm(r, root, s);
  if (const auto sl = root["shared_line"]) {
    r.known(sl, "shared_line", {"rate_hz", "isr_us"});
    if (!s.intx_mode) r.fail(sl, "shared_line", "needs interrupt_mode: intx");
    if (sl["rate_hz"]) s.shared_line_rate_hz = r.number(sl["rate_hz"], "shared_line.rate_hz", 0, 1e6);
    if (sl["isr_us"]) s.shared_line_isr_us = r.distribution(sl["isr_us"], "shared_line.isr_us");
  }
}

// gpup: the GPU-P topology (GPU instances, VFs, guests).
void parse_gpup(const Reader& r, const YAML::Node& g, Scenario& s) {
  r.known(g, "gpup", {"gpus", "vfs", "guests", "guest_mean_gap_us", "vm_exit_us", "kmd_fault"});
  auto& gp = s.gpup;
  gp.enabled = true;
  if (g["gpus"]) gp.gpus = static_cast<unsigned>(r.integer(g["gpus"], "gpup.gpus", 1, 8));
  if (g["vfs"]) gp.vfs = static_cast<unsigned>(r.integer(g["vfs"], "gpup.vfs", 1, 64));
  gp.guests = gp.vfs;
  if (g["guests"]) {
    gp.guests = static_cast<unsigned>(r.integer(g["guests"], "gpup.guests", 1, 64));
    if (gp.guests > gp.vfs)
      r.fail(g["guests"], "gpup.guests",
             std::to_string(gp.guests) + " guests need VF indices past gpup.vfs (" + std::to_string(gp.vfs) +
                 ")");
  }
  if (g["guest_mean_gap_us"])
    gp.guest_mean_gap_us = r.number(g["guest_mean_gap_us"], "gpup.guest_mean_gap_us", 0.5, 1e6);
  if (g["vm_exit_us"]) gp.vm_exit_us = r.number(g["vm_exit_us"], "gpup.vm_exit_us", 0, 1000);
  if (const auto f = g["kmd_fault"]) {
    gp.kmd_skips_pending_restore =
        r.choice(f, "gpup.kmd_fault", {"none", "skip-pending-restore"}) == "skip-pending-restore";
  }
}

// One migration: the VF whose guest moves, when, and the destination (each must exist,
// and no VF moves twice nor two VMs to one VF).
Scenario::Migration parse_migration(const Reader& r, const YAML::Node& m, const std::string& k,
                                    const Scenario& s, std::set<unsigned>& seen_src,
                                    std::set<std::pair<unsigned, unsigned>>& seen_dst) {
  r.known(m, k, {"vf", "at_ms", "to_gpu", "to_vf"});
  Scenario::Migration mg;
  if (!m["vf"]) r.fail(m, k + ".vf", "missing");
  mg.vf = static_cast<unsigned>(r.integer(m["vf"], k + ".vf", 0, 1e6));
  if (mg.vf >= s.gpup.vfs)
    r.fail(m["vf"], k + ".vf",
           "VF " + std::to_string(mg.vf) + " does not exist: GPU 0 has gpup.vfs = " +
               std::to_string(s.gpup.vfs) + " (indices 0.." + std::to_string(s.gpup.vfs - 1) + ")");
  if (mg.vf >= s.gpup.guests)
    r.fail(m["vf"], k + ".vf",
           "VF " + std::to_string(mg.vf) + " runs no guest (gpup.guests = " + std::to_string(s.gpup.guests) +
               "): there is nothing to migrate");
  if (!seen_src.insert(mg.vf).second)
    r.fail(m["vf"], k + ".vf", "VF " + std::to_string(mg.vf) + " migrates twice");
  if (m["at_ms"]) mg.at_ms = r.number(m["at_ms"], k + ".at_ms", 0.01, s.duration_ms);
  if (m["to_gpu"]) mg.to_gpu = static_cast<unsigned>(r.integer(m["to_gpu"], k + ".to_gpu", 1, 1e6));
  if (mg.to_gpu >= s.gpup.gpus)
    r.fail(m["to_gpu"] ? m["to_gpu"] : m, k + ".to_gpu",
           "GPU " + std::to_string(mg.to_gpu) +
               " does not exist (gpup.gpus = " + std::to_string(s.gpup.gpus) + ")");
  if (m["to_vf"]) mg.to_vf = static_cast<unsigned>(r.integer(m["to_vf"], k + ".to_vf", 0, 1e6));
  if (mg.to_vf >= s.gpup.vfs)
    r.fail(m["to_vf"], k + ".to_vf",
           "VF index " + std::to_string(mg.to_vf) + " is past gpup.vfs (" + std::to_string(s.gpup.vfs) + ")");
  if (!seen_dst.insert({mg.to_gpu, mg.to_vf}).second)
    r.fail(m["to_vf"] ? m["to_vf"] : m, k + ".to_vf", "two VMs migrate to the same VF");
  return mg;
}

// migrations: the live migrations of a GPU-P run.
void parse_migrations(const Reader& r, const YAML::Node& ms, Scenario& s) {
  if (!s.gpup.enabled) r.fail(ms, "migrations", "needs a gpup: section");
  if (!ms.IsSequence()) r.fail(ms, "migrations", "expected a list of {vf, at_ms, to_gpu, to_vf}");
  std::set<unsigned> seen_src;
  std::set<std::pair<unsigned, unsigned>> seen_dst;
  for (size_t i = 0; i < ms.size(); ++i)
    s.gpup.migrations.push_back(
        parse_migration(r, ms[i], "migrations[" + std::to_string(i) + "]", s, seen_src, seen_dst));
}

Scenario parse_with(const std::string& yaml, const std::string& origin, const std::vector<std::string>& sets,
                    SchemaRecorder* schema) {
  Reader r(origin, !sets.empty(), schema);
  check_nesting(yaml, origin);
  YAML::Node root;
  try {
    const std::vector<YAML::Node> docs = YAML::LoadAll(yaml);
    if (docs.size() > 1) {
      throw ScenarioError(origin + ":" + std::to_string(docs[1].Mark().line + 1) +
                          ": a second YAML document; a scenario file holds exactly one");
    }
    if (!docs.empty()) root = docs[0];
  } catch (const YAML::ParserException& e) {
    throw ScenarioError(origin + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  check_quotes(root, yaml, origin);
  check_duplicate_keys(root, origin);
  apply_sets(root, sets);
  Scenario s;
  if (root.IsNull()) return s;
  if (!root.IsMap()) r.fail(root, "(top level)", "a scenario is a mapping of keys (see docs/scenarios.md)");
  r.known(
      root, "",
      {"name",       "description",    "profile",     "seed",           "duration_ms",  "drain_ms", "cpus",
       "cpu_ghz",    "interrupt_cpu",  "dpc_cpu",     "quantum_cycles", "engines",      "display",  "kernel",
       "driver",     "interrupt_mode", "shared_line", "msi_messages",   "background",   "waves",    "gpup",
       "migrations", "checks",         "watchdog",    "faults",         "msix_vectors", "nic"});
  parse_top(r, root, s);
  if (const auto e = root["engines"]) parse_engines(r, e, s);
  if (const auto d = root["display"]) parse_display(r, d, s);
  if (const auto k = root["kernel"]) parse_kernel(r, k, s);
  if (const auto d = root["driver"]) parse_driver(r, d, s);
  if (const auto b = root["background"]) parse_background(r, b, s);
  parse_interrupt_mode(r, root, s);
  if (const auto g = root["gpup"]) parse_gpup(r, g, s);
  if (s.gpup.enabled) refuse_unused_by_gpup(r, root);
  if (const auto ms = root["migrations"]) parse_migrations(r, ms, s);
  parse_checks(r, root, s);
  if (const auto n = root["nic"]) parse_nic(r, n, s);
  if (const auto w = root["waves"]) {
    r.known(w, "waves", {"start_us", "end_us"});
    if (w["start_us"]) s.waves_start_us = r.number(w["start_us"], "waves.start_us", 0, 1e9);
    if (w["end_us"]) s.waves_end_us = r.number(w["end_us"], "waves.end_us", s.waves_start_us, 1e9);
  }
  return s;
}

}  // namespace

std::string closest(const std::string& word, const std::vector<std::string>& candidates) {
  auto distance = [](const std::string& a, const std::string& b) {  // Levenshtein, two rows
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (size_t j = 1; j <= b.size(); ++j)
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
      std::swap(prev, cur);
    }
    return prev[b.size()];
  };
  std::string best;
  size_t best_d = std::max<size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    const size_t d = distance(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  return best;
}

namespace {

// Scenarios that between them use every key the loader knows (each kind of interrupt,
// every fault, GPU-P), for the schema.
std::vector<Scenario> schema_examples() {
  Scenario a;
  a.description = "every key";
  a.cpus = 64;
  a.dpc_cpu = 1;
  a.msi_mode = true;
  a.spurious_msi_every_us = 1;
  a.stuck_source_bit = 0;
  a.drop_msi = a.corrupt_tlp_every = a.drop_read_completion = a.repeat_every_nth_dpc = 1;
  a.completion_timeout_us = 50;
  a.message_slots = 1;
  a.stall_at_ms = 0;
  a.waves_end_us = 1;
  BackgroundSource bg;
  bg.cpu = 0;
  bg.isr_us = {Distribution::kUniform, 0, 2};
  bg.dpc_us = {Distribution::kFixed, 1, 0};
  BackgroundSource bg2;
  bg2.dpc_us = {Distribution::kUniform, 0, 3};
  a.background = {bg, bg2};
  a.min_duration_us = 0.01;
  Scenario b;
  b.intx_mode = true;
  b.shared_line_rate_hz = 1;
  Scenario c;
  c.gpup.enabled = true;
  c.gpup.migrations.push_back({});
  return {a, b, c};
}

}  // namespace

Scenario parse_scenario(const std::string& yaml, const std::string& origin,
                        const std::vector<std::string>& sets) {
  return parse_with(yaml, origin, sets, nullptr);
}

nlohmann::json scenario_schema() {
  SchemaRecorder rec;
  for (const Scenario& s : schema_examples()) parse_with(effective_yaml(s), "schema", {}, &rec);
  nlohmann::json j = rec.root();
  j["$schema"] = "http://json-schema.org/draft-07/schema#";
  j["title"] = "irqlab scenario";
  j["description"] =
      "Generated by `irqlab schema` from the scenario loader's own checks (docs/scenarios.md). Bounds that "
      "depend on other keys (a CPU index below cpus) are given at their widest; the loader stays the "
      "authority.";
  return j;
}

Scenario load_scenario(const std::string& path, const std::vector<std::string>& sets) {
  // A device, FIFO or directory would block or read forever: only regular files, bounded.
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec))
    throw ScenarioError(path + ": not a regular file (a scenario is a YAML file)");
  if (std::filesystem::is_regular_file(path, ec) && std::filesystem::file_size(path, ec) > kMaxScenarioBytes)
    throw ScenarioError(path + ": larger than 1 MiB; a scenario is a few dozen lines");
  std::ifstream f(path);
  if (!f) throw ScenarioError(path + ": cannot read the file");
  std::stringstream ss;
  ss << f.rdbuf();
  Scenario sc = parse_scenario(ss.str(), path, sets);
  // A file that does not name its scenario is called after the file, never "default": the
  // built-in of that name is another scenario.
  bool named = false;
  for (const auto& kv : sets) named |= kv.rfind("name=", 0) == 0;
  const YAML::Node root = YAML::Load(ss.str());
  if (!named && !(root.IsMap() && root["name"])) sc.name = std::filesystem::path(path).stem().string();
  return sc;
}

const std::vector<Builtin>& builtin_scenarios() {
  static const std::vector<Builtin> kBuiltins = {
      {"default",
       "gen4x16, 4 CPUs, 4 engine nodes with random submissions, heads at 60 and 144 Hz, background load, 50 "
       "ms",
       R"(name: default
profile: gen4x16
duration_ms: 50
cpus: 4
engines: {nodes: 4, mean_gap_us: 20, duration_us: [2, 40]}
display: {heads_hz: [60, 144]}
background:
  - {name: nic, cpu: all, vector: 0x60, rate_hz: 4000, isr_us: {dist: exponential, mean: 1.5}, dpc_us: {dist: exponential, mean: 8}}
  - {name: storage, cpu: 0, vector: 0x90, rate_hz: 1500, isr_us: {dist: exponential, mean: 2}, dpc_us: {dist: uniform, min: 5, max: 40}}
)"},
      {"quiet", "the default platform with no background load: the interrupt path alone",
       R"(name: quiet
profile: gen4x16
duration_ms: 20
engines: {nodes: 4, mean_gap_us: 50}
)"},
      {"storm",
       "engines completing every few microseconds, heavy background: merging, tails, and engines waiting for "
       "the DPC that frees their slots",
       R"(name: storm
profile: gen3x8
duration_ms: 20
engines: {nodes: 4, mean_gap_us: 4, duration_us: [1, 6]}
display: {heads_hz: [240, 144]}
background:
  - {name: nic, cpu: all, vector: 0x60, rate_hz: 20000, isr_us: {dist: exponential, mean: 2}, dpc_us: {dist: exponential, mean: 20}}
  - {name: storage, cpu: 0, vector: 0x90, rate_hz: 5000, isr_us: {dist: fixed, value: 3}, dpc_us: {dist: exponential, mean: 30}}
)"},
      {"storm-moderated",
       "storm with 10 us interrupt moderation (VEC_MOD): events merge into fewer MSIs and the DPC keeps up",
       R"(name: storm-moderated
profile: gen3x8
duration_ms: 20
engines: {nodes: 4, mean_gap_us: 4, duration_us: [1, 6]}
display: {heads_hz: [240, 144]}
driver: {moderation_cycles: 16000}
background:
  - {name: nic, cpu: all, vector: 0x60, rate_hz: 20000, isr_us: {dist: exponential, mean: 2}, dpc_us: {dist: exponential, mean: 20}}
  - {name: storage, cpu: 0, vector: 0x90, rate_hz: 5000, isr_us: {dist: fixed, value: 3}, dpc_us: {dist: exponential, mean: 30}}
)"},
  };
  return kBuiltins;
}

}  // namespace irqlab::run
