// `calibrate`: measures a profile's MMIO read round trip, device DMA read and write
// latency and streaming DMA write bandwidth by running those transactions through the
// platform (not by evaluating the formulas beside it), and sets the bandwidth beside
// pcie-model's formula.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "pcie_profile.hpp"

namespace irqlab::platform {

/// The sizes to measure. The defaults are pcie-bench's latency sizes and common write sizes.
struct CalibrationPlan {
  std::set<uint32_t> read_sizes{4, 8, 16, 24, 32, 48, 64, 128, 256, 512, 768, 1024, 1280, 1520, 2048};
  std::set<uint32_t> write_sizes{4, 64, 256};                            ///< one write's latency
  std::set<uint32_t> write_read_sizes{4, 64, 256, 512, 1024, 2048};      ///< a write, then a read of it
  std::set<uint32_t> stream_sizes{64, 128, 256, 512, 1024, 1500, 2048};  ///< bandwidth
};

struct CalibrationResult {
  pcie::PcieProfile profile;
  double raw_gbps = 0, tlp_gbps = 0, dllp_share = 0;
  double mmio_read_ns = 0;
  std::map<uint32_t, double> dma_read_ns;  ///< by transfer size in bytes
  std::map<uint32_t, double> dma_write_ns;
  std::map<uint32_t, double> dma_write_read_ns;  ///< a write and a read of the same bytes, to the read's end
  std::map<uint32_t, double> dma_write_gbps;     ///< payload Gb/s, 32-bit addresses
  std::map<uint32_t, double> dma_write64_gbps;   ///< payload Gb/s, 64-bit addresses
  std::map<uint32_t, double> formula_write_gbps, formula_write64_gbps;  ///< pcie-model
};

/// Elaborates and runs a platform (once per process, as SystemC allows).
CalibrationResult calibrate(const pcie::PcieProfile& profile, const CalibrationPlan& plan = {});

/// The measured value of a quantity (measured_points.hpp names), if it was measured.
std::optional<double> lookup(const CalibrationResult& r, const std::string& quantity, uint32_t size);

nlohmann::json to_json(const CalibrationResult& r);
std::string to_text(const CalibrationResult& r);

}  // namespace irqlab::platform
