#include "system.hpp"

namespace irqlab::run {

System::System(RunOptions opt) : opt_(std::move(opt)), topo_(platform::topology_of(opt_.scenario)) {
  if (topo_.gpup() && opt_.reference_model)
    throw ScenarioError("--irq-impl ref is not available for gpup scenarios (the VFs' controllers are RTL)");
}

void System::run() {
  if (topo_.gpup())
    gpup_ = std::make_unique<gpup::GpupResult>(gpup::run_gpup(opt_, topo_));
  else
    pf_ = run_scenario(opt_, topo_);
}

std::string System::write_outputs(const std::string& dir, bool* passed,
                                  const std::function<void(Report&)>& amend) {
  if (gpup_) return gpup::write_gpup_outputs(*gpup_, dir, passed);
  report_ = analyse(pf_);
  if (amend) amend(report_);
  if (passed) *passed = report_.passed;
  return run::write_outputs(pf_, report_, dir, no_extras_);
}

}  // namespace irqlab::run
