// Scenario values turned into the settings of the kernel model and the driver, and a DDI
// submission turned into an engine's work item: one place for both kinds of run.
#pragma once

#include <string>

#include "display_miniport.hpp"
#include "engine_node.hpp"
#include "kernel.hpp"
#include "miniport_env.hpp"
#include "scenario.hpp"

namespace irqlab::run {

inline kernel::KernelConfig kernel_config(const Scenario& sc, const std::string& name = "kcpu") {
  kernel::KernelConfig kc;
  kc.cpu_ghz = sc.cpu_ghz;
  kc.interrupt_entry_cycles = sc.interrupt_entry_cycles;
  kc.interrupt_exit_cycles = sc.interrupt_exit_cycles;
  kc.dpc_dispatch_cycles = sc.dpc_dispatch_cycles;
  kc.name = name;
  return kc;
}

inline kmd::DriverCosts driver_costs(const Scenario& sc) {
  return {sc.isr_prologue_cycles, sc.isr_per_source_cycles, sc.isr_epilogue_cycles, sc.dpc_body_cycles};
}

inline gpu::Submission engine_work(uint32_t fence, uint64_t duration_ps, uint32_t bytes,
                                   wddm::GpuSubmission::Outcome o) {
  using O = wddm::GpuSubmission::Outcome;
  gpu::Submission s;
  s.fence = fence;
  s.duration_ps = duration_ps;
  s.result_bytes = bytes;
  s.outcome = o == O::kComplete  ? gpu::Outcome::kComplete
              : o == O::kPreempt ? gpu::Outcome::kPreempt
                                 : gpu::Outcome::kFault;
  return s;
}

}  // namespace irqlab::run
