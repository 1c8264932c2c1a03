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
#include "spool.hpp"
#include "watchdog.hpp"

namespace irqlab::platform {
struct Topology;
}

namespace irqlab::run {

struct RunOptions {
  Scenario scenario;
  bool reference_model = false;
  bool idle_skip = true;                  ///< off only to prove that skipping changes nothing
  bool broken_skip_ignores_wake = false;  ///< (tests) a skipper the equivalence test must catch
  bool broken_hold_trace = false;  ///< (tests) trace events kept in memory too: the memory test must catch it
  platform::TraceRequest waves;
  /// Where events.jsonl is written while the run goes ("": kept in memory and written with
  /// the reports). Streamed, nothing per event stays in memory.
  std::string events_path;
  /// Where the run keeps its per-interrupt records until the reports ("": the system's
  /// temporary directory). Unlinked files: nothing stays behind.
  std::string spool_dir;
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
  uint64_t stream;   ///< ties in time: by recording process (pcie::current_process_stream),
  uint64_t seq;      ///< then by recording order
  std::string json;  ///< the fields after t_ps and gpu_cycle
};

/// One source interrupt's way from its pulse to the end of the DPC its report led to:
/// latency.json's record, written when that DPC has run (never held for the whole run).
struct Latency {
  uint64_t irq_id;
  const char* source;  ///< DMA_COMPLETED, CRTC_VSYNC, ... (static: describe_source's names)
  unsigned index;      ///< node or head
  unsigned vector, cpu;
  unsigned dpc_cpu;   ///< where the DPC ran (a DPC can run on another CPU than its ISR)
  uint64_t t_ps[7];   ///< source, MSI issued, delivered, ISR enter, ISR exit, DPC start, DPC end
  uint16_t function;  ///< the PCIe function that raised it: requester ID (bus = GPU + 1, function)
  int16_t guest;      ///< the guest VM whose driver handled it (-1: the host's driver)
};

/// A function's name in reports: "gpu0.pf", "gpu1.vf3" (from its requester ID, bus = GPU + 1,
/// ARI function number 0 for the PF and n + 1 for VF n).
inline std::string function_name(uint16_t rid) {
  const unsigned gpu = (rid >> 8) - 1, fn = rid & 0xFF;
  return "gpu" + std::to_string(gpu) + (fn == 0 ? ".pf" : ".vf" + std::to_string(fn - 1));
}

/// A source interrupt that had not reached the end of a DPC when the run ended.
struct UnfinishedSource {
  uint64_t irq_id, cycle;
  unsigned bit;   ///< INTR_STATUS bit
  bool reported;  ///< a NotifyInterrupt reported it (its ISR queued no DPC, or that DPC never ended)
};

/// A source interrupt raised and not yet reported, as a fault check names it.
struct PendingSource {
  uint64_t irq_id, cycle;
  unsigned bit;
  uint64_t reported_ps = 0;  ///< when a NotifyInterrupt reported it later (0: never)
};

/// What the fault injection records of the adapter ISR running on a CPU.
struct IsrMarks {
  int64_t pending = -1;    ///< INTR_PENDING as the ISR first read it (-1: not read)
  uint32_t dismissed = 0;  ///< bits it wrote to INTR_STATUS (W1C)
};

/// Adapter ISRs that found nothing pending (the fault-spurious-msi check).
struct EmptyIsrs {
  uint64_t found_nothing = 0;
  uint64_t acted = 0;  ///< of those, dismissed or reported something
  uint64_t first_seq = 0, first_enter_ps = 0;
  unsigned first_cpu = 0;
  uint32_t first_dismissed = 0;
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
  std::vector<PendingSource> pending_at_drop;
  pcie::LinkStats upstream, downstream;  ///< corruption and replay counts
  std::vector<pcie::TimedOutRequest> timeouts;
  uint64_t w1c_reserved = 0;  ///< W1Cs of INTR_STATUS with bits no source has (all-ones data)
  uint64_t first_w1c_reserved_ps = 0;
  uint64_t messages_emitted = 0;  ///< by the controller
  uint64_t messages_arrived = 0;  ///< at the root complex (dropped by drop_msi included)
  uint64_t message_order_breaks = 0, first_order_break = 0;
  uint64_t messages_held = 0, message_hold_cycles = 0, messages_lost_in_bridge = 0;
  uint64_t stuck_isrs = 0;        ///< adapter ISRs entered after the source stuck
  uint64_t msis_since_stuck = 0;  ///< MSIs issued after the source stuck
  EmptyIsrs empty_isrs;
};

/// The NIC's side of a run with `nic:` (seed 003).
struct NicResult {
  uint64_t packets = 0, dropped = 0, indicated = 0;  ///< arrived, dropped at a full ring, indicated by DPCs
  uint64_t interrupts = 0;                           ///< MiniportMessageInterrupt calls
  Spool<double> isr_to_dpc_us;  ///< per DPC run: its MiniportMessageInterrupt's entry to its start
  uint64_t censored = 0;        ///< DPCs asked for that never ran
  std::map<std::pair<unsigned, unsigned>, uint64_t> dpc_runs;  ///< (message, CPU) -> runs
};

struct RunResult {
  Scenario scenario;
  uint64_t gpu_period_ps = 0;
  double cpu_ghz = 0;
  uint64_t end_ps = 0;
  std::vector<Event> events;  ///< empty when streamed to events_file
  std::string events_file;    ///< where the run streamed events.jsonl ("": not streamed)
  bool events_write_failed = false;
  // Per-interrupt records go to files as the run goes; only interrupts in flight are held.
  Spool<Latency> latencies;                  ///< every source that reached the end of a DPC, in DPC order
  Spool<double> isr_to_dpc_us;               ///< per ISR that queued the DPC: its entry to the DPC's start
  uint64_t isr_to_dpc_censored = 0;          ///< ISRs that queued the DPC, which never started
  std::vector<UnfinishedSource> unfinished;  ///< in flight when the run ended
  TextSpool trace_events;                    ///< trace.json's events, each preceded by a comma
  uint64_t sources_raised = 0, msi_count = 0, isr_count = 0, dpc_count = 0;  ///< the adapter's
  uint64_t msis_after_stop = 0;  ///< MSIs issued after DxgkDdiStopDevice returned
  uint64_t declined_max_ps = 0;  ///< the longest adapter ISR that returned FALSE
  uint64_t stalls_over_warning = 0;
  NicResult nic;  ///< XPDM: ISR stalls over driver.stall_warn_us
  std::vector<dxgkrnl::Violation> violations;
  uint64_t submitted = 0, isr_over_25us = 0, dpc_over_100us = 0, bg_interrupts = 0;
  uint64_t cycles_stepped = 0, cycles_skipped = 0;
  uint8_t adapter_vector = 0;
  uint64_t stopped_ps = 0;  ///< when DxgkDdiStopDevice returned (0: never)
  bool intx_mode = false;
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

/// Elaborate the PF topology (one GPU function with the host's driver, optionally a NIC
/// and devices on its INTx line) and run it (once per process: SystemC). The System
/// (tb/system/system.hpp) calls this; the topology gives the hardware's settings.
RunResult run_scenario(const RunOptions& opt, const platform::Topology& topo);

}  // namespace irqlab::run
