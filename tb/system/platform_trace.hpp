// One waveform of the whole platform: the controller's ports (inputs as applied in each
// stepped cycle, outputs after its edge), each link direction's posted/non-posted/
// completion queue depths and the TLP on the wire, every MSI reaching the root complex,
// and each CPU's interrupt-pending line and last vector (named cpuN_..., so the four CPUs'
// signals are told apart). Off unless asked for.
#pragma once

#include <systemc>

#include <map>
#include <memory>
#include <string>

#include "platform.hpp"
#include "wave_writer.hpp"

namespace irqlab::platform {

struct TraceRequest {
  waves::Format format = waves::Format::kNone;
  std::string path;
  uint64_t start_ps = 0;
  uint64_t end_ps = UINT64_MAX;
};

class PlatformTrace : public sc_core::sc_module {
 public:
  PlatformTrace(sc_core::sc_module_name name, Platform& p, const TraceRequest& req);
  ~PlatformTrace() override;
  void close();
  /// The writer, for further variables (the software's) declared before the run starts;
  /// null when no waveform was asked for.
  waves::WaveWriter* writer() { return w_.get(); }

 private:
  struct LinkVars {
    int q[3], type, addr, len;
  };
  void maybe_flush();
  void hook_controller(bridge::IrqCtrlBridge& c);
  void write_depths(uint64_t until);
  void record_cycle(uint64_t cyc, uint64_t period, const uint64_t (&iv)[14], const uint64_t (&ov)[14]);
  void hook_link(pcie::LinkDirection& l, const LinkVars& v);
  LinkVars add_link(const std::string& scope);

  Platform& p_;
  std::unique_ptr<waves::WaveWriter> w_;
  int cycle_ = 0, in_[14] = {}, out_[14] = {}, msi_[3] = {};
  uint64_t last_in_[14] = {}, last_out_[14] = {};  ///< last values written
  struct Depth {
    int64_t depth = 0;
    std::map<uint64_t, int64_t> deltas;  ///< time -> net change not yet written
  };
  std::map<int, Depth> depth_;  ///< by waveform variable
  std::vector<std::pair<int, int>> cpu_;
  uint64_t msis_ = 0;
  uint64_t flushed_ = 0;
};

}  // namespace irqlab::platform
