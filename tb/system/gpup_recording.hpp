// What a GPU-P run records, in the same files as every run: events.jsonl (each event with
// the function that raised it and the guest that handled it), the latency records of every
// guest's interrupts (one interrupt tracker per guest, the guest's vCPU on its own trace
// track after the host CPUs'), trace.json's events and, when asked, the waveform.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "event_log.hpp"
#include "gpup_parts.hpp"
#include "interrupt_tracker.hpp"
#include "kernel_trace.hpp"
#include "run_model.hpp"
#include "time_ordered_lines.hpp"
#include "wave_writer.hpp"

namespace irqlab::gpup {

class GpupRecorder {
 public:
  GpupRecorder(run::RunResult& r, const run::RunOptions& opt, uint64_t gpu_period_ps, uint64_t margin_ps);
  ~GpupRecorder();
  run::EventLog& log() { return log_; }
  /// Declares the waveform's variables (before the run starts); no-op without one.
  void add_waves(std::vector<std::unique_ptr<GpuInstance>>& gpus, kernel::Kernel& host_k, unsigned host_cpus,
                 const std::vector<std::unique_ptr<Guest>>& guests);
  /// A guest's interrupts: its tracker and kernel observer (`track`: its vCPU's trace track).
  void add_guest(Guest& g, unsigned track);
  /// A VF controller's port event while `g` runs on it (pulses and messages).
  void vf_event(Guest& g, const bridge::BridgeEvent& e, uint64_t period);
  /// The guest vector injected into `g`'s vCPU (the host's VM exit handler).
  void injected(Guest& g, unsigned host_cpu, uint8_t vector, uint64_t t);
  /// A guest dxgkrnl callback (DxgkCbNotifyInterrupt, DxgkCbQueueDpc, DxgkCbNotifyDpc).
  void callback(Guest& g, const std::string& what, uint64_t t, const dxgkrnl::NotifyRecord* n, bool queued);
  /// A stage of a live migration of `g` ("pause", "quiesced", "saved", "restored", "resumed").
  void migration(Guest& g, const char* stage);
  /// The run ended: flush everything and close the streams.
  void finish();

 private:
  class GuestObserver;
  struct Track {
    std::unique_ptr<run::InterruptTracker> tracker;
    std::unique_ptr<GuestObserver> observer;
    std::unique_ptr<run::KernelTrace> waves;
    unsigned track = 0;
    uint64_t sources = 0;  ///< its source pulses so far
  };
  void tick();
  std::string origin(const Guest& g) const;
  void wave(uint64_t t, int var, uint64_t v) {
    if (w_) w_->change(t, var, v);
  }

  run::RunResult& r_;
  const run::Scenario& sc_;
  uint64_t period_, margin_, last_flush_ = 0;
  run::EventLog log_;
  // trace.json's events and the latency records in (time, process, recording) order, as
  // the PF run puts them: the order SystemC ran processes in decides nothing.
  run::TimeOrderedLines trace_lines_{
      [this](uint64_t, const std::string& e) { r_.trace_events.append("," + e); }};
  run::TimeOrdered<run::Latency> latency_lines_{
      [this](uint64_t, const run::Latency& l) { r_.latencies.push_back(l); }};
  std::unique_ptr<waves::WaveWriter> w_;
  std::unique_ptr<run::KernelTrace> host_waves_;
  std::vector<Track> tracks_;  ///< by VM
  struct VfVars {
    int sources, messages, vm;  ///< pulse and message counters; the VM on it (0: none, n + 1: VM n)
    uint64_t pulses_seen = 0, messages_seen = 0;  ///< what the counters show (mod 2^16)
  };
  std::map<const VfSlot*, VfVars> vf_vars_;
  std::vector<const VfSlot*> on_slot_;  ///< by VM: the VF it runs on
  std::vector<int> paused_vars_;        ///< by VM
};

}  // namespace irqlab::gpup
