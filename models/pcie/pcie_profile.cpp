#include "pcie_profile.hpp"

#include <filesystem>

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <map>
#include <set>

namespace irqlab::pcie {

namespace {

[[noreturn]] void fail(const std::string& path, const YAML::Node& n, const std::string& key,
                       const std::string& why) {
  const int line = n.Mark().line >= 0 ? n.Mark().line + 1 : 0;
  throw ConfigError(path + ":" + std::to_string(line) + ": key '" + key + "': " + why);
}

double number(const std::string& path, const YAML::Node& n, const std::string& key, double lo, double hi) {
  double v = 0;
  try {
    v = n.as<double>();
  } catch (const YAML::Exception&) {
    fail(path, n, key, "expected a number, got '" + n.Scalar() + "'");
  }
  if (!(v >= lo && v <= hi)) {
    fail(path, n, key,
         "value " + n.Scalar() + " out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return v;
}

// Keys in nanoseconds, stored in ps.
const std::map<std::string, uint64_t PcieProfile::*>& ns_keys() {
  static const std::map<std::string, uint64_t PcieProfile::*> k{
      {"phy_latency_ns", &PcieProfile::phy_latency_ps},
      {"rc_latency_ns", &PcieProfile::rc_latency_ps},
      {"cpu_mmio_latency_ns", &PcieProfile::cpu_mmio_latency_ps},
      {"rc_ingress_ns", &PcieProfile::rc_ingress_ps},
      {"iotlb_hit_ns", &PcieProfile::iotlb_hit_ps},
      {"iotlb_miss_ns", &PcieProfile::iotlb_miss_ps},
      {"llc_read_ns", &PcieProfile::llc_read_ps},
      {"dram_extra_ns", &PcieProfile::dram_extra_ps},
      {"remote_extra_ns", &PcieProfile::remote_extra_ps},
      {"cpl_line_ns", &PcieProfile::cpl_line_ps},
      {"mem_write_ns", &PcieProfile::mem_write_ps},
      {"lapic_latency_ns", &PcieProfile::lapic_latency_ps}};
  return k;
}

// One of two words, as a bool (`on` is the word that means true).
bool choice(const std::string& path, const YAML::Node& v, const std::string& key, const char* off,
            const char* on) {
  const std::string w = v.IsScalar() ? v.Scalar() : "";
  if (w != off && w != on) fail(path, v, key, std::string("must be '") + off + "' or '" + on + "'");
  return w == on;
}

bool apply_link_key(const std::string& path, const std::string& key, const YAML::Node& v, PcieProfile& p) {
  auto pow2 = [&](double lo, double hi) {
    const auto x = static_cast<uint32_t>(number(path, v, key, lo, hi));
    if (x & (x - 1)) fail(path, v, key, "must be a power of two");
    return x;
  };
  if (key == "gen") {
    p.gen = static_cast<unsigned>(number(path, v, key, 1, 5));
  } else if (key == "width") {
    p.width = static_cast<unsigned>(number(path, v, key, 1, 16));
    if (p.width != 1 && p.width != 2 && p.width != 4 && p.width != 8 && p.width != 16)
      fail(path, v, key, "must be 1, 2, 4, 8 or 16");
  } else if (key == "mps") {
    p.mps = pow2(128, 4096);
  } else if (key == "mrrs") {
    p.mrrs = pow2(128, 4096);
  } else if (key == "rcb") {
    p.rcb = pow2(64, 128);
  } else {
    return false;
  }
  return true;
}

void apply(const std::string& path, const YAML::Node& map, PcieProfile& p, bool allow_link_keys) {
  static const std::set<std::string> link_keys{"gen", "width", "mps", "mrrs", "rcb"};
  for (const auto& kv : map) {
    const std::string key = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    if (link_keys.count(key) && !allow_link_keys)
      fail(path, kv.first, key, "belongs in a profile, not in common");
    const auto ns = ns_keys().find(key);
    auto count = [&](double lo, double hi) { return static_cast<unsigned>(number(path, v, key, lo, hi)); };
    if (apply_link_key(path, key, v, p)) continue;
    if (ns != ns_keys().end()) {
      p.*(ns->second) = static_cast<uint64_t>(std::llround(number(path, v, key, 0, 10'000) * 1000));
    } else if (key == "iommu") {
      p.iommu = choice(path, v, key, "off", "on");
    } else if (key == "memory") {
      p.memory_dram = choice(path, v, key, "llc", "dram");
    } else if (key == "socket") {
      p.memory_remote = choice(path, v, key, "local", "remote");
    } else if (key == "iotlb_entries") {
      p.iotlb_entries = count(1, 65536);
    } else if (key == "np_credits") {
      p.np_credits = count(1, 256);
    } else if (key == "posted_credits") {
      p.posted_credits = count(1, 4096);
    } else if (key == "gpu_clock_mhz") {
      p.gpu_period_ps = static_cast<uint64_t>(std::llround(1e6 / number(path, v, key, 100, 5000)));
    } else if (key == "ack_every_tlps" || key == "updatefc_every_tlps") {
      fail(path, kv.first, key,
           "removed: Ack and UpdateFC rates now follow the PCIe spec's tables by "
           "generation, width and MPS (docs/timing.md)");
    } else {
      fail(path, kv.first, key, "unknown key");
    }
  }
}

}  // namespace

std::map<std::string, PcieProfile> load_profiles(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw ConfigError(path + ": cannot read the file");
  } catch (const YAML::ParserException& e) {
    throw ConfigError(path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (!root.IsMap()) throw ConfigError(path + ":1: expected a mapping with 'profiles'");
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>();
    if (key != "profiles" && key != "common")
      fail(path, kv.first, key, "unknown key (allowed: profiles, common)");
  }
  if (!root["profiles"] || !root["profiles"].IsMap())
    throw ConfigError(path + ":1: key 'profiles': missing or not a mapping");
  PcieProfile common;
  if (root["common"]) {
    if (!root["common"].IsMap()) fail(path, root["common"], "common", "expected a mapping");
    apply(path, root["common"], common, false);
  }
  std::map<std::string, PcieProfile> out;
  for (const auto& kv : root["profiles"]) {
    PcieProfile p = common;
    p.name = kv.first.as<std::string>();
    if (!kv.second.IsMap()) fail(path, kv.second, p.name, "expected a mapping");
    apply(path, kv.second, p, true);
    out[p.name] = p;
  }
  return out;
}

PcieProfile load_profile(const std::string& path, const std::string& name) {
  const auto all = load_profiles(path);
  const auto it = all.find(name);
  if (it == all.end()) {
    std::string known;
    for (const auto& [k, v] : all) known += (known.empty() ? "" : ", ") + k;
    throw ConfigError(path + ": no profile '" + name + "' (known: " + known + ")");
  }
  return it->second;
}

std::string to_yaml(const PcieProfile& p) {
  YAML::Emitter e;
  e.SetDoublePrecision(10);
  e << YAML::BeginMap << YAML::Key << "profiles" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << p.name << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "gen" << YAML::Value << p.gen << YAML::Key << "width" << YAML::Value << p.width;
  e << YAML::Key << "mps" << YAML::Value << p.mps << YAML::Key << "mrrs" << YAML::Value << p.mrrs;
  e << YAML::Key << "rcb" << YAML::Value << p.rcb;
  for (const auto& [key, member] : ns_keys()) e << YAML::Key << key << YAML::Value << (p.*member) / 1000.0;
  e << YAML::Key << "iommu" << YAML::Value << (p.iommu ? "on" : "off");
  e << YAML::Key << "iotlb_entries" << YAML::Value << p.iotlb_entries;
  e << YAML::Key << "memory" << YAML::Value << (p.memory_dram ? "dram" : "llc");
  e << YAML::Key << "socket" << YAML::Value << (p.memory_remote ? "remote" : "local");
  e << YAML::Key << "np_credits" << YAML::Value << p.np_credits;
  e << YAML::Key << "posted_credits" << YAML::Value << p.posted_credits;
  e << YAML::Key << "gpu_clock_mhz" << YAML::Value << 1e6 / double(p.gpu_period_ps);
  e << YAML::EndMap << YAML::EndMap << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

// Installed (`cmake --install`): bin/irqlab finds share/irqlab/config beside it. In the
// build tree the source tree's config is used.
std::string default_profile_path() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto installed = exe.parent_path().parent_path() / "share/irqlab/config/pcie_profiles.yaml";
    if (std::filesystem::is_regular_file(installed, ec)) return installed.string();
  }
  return IRQLAB_SOURCE_DIR "/config/pcie_profiles.yaml";
}

}  // namespace irqlab::pcie
