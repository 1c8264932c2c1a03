// One run of any topology. The System is built from the scenario's topology (topology.hpp):
// the host every topology shares (HostComplex) and an endpoint per PCIe function (the GPU's
// function, a GPU-P instance's PF and VFs, the NIC), the software of each function (the
// host's display or video port miniport, NDIS, or the GPU-P KMD with a guest VM per VF),
// and the recorders every run has. `irqlab run`, each point of a sweep and the system tests
// run through it, and every topology writes the same outputs.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "gpup_run.hpp"
#include "report.hpp"
#include "run_model.hpp"
#include "topology.hpp"

namespace irqlab::run {

class System {
 public:
  /// Reads the topology; throws ScenarioError for what a topology cannot do.
  explicit System(RunOptions opt);
  const platform::Topology& topology() const { return topo_; }
  /// Elaborates and runs (once per process: SystemC).
  void run();
  /// What every run records (for GPU-P, its guests' interrupts).
  const RunResult& result() const { return gpup_ ? gpup_->run : pf_; }
  /// The GPU-P topology's migrations and guests (null for others).
  const gpup::GpupResult* gpup() const { return gpup_.get(); }
  /// Judges the run and writes every output into `dir` (for GPU-P the migration report
  /// beside them); `amend` adds to the report first. Returns summary.txt's text; `passed`
  /// receives the verdict. Throws OutputError.
  std::string write_outputs(const std::string& dir, bool* passed,
                            const std::function<void(Report&)>& amend = {});

 private:
  RunOptions opt_;
  platform::Topology topo_;
  RunResult pf_;
  std::unique_ptr<gpup::GpupResult> gpup_;
  // A member, not a local of write_outputs: a frame that must destroy a local while an
  // OutputError passes gives AddressSanitizer a no-return hook that trips on the stale
  // poison of the frames already unwound (run_cli.cpp, forget_unwound_frames).
  Report report_;
  const OutputExtras no_extras_;  ///< (the same: a default argument is a caller's temporary)
};

}  // namespace irqlab::run
