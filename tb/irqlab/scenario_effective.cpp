// The effective scenario: every key the loader knows, with the value the run used (the
// file's, or the default), written so that loading it reproduces the run.
#include <cmath>
#include <cstdio>
#include <string>

#include "scenario.hpp"

namespace irqlab::run {

namespace {

// The shortest text that reads back as the same double.
std::string num(double v) {
  char b[40];
  for (int p = 6; p <= 17; ++p) {
    std::snprintf(b, sizeof b, "%.*g", p, v);
    if (std::strtod(b, nullptr) == v) break;
  }
  return b;
}

void distribution(YAML::Emitter& e, const char* key, const Distribution& d) {
  e << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginMap;
  switch (d.kind) {
    case Distribution::kFixed:
      e << YAML::Key << "dist" << YAML::Value << "fixed" << YAML::Key << "value";
      break;
    case Distribution::kUniform:
      e << YAML::Key << "dist" << YAML::Value << "uniform" << YAML::Key << "min" << YAML::Value << num(d.a);
      e << YAML::Key << "max" << YAML::Value << num(d.b) << YAML::EndMap;
      return;
    case Distribution::kExponential:
      e << YAML::Key << "dist" << YAML::Value << "exponential" << YAML::Key << "mean";
  }
  e << YAML::Value << num(d.a) << YAML::EndMap;
}

template <typename T>
void kv(YAML::Emitter& e, const char* key, const T& v) {
  e << YAML::Key << key << YAML::Value << v;
}
void kvd(YAML::Emitter& e, const char* key, double v) {
  e << YAML::Key << key << YAML::Value << num(v);
}

void engines_and_display(YAML::Emitter& e, const Scenario& s) {
  e << YAML::Key << "engines" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "duration_us" << YAML::Value << YAML::Flow << YAML::BeginSeq << num(s.min_duration_us)
    << num(s.max_duration_us) << YAML::EndSeq;
  kv(e, "max_result_bytes", s.max_result_bytes);
  if (!s.gpup.enabled) {  // GPU-P guests submit on their own schedule
    kv(e, "nodes", s.nodes);
    kvd(e, "mean_gap_us", s.mean_gap_us);
    const bool xpdm = s.driver_model == "xpdm";  // its display driver has no such knobs
    if (!xpdm) kvd(e, "preempt_requests_per_ms", s.preempt_per_ms);
    if (!xpdm) kvd(e, "fault_probability", s.fault_probability);
    kv(e, "first_fence", s.first_fence);
    kv(e, "queue_depth", s.queue_depth);
    if (!xpdm) kv(e, "doorbell", s.doorbell_mmio ? "mmio" : "modelled");
  }
  e << YAML::EndMap;
  if (s.gpup.enabled) return;
  e << YAML::Key << "display" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "heads_hz"
    << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (double h : s.head_hz) e << num(h);
  e << YAML::EndSeq << YAML::EndMap;
}

void kernel_and_driver(YAML::Emitter& e, const Scenario& s) {
  e << YAML::Key << "kernel" << YAML::Value << YAML::BeginMap;
  kv(e, "interrupt_entry_cycles", s.interrupt_entry_cycles);
  kv(e, "interrupt_exit_cycles", s.interrupt_exit_cycles);
  kv(e, "dpc_dispatch_cycles", s.dpc_dispatch_cycles);
  kv(e, "insert_queue_dpc_cycles", s.insert_queue_dpc_cycles);
  kv(e, "spinlock_acquire_cycles", s.spinlock_acquire_cycles);
  kv(e, "spinlock_release_cycles", s.spinlock_release_cycles);
  kv(e, "ipi_send_cycles", s.ipi_send_cycles);
  kv(e, "ipi_receive_cycles", s.ipi_receive_cycles);
  kvd(e, "ipi_latency_ns", s.ipi_latency_ns);
  kvd(e, "clock_tick_us", s.clock_tick_us);
  kv(e, "maximum_dpc_queue_depth", s.maximum_dpc_queue_depth);
  kv(e, "minimum_dpc_rate", s.minimum_dpc_rate);
  kv(e, "cpus_idle_at_passive", s.cpus_idle_at_passive ? "true" : "false");
  kv(e, "dxgk_notify_interrupt_cycles", s.notify_interrupt_cycles);
  kv(e, "dxgk_notify_dpc_cycles", s.notify_dpc_cycles);
  e << YAML::EndMap << YAML::Key << "driver" << YAML::Value << YAML::BeginMap;
  if (!s.gpup.enabled) kv(e, "model", s.driver_model);
  if (!s.gpup.enabled) kv(e, "fault", s.driver_fault);
  if (s.driver_model == "xpdm") kvd(e, "stall_warn_us", s.stall_warn_us);
  kv(e, "isr_prologue_cycles", s.isr_prologue_cycles);
  kv(e, "isr_per_source_cycles", s.isr_per_source_cycles);
  kv(e, "isr_epilogue_cycles", s.isr_epilogue_cycles);
  kv(e, "dpc_body_cycles", s.dpc_body_cycles);
  kv(e, "dpc_per_fence_cycles", s.dpc_per_fence_cycles);
  kv(e, "dpc_per_vsync_cycles", s.dpc_per_vsync_cycles);
  kv(e, "moderation_cycles", s.moderation_cycles);
  if (s.dpc_cpu < 0)
    kv(e, "dpc_target", "current");
  else
    kv(e, "dpc_target", s.dpc_cpu);
  static const char* const kImportance[] = {"low", "medium", "high", "medium_high"};
  kv(e, "dpc_importance", kImportance[s.dpc_importance & 3]);
  kv(e, "dpc_objects", s.dpc_per_message_per_cpu ? "per_message_per_cpu" : "adapter");
  e << YAML::EndMap;
}

void nic(YAML::Emitter& e, const Scenario& s) {
  if (!s.nic.enabled) return;
  const NicSettings& n = s.nic;
  e << YAML::Key << "nic" << YAML::Value << YAML::BeginMap;
  kv(e, "queues", n.queues);
  kvd(e, "rate_pps", n.rate_pps);
  kvd(e, "burst", n.burst);
  kv(e, "packet_bytes", n.packet_bytes);
  kvd(e, "packet_ns", n.packet_ns);
  kv(e, "ring", n.ring);
  kv(e, "target_processors", n.target_processors);
  kv(e, "request_dpcs_with", n.with_queue_dpc ? "ndis_m_queue_dpc" : "target_processors");
  kv(e, "fault", n.fault);
  kv(e, "ndis_fault", n.ndis_fault);
  e << YAML::EndMap;
}

void interrupts_and_background(YAML::Emitter& e, const Scenario& s) {
  kv(e, "interrupt_mode", s.intx_mode ? "intx" : s.msi_mode ? "msi" : "msix");
  if (s.msi_mode) kv(e, "msi_messages", s.msi_messages);
  if (s.intx_mode) {
    e << YAML::Key << "shared_line" << YAML::Value << YAML::BeginMap;
    kvd(e, "rate_hz", s.shared_line_rate_hz);
    distribution(e, "isr_us", s.shared_line_isr_us);
    e << YAML::EndMap;
  }
  e << YAML::Key << "background" << YAML::Value << YAML::BeginSeq;
  for (const auto& b : s.background) {
    e << YAML::BeginMap;
    kv(e, "name", b.name);
    if (b.cpu < 0)
      kv(e, "cpu", "all");
    else
      kv(e, "cpu", b.cpu);
    kv(e, "vector", b.vector);
    kvd(e, "rate_hz", b.rate_hz);
    distribution(e, "isr_us", b.isr_us);
    distribution(e, "dpc_us", b.dpc_us);
    e << YAML::EndMap;
  }
  e << YAML::EndSeq;
}

void gpup(YAML::Emitter& e, const Scenario& s) {
  const auto& g = s.gpup;
  e << YAML::Key << "gpup" << YAML::Value << YAML::BeginMap;
  kv(e, "gpus", g.gpus);
  kv(e, "vfs", g.vfs);
  kv(e, "guests", g.guests ? g.guests : g.vfs);  // 0: one per VF
  kvd(e, "guest_mean_gap_us", g.guest_mean_gap_us);
  kvd(e, "vm_exit_us", g.vm_exit_us);
  kv(e, "kmd_fault", g.kmd_skips_pending_restore ? "skip-pending-restore" : "none");
  e << YAML::EndMap << YAML::Key << "migrations" << YAML::Value << YAML::BeginSeq;
  for (const auto& m : g.migrations) {
    e << YAML::Flow << YAML::BeginMap;
    kv(e, "vf", m.vf);
    kvd(e, "at_ms", m.at_ms);
    kv(e, "to_gpu", m.to_gpu);
    kv(e, "to_vf", m.to_vf);
    e << YAML::EndMap;
  }
  e << YAML::EndSeq;
}

// Faults that are off have no in-range value: they are left out (off is their default).
void checks_and_faults(YAML::Emitter& e, const Scenario& s) {
  e << YAML::Key << "checks" << YAML::Value << YAML::BeginMap;
  kvd(e, "dpc_bound_ms", s.dpc_bound_ms);
  kvd(e, "storm_limit_per_ms", s.storm_limit_per_ms);
  kvd(e, "isr_stall_fail_us", s.isr_stall_fail_us);
  e << YAML::EndMap << YAML::Key << "watchdog" << YAML::Value << YAML::BeginMap;
  kvd(e, "routine_limit_ms", s.routine_limit_ms);
  kvd(e, "completion_timeout_ms", s.completion_timeout_ms);
  kvd(e, "stall_wall_s", s.stall_wall_s);
  e << YAML::EndMap;
  if (s.gpup.enabled) return;
  e << YAML::Key << "faults" << YAML::Value << YAML::BeginMap;
  kv(e, "link_replay", s.link_replay ? "true" : "false");
  kv(e, "message_drop_when_full", s.message_drop_when_full ? "true" : "false");
  if (s.spurious_msi_every_us > 0) kvd(e, "spurious_msi_every_us", s.spurious_msi_every_us);
  if (s.stuck_source_bit >= 0) {
    e << YAML::Key << "stuck_source" << YAML::Value << YAML::Flow << YAML::BeginMap;
    kv(e, "bit", s.stuck_source_bit);
    kvd(e, "at_ms", s.stuck_at_ms);
    e << YAML::EndMap;
  }
  if (s.drop_msi) kv(e, "drop_msi", s.drop_msi);
  if (s.corrupt_tlp_every) kv(e, "corrupt_tlp_every", s.corrupt_tlp_every);
  if (s.completion_timeout_us > 0) kvd(e, "completion_timeout_us", s.completion_timeout_us);
  if (s.message_slots) kv(e, "message_slots", s.message_slots);
  if (s.drop_read_completion) kv(e, "drop_read_completion", s.drop_read_completion);
  if (s.stall_at_ms >= 0) kvd(e, "stall_at_ms", s.stall_at_ms);
  if (s.repeat_every_nth_dpc) kv(e, "repeat_every_nth_dpc", s.repeat_every_nth_dpc);
  e << YAML::EndMap << YAML::Key << "waves" << YAML::Value << YAML::BeginMap;
  kvd(e, "start_us", s.waves_start_us);
  if (s.waves_end_us >= 0) kvd(e, "end_us", s.waves_end_us);
  e << YAML::EndMap;
}

}  // namespace

std::string effective_yaml(const Scenario& s) {
  YAML::Emitter e;
  e << YAML::BeginMap;
  kv(e, "name", s.name);
  if (!s.description.empty()) kv(e, "description", s.description);
  kv(e, "profile", s.profile);
  kv(e, "seed", s.seed);
  kvd(e, "duration_ms", s.duration_ms);
  kvd(e, "drain_ms", s.drain_ms);
  kv(e, "cpus", s.cpus);
  kvd(e, "cpu_ghz", s.cpu_ghz);
  kv(e, "interrupt_cpu", s.interrupt_cpu);
  if (!s.gpup.enabled) {
    kv(e, "quantum_cycles", s.quantum_cycles);
    kv(e, "msix_vectors", s.msix_vectors);
  }
  engines_and_display(e, s);
  kernel_and_driver(e, s);
  if (s.gpup.enabled) {
    gpup(e, s);
  } else {
    interrupts_and_background(e, s);
    nic(e, s);
  }
  checks_and_faults(e, s);
  e << YAML::EndMap;
  return "# Every key with the value this run used (docs/scenarios.md); `irqlab run` on this\n"
         "# file reproduces the run.\n" +
         std::string(e.c_str()) + "\n";
}

}  // namespace irqlab::run
