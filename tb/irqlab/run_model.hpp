// One `irqlab run`: the #3 platform plus the kernel, dxgkrnl, the display miniport and
// background load, with everything that happens recorded for the reports.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include <functional>
#include <map>

#include "dxgkrnl.hpp"
#include "link_direction.hpp"
#include "platform_trace.hpp"
#include "root_complex.hpp"
#include "scenario.hpp"
#include "watchdog.hpp"

namespace irqlab::run {

struct RunOptions {
  Scenario scenario;
  bool reference_model = false;
  bool idle_skip = true;                  ///< off only to prove that skipping changes nothing
  bool broken_skip_ignores_wake = false;  ///< (tests) a skipper the equivalence test must catch
  platform::TraceRequest waves;
  /// Where events.jsonl is written while the run goes ("": kept in memory and written with
  /// the reports). Streamed, nothing per event stays in memory.
  std::string events_path;
  /// Called (from the watchdog's thread) when the simulation stalls, before exit 1.
  std::function<void(const Hang&)> on_stall;
};

/// Execution times of one driver's ISRs or DPCs, as `xperf -a dpcisr` lists them.
struct ExecStats {
  static constexpr double kBucketUs[] = {1, 10, 100, 1000};  ///< upper bounds; the 5th is above
  uint64_t count = 0;
  uint64_t min_ps = UINT64_MAX, max_ps = 0, sum_ps = 0;
  uint64_t buckets[5] = {0, 0, 0, 0, 0};
  void add(uint64_t ps);
};

/// One line of events.jsonl before formatting.
struct Event {
  uint64_t t_ps;
  uint64_t seq;      ///< ties in time keep recording order
  std::string json;  ///< the fields after t_ps and gpu_cycle
};

struct IsrRecord {
  uint64_t seq;
  unsigned cpu;
  uint8_t vector;
  uint32_t message;
  uint64_t delivered_ps, enter_ps, exit_ps = 0;
  bool claimed = false;
  bool queued_dpc = false;  ///< called DxgkCbQueueDpc (whether or not it was already queued)
  int64_t dpc = -1;         ///< index into dpcs: the run of the DPC it queued (-1: none started)
  int64_t pending = -1;     ///< INTR_PENDING as the ISR first read it (-1: not read)
  uint32_t dismissed = 0;   ///< bits it wrote to INTR_STATUS (W1C)
};

struct DpcRecord {
  unsigned cpu;
  uint64_t enter_ps, exit_ps = 0;
};

/// An ISR or DPC of another device (background load, the shared-line peer).
struct RoutineRecord {
  unsigned cpu;
  enum Kind { kIsr, kDpc } kind;
  std::string owner;  ///< the driver (ISR) or the DPC's name
  unsigned vector;    ///< ISRs: the x86 vector
  uint64_t enter_ps, exit_ps;
  bool claimed;
};

/// A CPU's IRQL from `t_ps` on (it follows the routines running on it).
struct IrqlChange {
  uint64_t t_ps;
  unsigned cpu;
  uint8_t irql;
};

struct SourceRecord {
  uint64_t irq_id;
  uint64_t cycle;
  unsigned bit;  ///< INTR_STATUS bit
  uint32_t fence;
  int64_t notify = -1;  ///< index into notifies once reported
};

/// What the kernel's DPC and interrupt machinery did over the run.
struct DispatchStats {
  std::map<std::string, ExecStats> isr_by_driver, dpc_by_driver;
  std::map<unsigned, uint64_t> merged_by_vector;  ///< local-APIC requests that merged into IRR
  uint64_t ipis = 0;
  uint64_t isrs_after_stop = 0;  ///< adapter ISRs that began after DxgkDdiStopDevice returned
};

/// What the scenario's fault knobs did, for their fault-* checks.
struct FaultEffects {
  uint64_t spurious_injected = 0;  ///< spurious MSIs queued on the link
  /// drop_msi: when the MSI was discarded (0: not yet) and the interrupts pending then.
  uint64_t msi_dropped_ps = 0;
  std::vector<uint64_t> pending_at_drop;  ///< indices into RunResult::sources
  pcie::LinkStats upstream, downstream;   ///< corruption and replay counts
  std::vector<pcie::TimedOutRequest> timeouts;
  uint64_t w1c_reserved = 0;  ///< W1Cs of INTR_STATUS with bits no source has (all-ones data)
  uint64_t first_w1c_reserved_ps = 0;
  uint64_t messages_emitted = 0;  ///< by the controller
  uint64_t messages_arrived = 0;  ///< at the root complex (dropped by drop_msi included)
  uint64_t message_order_breaks = 0, first_order_break = 0;
  uint64_t messages_held = 0, message_hold_cycles = 0, messages_lost_in_bridge = 0;
  uint64_t stuck_isrs = 0;  ///< adapter ISRs entered after the source stuck
};

/// Per-event records of a run: a deque grows in fixed blocks, so a long run holds no
/// doubling slack and never copies what it already recorded.
template <typename T>
using Records = std::deque<T>;

struct RunResult {
  Scenario scenario;
  uint64_t gpu_period_ps = 0;
  double cpu_ghz = 0;
  uint64_t end_ps = 0;
  std::vector<Event> events;  ///< empty when streamed to events_file
  std::string events_file;    ///< where the run streamed events.jsonl ("": not streamed)
  bool events_write_failed = false;
  Records<SourceRecord> sources;
  Records<IsrRecord> isrs;
  Records<DpcRecord> dpcs;
  Records<RoutineRecord> routines;  ///< every other device's ISRs and DPCs
  Records<IrqlChange> irql;
  Records<dxgkrnl::NotifyRecord> notifies;
  Records<uint64_t> notify_isr_index;                 ///< per notify: index into isrs
  Records<std::pair<uint64_t, unsigned>> msis;        ///< issue cycle, vector
  Records<std::pair<uint64_t, unsigned>> deliveries;  ///< delivered ps, cpu (adapter vector only)
  std::vector<dxgkrnl::Violation> violations;
  uint64_t submitted = 0, isr_over_25us = 0, dpc_over_100us = 0, bg_interrupts = 0;
  uint64_t cycles_stepped = 0, cycles_skipped = 0;
  uint8_t adapter_vector = 0;
  uint64_t stopped_ps = 0;  ///< when DxgkDdiStopDevice returned (0: never)
  bool intx_mode = false;
  std::vector<uint64_t> intx_asserts;           ///< GPU cycles where the controller's INTx rose
  uint64_t peer_raised = 0, peer_serviced = 0;  ///< the device sharing the INTx line
  uint64_t peer_merged = 0, peer_max_wait_ps = 0;
  uint64_t isrs_declined = 0;        ///< our ISR returned FALSE (not ours)
  uint64_t spurious_interrupts = 0;  ///< adapter-vector interrupts no ISR claimed
  DispatchStats dispatch;
  std::vector<dxgkrnl::NodeDpcWait> engine_wait;  ///< per node: engine idle waiting for the DPC
  dxgkrnl::FaultStats gpu_faults;                 ///< page faults and the engine resets they caused
  dxgkrnl::PreemptStats preemptions;              ///< DxgkDdiPreemptCommand requests and resubmissions
  uint64_t doorbells = 0;                         ///< DOORBELL_HI writes that reached the front end
  Hang hang;                                      ///< set when the watchdog stopped the run
  FaultEffects faults;                            ///< what the fault knobs did (fault-* checks)
};

/// Elaborate and run (once per process: SystemC).
RunResult run_scenario(const RunOptions& opt);

}  // namespace irqlab::run
