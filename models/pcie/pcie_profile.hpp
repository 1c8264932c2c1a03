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
  // Root complex, CPU side: MMIO and config requests and their completions.
  uint64_t rc_latency_ps = 70'000;
  uint64_t cpu_mmio_latency_ps = 40'000;
  // Root complex, device side: the parts of a device's DMA read or write (docs/timing.md).
  uint64_t rc_ingress_ps = 100'000;  ///< upstream TLP received to its request in the uncore
  bool iommu = false;                ///< DMA remapping with an IOTLB
  unsigned iotlb_entries = 64;       ///< 4 KiB translations the IOTLB holds (LRU)
  uint64_t iotlb_hit_ps = 0;
  uint64_t iotlb_miss_ps = 270'000;  ///< page walk added on a miss
  bool memory_dram = false;          ///< false: reads hit the LLC (warm); true: DRAM
  bool memory_remote = false;        ///< the buffer is on the other socket
  uint64_t llc_read_ps = 250'000;
  uint64_t dram_extra_ps = 40'000;    ///< DRAM read beyond an LLC hit
  uint64_t remote_extra_ps = 53'000;  ///< the other socket's DRAM beyond local DRAM
  uint64_t cpl_line_ps = 18'000;      ///< per 64-byte line: completion formation
  uint64_t mem_write_ps = 60'000;     ///< a posted write's commit to the coherent domain
  uint64_t lapic_latency_ps = 120'000;
  unsigned np_credits = 32;
  unsigned posted_credits = 127;  ///< posted header credits the root port advertises
  uint64_t gpu_period_ps = 625;
};

/// All profiles of a file, by name. Throws ConfigError on any bad key or value.
std::map<std::string, PcieProfile> load_profiles(const std::string& path);

/// One profile; throws ConfigError naming the known profiles if it is missing.
PcieProfile load_profile(const std::string& path, const std::string& name);

/// A profile file holding just `p`, every key explicit; load_profiles reads it back.
std::string to_yaml(const PcieProfile& p);

/// The project's profile file (config/pcie_profiles.yaml in the source tree).
std::string default_profile_path();

}  // namespace irqlab::pcie
