// `calibrate`: measures a profile's MMIO read round trip, device DMA read latency and
// streaming DMA write bandwidth by running those transactions through the platform
// (not by evaluating the formulas beside it).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "pcie_profile.hpp"

namespace irqlab::platform {

struct CalibrationResult {
  pcie::PcieProfile profile;
  double mmio_read_ns = 0;
  std::map<uint32_t, double> dma_read_ns;     ///< by transfer size in bytes
  std::map<uint32_t, double> dma_write_gbps;  ///< payload Gb/s by write size
};

inline constexpr uint32_t kDmaReadSizes[] = {4, 64, 256, 1024, 2048};
inline constexpr uint32_t kDmaWriteSizes[] = {64, 256, 1500};

/// Elaborates and runs a platform (once per process, as SystemC allows).
CalibrationResult calibrate(const pcie::PcieProfile& profile);

nlohmann::json to_json(const CalibrationResult& r);
std::string to_text(const CalibrationResult& r);

}  // namespace irqlab::platform
