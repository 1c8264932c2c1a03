// The PF topology's kernel observer: events for events.jsonl, every driver's ISR and DPC
// times, the IRQL and other devices' routines for the trace, the DPC-once-per-queueing
// rule; the adapter's ISRs and DPCs go to the interrupt tracker, which attributes them.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "event_log.hpp"
#include "interrupt_tracker.hpp"
#include "kernel.hpp"
#include "pf_parts.hpp"
#include "run_model.hpp"
#include "trace_events.hpp"

namespace irqlab::run {

/// Records kernel activity: events for events.jsonl, every driver's ISR and DPC times,
/// the IRQL and other devices' routines for the trace; the adapter's ISRs and DPCs go to
/// the interrupt tracker, which attributes them.
class KernelRecorder : public kernel::KernelObserver {
 public:
  using TraceOut = InterruptTracker::TraceOut;
  KernelRecorder(RunResult& r, const std::set<const kernel::InterruptObject*>& adapter,
                 InterruptTracker& tracker, TraceOut trace)
      : r_(r), adapter_(adapter), tracker_(tracker), trace_(std::move(trace)) {}
  void event(uint64_t t, const std::string& json) { log_.event(t, json); }
  EventLog& log() { return log_; }

  void isr_enter(unsigned cpu, const kernel::InterruptObject& io, uint64_t delivered) override {
    all_[cpu].push_back(pcie::now_ps());
    raise(cpu, static_cast<uint8_t>(io.vector >> 4));  // DIRQL: the vector's priority class
    if (!adapter_.count(&io)) {
      event(pcie::now_ps(), "\"ev\":\"device_isr_enter\",\"cpu\":" + std::to_string(cpu) + ",\"device\":\"" +
                                io.owner + "\",\"vector\":" + std::to_string(io.vector));
      return;
    }
    if (r_.stopped_ps) ++r_.dispatch.isrs_after_stop;
    tracker_.isr_enter(cpu, io.vector, io.message_number, delivered, pcie::now_ps());
    event(pcie::now_ps(), "\"ev\":\"isr_enter\",\"cpu\":" + std::to_string(cpu) +
                              ",\"message\":" + std::to_string(io.message_number));
  }
  void isr_exit(unsigned cpu, const kernel::InterruptObject& io, bool claimed) override {
    r_.dispatch.isr_by_driver[io.owner].add(pcie::now_ps() - all_[cpu].back());
    lower(cpu);
    const uint64_t start = all_[cpu].back();
    all_[cpu].pop_back();
    if (!adapter_.count(&io)) {
      trace_routine(cpu, "ISR " + io.owner, start,
                    "{\"claimed\":" + std::string(claimed ? "true" : "false") + ",\"device\":" +
                        nlohmann::json(io.owner).dump() + ",\"vector\":" + std::to_string(io.vector) + "}");
      event(pcie::now_ps(), "\"ev\":\"device_isr_exit\",\"cpu\":" + std::to_string(cpu) + ",\"device\":\"" +
                                io.owner + "\",\"claimed\":" + (claimed ? "true" : "false"));
      return;
    }
    tracker_.isr_exit(cpu, claimed, pcie::now_ps());
    event(pcie::now_ps(), "\"ev\":\"isr_exit\",\"cpu\":" + std::to_string(cpu) +
                              ",\"message\":" + std::to_string(io.message_number) +
                              ",\"claimed\":" + (claimed ? "true" : "false"));
  }
  void interrupt_unclaimed(unsigned cpu, uint8_t vector) override {
    unclaimed_adapter_ += vector == kAdapterVector;
    event(pcie::now_ps(),
          "\"ev\":\"unclaimed\",\"cpu\":" + std::to_string(cpu) + ",\"vector\":" + std::to_string(vector));
  }
  // The ISR running on `cpu` asked for this DPC: it is resolved by the object's next run.
  void dpc_queued(unsigned cpu, const kernel::Kdpc& d, bool queued) override {
    if (queued) ++queueings_[&d];
    if (adapter_dpc(d)) tracker_.dpc_queued(cpu, &d);
  }
  void dpc_enter(unsigned cpu, const kernel::Kdpc& d) override {
    dpc_start_[cpu].push_back(pcie::now_ps());
    raise(cpu, kDispatchLevel);
    // Every run of a DPC consumes one KeInsertQueueDpc that returned TRUE (KeInsertQueueDpc:
    // a DPC already queued is not queued again), for every driver's DPC.
    uint64_t& q = queueings_[&d];
    if (q == 0) {
      dpc_violations_.push_back({pcie::now_ps(), static_cast<int>(cpu), "dpc-once-per-queueing",
                                 "DPC " + d.name +
                                     " ran without a queueing outstanding (twice for one "
                                     "KeInsertQueueDpc, or never queued)"});
    } else {
      --q;
    }
    if (!adapter_dpc(d)) {
      event(pcie::now_ps(),
            "\"ev\":\"device_dpc_enter\",\"cpu\":" + std::to_string(cpu) + ",\"dpc\":\"" + d.name + "\"");
      return;
    }
    tracker_.dpc_enter(cpu, &d, pcie::now_ps());
    event(pcie::now_ps(), "\"ev\":\"dpc_enter\",\"cpu\":" + std::to_string(cpu));
  }
  void dpc_exit(unsigned cpu, const kernel::Kdpc& d) override {
    r_.dispatch.dpc_by_driver[d.name].add(pcie::now_ps() - dpc_start_[cpu].back());
    lower(cpu);
    const uint64_t start = dpc_start_[cpu].back();
    dpc_start_[cpu].pop_back();
    if (!adapter_dpc(d)) {
      trace_routine(cpu, "DPC " + d.name, start, "{\"dpc\":" + nlohmann::json(d.name).dump() + "}");
      event(pcie::now_ps(),
            "\"ev\":\"device_dpc_exit\",\"cpu\":" + std::to_string(cpu) + ",\"dpc\":\"" + d.name + "\"");
      return;
    }
    // DPCs of the adapter's objects may run on several CPUs at once: each exit ends its own.
    tracker_.dpc_exit(cpu, pcie::now_ps());
    event(pcie::now_ps(), "\"ev\":\"dpc_exit\",\"cpu\":" + std::to_string(cpu));
  }
  /// DPC runs without an outstanding queueing.
  const std::vector<dxgkrnl::Violation>& violations() const { return dpc_violations_; }
  /// Interrupts on the adapter's vector that no ISR claimed.
  uint64_t unclaimed_adapter() const { return unclaimed_adapter_; }

 private:
  RunResult& r_;
  const std::set<const kernel::InterruptObject*>& adapter_;
  InterruptTracker& tracker_;
  TraceOut trace_;
  std::map<unsigned, std::vector<uint64_t>> all_;  ///< every ISR's start per CPU
  std::map<unsigned, std::vector<uint64_t>> dpc_start_;
  std::map<unsigned, std::vector<uint8_t>> irql_;  ///< per CPU: IRQLs raised by running routines
  static constexpr uint8_t kDispatchLevel = 2;
  // Another device's ISR or DPC, ending now, on its CPU's track.
  void trace_routine(unsigned cpu, const std::string& name, uint64_t start, const std::string& args) {
    trace_(pcie::now_ps(), trace_events::slice(cpu, name, start, pcie::now_ps(), args));
  }
  // The CPU's IRQL follows its routines: DIRQL in an ISR, DISPATCH_LEVEL in a DPC,
  // PASSIVE_LEVEL otherwise (spin-lock raises are not shown).
  void raise(unsigned cpu, uint8_t irql) {
    irql_[cpu].push_back(irql);
    trace_(pcie::now_ps(), trace_events::irql(cpu, irql, pcie::now_ps()));
  }
  void lower(unsigned cpu) {
    irql_[cpu].pop_back();
    trace_(pcie::now_ps(),
           trace_events::irql(cpu, irql_[cpu].empty() ? uint8_t{0} : irql_[cpu].back(), pcie::now_ps()));
  }
  std::map<const kernel::Kdpc*, uint64_t> queueings_;  ///< successful insertions not yet run
  std::vector<dxgkrnl::Violation> dpc_violations_;
  uint64_t unclaimed_adapter_ = 0;
  EventLog log_{r_};
};

}  // namespace irqlab::run
