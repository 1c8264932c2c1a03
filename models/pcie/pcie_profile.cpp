#include "pcie_profile.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
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

void apply(const std::string& path, const YAML::Node& map, PcieProfile& p, bool allow_link_keys) {
  static const std::set<std::string> link_keys{"gen", "width", "mps", "mrrs", "rcb"};
  for (const auto& kv : map) {
    const std::string key = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    if (link_keys.count(key) && !allow_link_keys)
      fail(path, kv.first, key, "belongs in a profile, not in common");
    auto ns = [&](double hi) {
      return static_cast<uint64_t>(std::llround(number(path, v, key, 0, hi) * 1000));
    };
    auto pow2 = [&](double lo, double hi) {
      const auto x = static_cast<uint32_t>(number(path, v, key, lo, hi));
      if (x & (x - 1)) fail(path, v, key, "must be a power of two");
      return x;
    };
    if (key == "gen")
      p.gen = static_cast<unsigned>(number(path, v, key, 1, 5));
    else if (key == "width") {
      p.width = static_cast<unsigned>(number(path, v, key, 1, 16));
      if (p.width != 1 && p.width != 2 && p.width != 4 && p.width != 8 && p.width != 16)
        fail(path, v, key, "must be 1, 2, 4, 8 or 16");
    } else if (key == "mps")
      p.mps = pow2(128, 4096);
    else if (key == "mrrs")
      p.mrrs = pow2(128, 4096);
    else if (key == "rcb")
      p.rcb = pow2(64, 128);
    else if (key == "phy_latency_ns")
      p.phy_latency_ps = ns(10'000);
    else if (key == "rc_latency_ns")
      p.rc_latency_ps = ns(10'000);
    else if (key == "mem_read_latency_ns")
      p.mem_read_latency_ps = ns(10'000);
    else if (key == "cpu_mmio_latency_ns")
      p.cpu_mmio_latency_ps = ns(10'000);
    else if (key == "lapic_latency_ns")
      p.lapic_latency_ps = ns(10'000);
    else if (key == "np_credits")
      p.np_credits = static_cast<unsigned>(number(path, v, key, 1, 256));
    else if (key == "ack_every_tlps")
      p.ack_every_tlps = static_cast<unsigned>(number(path, v, key, 1, 256));
    else if (key == "updatefc_every_tlps")
      p.updatefc_every_tlps = static_cast<unsigned>(number(path, v, key, 1, 256));
    else if (key == "gpu_clock_mhz") {
      const double mhz = number(path, v, key, 100, 5000);
      p.gpu_period_ps = static_cast<uint64_t>(std::llround(1e6 / mhz));
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

std::string default_profile_path() {
  return IRQLAB_SOURCE_DIR "/config/pcie_profiles.yaml";
}

}  // namespace irqlab::pcie
