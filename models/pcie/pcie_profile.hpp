// PCIe link and host timing parameters, loaded by name from config/pcie_profiles.yaml.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>

namespace irqlab::pcie {

/// A configuration error naming file, line and key.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct PcieProfile {
  std::string name;
  unsigned gen = 4;     ///< 1..5
  unsigned width = 16;  ///< lanes: 1, 2, 4, 8, 16
  uint32_t mps = 256;   ///< Max_Payload_Size
  uint32_t mrrs = 512;  ///< Max_Read_Request_Size
  uint32_t rcb = 64;    ///< Read Completion Boundary
  uint64_t phy_latency_ps = 60'000;
  uint64_t rc_latency_ps = 70'000;
  uint64_t mem_read_latency_ps = 90'000;
  uint64_t cpu_mmio_latency_ps = 40'000;
  uint64_t lapic_latency_ps = 120'000;
  unsigned np_credits = 32;
  unsigned ack_every_tlps = 4;
  unsigned updatefc_every_tlps = 4;
  uint64_t gpu_period_ps = 625;
};

/// All profiles of a file, by name. Throws ConfigError on any bad key or value.
std::map<std::string, PcieProfile> load_profiles(const std::string& path);

/// One profile; throws ConfigError naming the known profiles if it is missing.
PcieProfile load_profile(const std::string& path, const std::string& name);

/// The project's profile file (config/pcie_profiles.yaml in the source tree).
std::string default_profile_path();

}  // namespace irqlab::pcie
