// One waveform of the whole platform: the controller's ports (inputs as applied in each
// stepped cycle, outputs after its edge), each link direction's posted/non-posted/
// completion queue depths and the TLP on the wire, every MSI reaching the root complex,
// and each CPU's interrupt-pending line and last vector (named cpuN_..., so the four CPUs'
// signals are told apart). Off unless asked for.
#pragma once

#include <systemc>

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
  void hook_link(pcie::LinkDirection& l, const LinkVars& v);
  LinkVars add_link(const std::string& scope);

  Platform& p_;
  std::unique_ptr<waves::WaveWriter> w_;
  int cycle_ = 0, in_[14] = {}, out_[14] = {}, msi_[3] = {};
  std::vector<std::pair<int, int>> cpu_;
  uint64_t msis_ = 0;
  uint64_t flushed_ = 0;
};

}  // namespace irqlab::platform
