// Online attribution of the adapter's interrupts: each source pulse follows the
// NotifyInterrupt that reports it to the ISR that made the call and to the run of the DPC
// that ISR queued. When both have ended, the interrupt's latency record goes to the run's
// spool and its trace events are emitted. Only interrupts in flight are held, so memory
// does not grow with the run's length, and each event costs O(1) (a queue per source bit).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "run_model.hpp"

namespace irqlab::run {

class InterruptTracker {
 public:
  /// `trace(t_ps, event)`: a trace.json event, known at `t_ps` (put in order by the caller).
  using TraceOut = std::function<void(uint64_t t_ps, std::string event)>;
  InterruptTracker(RunResult& r, const Scenario& sc, uint64_t gpu_period_ps, TraceOut trace);
  /// Where finished latency records go, with the time they became known (default: straight
  /// to RunResult::latencies; the run puts them in order first, as the trace's events).
  void set_latency_out(std::function<void(uint64_t t_ps, const Latency&)> f) { latency_out_ = std::move(f); }

  // The controller's side, in GPU cycles (observed at or ahead of SystemC time).
  void source(uint64_t irq_id, uint64_t cycle, unsigned bit, uint32_t fence);
  void msi(uint64_t cycle, unsigned message);
  void intx_assert(uint64_t cycle);
  /// An MSI of message 0 accepted by a local APIC: it pairs with the oldest MSI of message 0
  /// not yet delivered (the link keeps posted writes in order); none: an injected one.
  void delivery(uint64_t delivered_ps);
  /// The root complex dropped the oldest MSI in flight (fault drop_msi): it is never delivered.
  void msi_lost();

  // The kernel's side, for the adapter's interrupt objects and DPC.
  void isr_enter(unsigned cpu, uint8_t vector, uint32_t message, uint64_t delivered_ps, uint64_t now);
  void isr_exit(unsigned cpu, bool claimed, uint64_t now);
  void dpc_queued(unsigned cpu, const void* dpc);
  void dpc_enter(unsigned cpu, const void* dpc, uint64_t now);
  void dpc_exit(unsigned cpu, uint64_t now);
  /// A NotifyInterrupt at `t`: the irq_ids of the sources it reports.
  std::vector<uint64_t> notify(const dxgkrnl::NotifyRecord& n, int cpu, uint64_t t);

  /// The adapter ISR running on `cpu` (null: none), for the fault injection's marks.
  IsrMarks* current_isr(unsigned cpu);
  /// Sources raised by `now` and not yet reported, in irq_id order.
  std::vector<PendingSource> pending_sources(uint64_t now) const;
  /// DxgkDdiStopDevice returned: MSIs issued after `stop_ps` are counted from now on.
  void stopped(uint64_t stop_ps);
  /// The run ended: everything still in flight goes to RunResult::unfinished.
  void finish();
  /// The function whose pulses source() sees from now on (a guest's VF after a migration)
  /// and the guest whose driver handles them (-1: the host's), stamped on each record.
  void set_origin(uint16_t function, int16_t guest) {
    function_ = function;
    guest_ = guest;
  }
  /// Number this tracker's ISRs and DPC runs base + stride * n (n = 1, 2, ...), not by the
  /// run's shared counters: with several trackers (a GPU-P run's guests) the numbers then
  /// do not depend on which guest's process SystemC ran first at one instant.
  void set_numbering(uint64_t base, uint64_t stride) {
    number_base_ = base;
    number_stride_ = stride;
  }

 private:
  struct Source {
    uint64_t irq_id, cycle;
    unsigned bit;
    uint32_t fence;
    uint16_t function;
  };
  struct Isr {
    uint64_t seq;
    unsigned cpu;
    uint8_t vector;
    uint32_t message;
    uint64_t delivered_ps, enter_ps, exit_ps = 0;
    int64_t issued_ps = -1;  ///< the MSI (or INTx assert) its delivery came from (-1: unknown)
    bool exited = false, claimed = false, queued_dpc = false, waiting = false;
    IsrMarks marks;
    std::string reported;         ///< its NotifyInterrupts, as trace items
    std::vector<Source> sources;  ///< the sources its NotifyInterrupts reported
    uint64_t dpc = 0;             ///< the DPC run it led to (0: none started)
    bool dpc_done = false;
    unsigned dpc_cpu = 0;
    uint64_t dpc_enter_ps = 0, dpc_exit_ps = 0;
  };
  struct Dpc {
    unsigned cpu;
    uint64_t enter_ps;
    std::vector<uint64_t> isrs;  ///< seq of the ISRs it serves
  };
  unsigned report_bit(const dxgkrnl::NotifyRecord& n) const;
  int64_t issued_ps_for(uint64_t delivered_ps) const;
  void account_exit(const Isr& i);
  void complete(Isr& i);
  void retire(Isr& i);

  RunResult& r_;
  TraceOut trace_;
  std::function<void(uint64_t, const Latency&)> latency_out_;
  uint64_t P_;
  std::map<unsigned, std::deque<Source>> unreported_;     ///< per INTR_STATUS bit, in pulse order
  std::map<uint64_t, Isr> isrs_;                          ///< in flight, by seq
  std::map<unsigned, std::vector<uint64_t>> stack_;       ///< running adapter ISRs per CPU
  std::map<const void*, std::vector<uint64_t>> waiting_;  ///< per DPC object: ISRs for its next run
  std::map<uint64_t, Dpc> dpcs_;                          ///< running, by run number
  std::map<unsigned, std::vector<uint64_t>> dpc_stack_;   ///< running adapter DPCs per CPU
  std::vector<Source> orphans_;  ///< reported outside an ISR, or by one that queued no DPC
  // Message 0's MSIs pair in order with its deliveries; a pair is kept for a while for the
  // ISR the delivery leads to (several deliveries can merge into one ISR).
  std::deque<uint64_t> unpaired_msis_;               ///< issued, not yet delivered
  std::map<uint64_t, uint64_t> issued_by_delivery_;  ///< delivered ps -> MSI cycle
  std::deque<uint64_t> intx_asserts_;                ///< recent INTx assert cycles
  std::deque<uint64_t> recent_msis_;                 ///< MSI cycles of the last millisecond
  uint64_t stop_ps_ = 0, stuck_from_ps_ = UINT64_MAX;
  uint64_t next_number(uint64_t& shared, uint64_t& own) {
    ++shared;
    return number_stride_ ? number_base_ + number_stride_ * ++own : shared;
  }
  uint64_t number_base_ = 0, number_stride_ = 0, own_isrs_ = 0, own_dpcs_ = 0;
  uint16_t function_ = 0x0100;  ///< the PF of GPU 0 (the platform's one function)
  int16_t guest_ = -1;
};

}  // namespace irqlab::run
