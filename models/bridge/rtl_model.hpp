// The Verilated irq_ctrl behind the same port structs as the reference model.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "irq_ctrl_ports.hpp"

namespace irqlab::irqctrl {

/// Which Verilated build of irq_ctrl_top to use.
enum class RtlBuild {
  kDefaultFst,       ///< default parameters, FST tracing
  kDefaultVcd,       ///< default parameters, VCD tracing
  kTable2048,        ///< NUM_VECTORS = 2048, FST tracing
  kVirtualFunction,  ///< a GPU-P VF: 1 node, 1 head, 4 vectors, FST tracing
};

/// Waveform request: a file (empty = none) and the window of cycles to record.
struct TraceOptions {
  std::string path;
  uint64_t start_cycle = 0;
  uint64_t cycles = UINT64_MAX;
  uint64_t clock_period_ps = 1000;  ///< nominal GPU clock, only for the waveform's time axis
};

class RtlModel : public PortModel {
 public:
  /// Clock edges since reset.
  virtual uint64_t cycle() const = 0;
};

/// A GPU-P virtual function's controller: one engine context, one head, 4 MSI-X entries
/// (rtl/CMakeLists.txt builds irq_ctrl_vl_vf with these; a test reads HWCFG to check).
inline Config vf_config() {
  return Config{1, 1, 4};
}

/// The build's parameters, without building the model.
Config rtl_build_config(RtlBuild build);

/// A fresh model of that build, held in reset and released (call reset() to redo).
std::unique_ptr<RtlModel> make_rtl_model(RtlBuild build, const TraceOptions& trace = {});

/// FST unless the path ends in ".vcd".
RtlBuild build_for_trace_path(const std::string& path);

}  // namespace irqlab::irqctrl
