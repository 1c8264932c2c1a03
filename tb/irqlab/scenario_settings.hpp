// Scenario values turned into the settings of the kernel model and the driver, and a DDI
// submission turned into an engine's work item: one place for both kinds of run.
#pragma once

#include <string>

#include "display_driver.hpp"
#include "display_miniport.hpp"
#include "dxgkrnl.hpp"
#include "engine_node.hpp"
#include "kernel.hpp"
#include "miniport_env.hpp"
#include "scenario.hpp"
#include "watchdog.hpp"

namespace irqlab::run {

inline kernel::KernelConfig kernel_config(const Scenario& sc, const std::string& name = "kcpu") {
  kernel::KernelConfig kc;
  kc.cpu_ghz = sc.cpu_ghz;
  kc.interrupt_entry_cycles = sc.interrupt_entry_cycles;
  kc.interrupt_exit_cycles = sc.interrupt_exit_cycles;
  kc.dpc_dispatch_cycles = sc.dpc_dispatch_cycles;
  kc.insert_queue_dpc_cycles = sc.insert_queue_dpc_cycles;
  kc.spinlock_acquire_cycles = sc.spinlock_acquire_cycles;
  kc.spinlock_release_cycles = sc.spinlock_release_cycles;
  kc.ipi_send_cycles = sc.ipi_send_cycles;
  kc.ipi_receive_cycles = sc.ipi_receive_cycles;
  kc.ipi_latency_ps = static_cast<uint64_t>(sc.ipi_latency_ns * 1e3);
  kc.clock_tick_ps = static_cast<uint64_t>(sc.clock_tick_us * 1e6);
  kc.maximum_dpc_queue_depth = sc.maximum_dpc_queue_depth;
  kc.minimum_dpc_rate = sc.minimum_dpc_rate;
  kc.cpus_idle_at_passive = sc.cpus_idle_at_passive;
  kc.name = name;
  kc.fault_repeat_every_nth_dpc = sc.repeat_every_nth_dpc;
  return kc;
}

inline kmd::DriverCosts driver_costs(const Scenario& sc) {
  return {sc.isr_prologue_cycles, sc.isr_per_source_cycles, sc.isr_epilogue_cycles,
          sc.dpc_body_cycles,     sc.dpc_per_fence_cycles,  sc.dpc_per_vsync_cycles};
}

inline xpdm::XpdmCosts xpdm_costs(const Scenario& sc) {
  return {sc.isr_prologue_cycles, sc.isr_per_source_cycles, sc.isr_epilogue_cycles,
          sc.dpc_body_cycles,     sc.dpc_per_fence_cycles,  sc.dpc_per_vsync_cycles};
}

/// The XPDM display driver's load: the engines' settings, as dxgkrnl's scheduler takes them.
inline xpdm::DisplayLoad display_load(const Scenario& sc) {
  xpdm::DisplayLoad l;
  l.mean_gap_us = sc.mean_gap_us;
  l.min_duration_us = sc.min_duration_us;
  l.max_duration_us = sc.max_duration_us;
  l.max_result_bytes = sc.max_result_bytes;
  l.max_in_flight = sc.queue_depth;
  l.first_fence = sc.first_fence;
  l.end_ps = static_cast<uint64_t>(sc.duration_ms * 1e9);
  l.seed = sc.seed;
  return l;
}

inline dxgkrnl::DxgkrnlCosts dxgkrnl_costs(const Scenario& sc) {
  return {sc.notify_interrupt_cycles, sc.notify_dpc_cycles};
}

/// The scheduler's load of each engine node.
inline dxgkrnl::NodeLoad node_load(const Scenario& sc) {
  dxgkrnl::NodeLoad l;
  l.mean_gap_us = sc.mean_gap_us;
  l.min_duration_us = sc.min_duration_us;
  l.max_duration_us = sc.max_duration_us;
  l.max_result_bytes = sc.max_result_bytes;
  l.preempt_per_ms = sc.doorbell_mmio ? sc.preempt_per_ms : 0;
  l.fault_probability = sc.fault_probability;
  l.max_in_flight = sc.queue_depth;
  return l;
}

inline WatchdogLimits watchdog_limits(const Scenario& sc) {
  WatchdogLimits w;
  w.routine_ps = static_cast<uint64_t>(sc.routine_limit_ms * 1e9);
  w.completion_ps = static_cast<uint64_t>(sc.completion_timeout_ms * 1e9);
  w.stall_wall_s = sc.stall_wall_s;
  return w;
}

inline dxgkrnl::DpcPolicy dpc_policy(const Scenario& sc) {
  dxgkrnl::DpcPolicy p;
  p.target_cpu = sc.dpc_cpu;
  p.importance = static_cast<kernel::KDPC_IMPORTANCE>(sc.dpc_importance);
  p.per_message_per_cpu = sc.dpc_per_message_per_cpu;
  return p;
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
