// The parts of dxgkrnl the interrupt path meets: the DxgkCb* callbacks, a GPU scheduler
// that submits DMA buffers with increasing fence IDs per node, fence bookkeeping with WDDM
// semantics (a completed fence completes every earlier fence of its node), and the
// verifier that checks the miniport against the rules of the seed documents.
#pragma once

#include <systemc>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "fence_id.hpp"
#include "kernel.hpp"
#include "miniport_env.hpp"
#include "wddm_ddi.hpp"

namespace irqlab::dxgkrnl {

using namespace irqlab::wddm;

struct Violation {
  uint64_t t_ps;
  int cpu;  ///< -1 when not on a CPU
  std::string rule;
  std::string detail;
};

/// One DxgkCbNotifyInterrupt call, for the latency attribution.
struct NotifyRecord {
  uint64_t t_ps;
  unsigned cpu;
  uint64_t isr;  ///< ISR activation number
  DXGK_INTERRUPT_TYPE type;
  unsigned index;  ///< node, or head for CRTC
  uint32_t fence;
};

/// CPU-cycle costs of dxgkrnl's own code on the interrupt path (docs/timing.md).
struct DxgkrnlCosts {
  uint64_t notify_interrupt = 300;  ///< DxgkCbNotifyInterrupt: record the event at DIRQL
  uint64_t notify_dpc = 600;        ///< DxgkCbNotifyDpc: fixed part of the DPC-time processing
};

/// Where and how the adapter's DPC is queued (KeSetTargetProcessorDpcEx, KeSetImportanceDpc).
struct DpcPolicy {
  int target_cpu = -1;  ///< -1: none, the processor that queues it (KeInsertQueueDpc's default)
  kernel::KDPC_IMPORTANCE importance = kernel::MediumImportance;
  /// One KDPC per adapter (WDDM), or separate ones per message and per CPU (the NDIS 6.1
  /// guarantee, only when a scenario asks for it).
  bool per_message_per_cpu = false;
};

/// Per node: engine time lost to DPC latency. A span starts when the ISR reports the
/// node's last outstanding buffer done while the scheduler holds a buffer that waits for
/// a slot, and ends when the DPC retires it and the buffer is submitted.
struct NodeDpcWait {
  uint64_t spans = 0;
  uint64_t total_ps = 0;
  uint64_t max_ps = 0;
};

/// Page faults (DXGK_INTERRUPT_DMA_PAGE_FAULTED) and the engine recoveries they caused.
struct FaultStats {
  uint64_t page_faults = 0;
  uint64_t resets = 0;
  uint64_t dropped_buffers = 0;  ///< submitted behind a faulted buffer, aborted by the reset
  uint64_t recovery_total_ps = 0, recovery_max_ps = 0;  ///< fault report (ISR) to the reset's return
};

/// Preemption requests (DxgkDdiPreemptCommand) and what they preempted.
struct PreemptStats {
  uint64_t requests = 0, answered = 0;
  uint64_t preempted_buffers = 0, resubmitted = 0;
  uint64_t latency_total_ps = 0, latency_max_ps = 0;  ///< request to the ISR's DMA_PREEMPTED report
};

/// Per-node submission load.
struct NodeLoad {
  double mean_gap_us = 20;
  double min_duration_us = 2, max_duration_us = 40;
  uint32_t max_result_bytes = 8192;
  double preempt_per_ms = 0;  ///< DxgkDdiPreemptCommand requests (needs the submit DDI)
  double fault_probability = 0.01;
  unsigned max_in_flight = 2;  ///< buffers submitted and not yet retired at DPC time (queue depth)
};

class Dxgkrnl : public kernel::KernelObserver {
 public:
  /// `first_fence`: the first fence ID each node submits (tests start near 2^32 to wrap).
  Dxgkrnl(kernel::Kernel& k, GpuSubmission& gpu, unsigned num_nodes, uint32_t first_fence = 1);
  void set_costs(const DxgkrnlCosts& c) { costs_ = c; }

  /// Submit through the miniport (DxgkDdiSubmitCommand): dxgkrnl writes each buffer's
  /// DMA buffer at `descriptors` + kDescriptorRingBytes x node in system memory, then calls `submit`.
  /// Without it, buffers go to `gpu` (a modelled doorbell).
  void set_submit_ddi(std::function<NTSTATUS(const DXGKARG_SUBMITCOMMAND&)> submit, SystemMemory& memory,
                      uint64_t descriptors);
  /// DxgkDdiResetEngine, called at PASSIVE_LEVEL to recover a node after a page fault that
  /// requires an engine reset.
  void set_reset_ddi(std::function<NTSTATUS(DXGKARG_RESETENGINE&)> reset) { reset_ddi_ = std::move(reset); }
  const FaultStats& faults() const { return fault_stats_; }
  /// DxgkDdiPreemptCommand (DISPATCH_LEVEL), called `NodeLoad::preempt_per_ms` times per ms
  /// on a node with buffers in flight.
  void set_preempt_ddi(std::function<NTSTATUS(const DXGKARG_PREEMPTCOMMAND&)> preempt) {
    preempt_ddi_ = std::move(preempt);
  }
  const PreemptStats& preemptions() const { return preempt_stats_; }
  /// The interface handed to DxgkDdiStartDevice.
  const DXGKRNL_INTERFACE& interface() const { return iface_; }
  void set_driver_caps(const DXGK_DRIVERCAPS& caps) { caps_ = caps; }
  /// The adapter's DPC routine (DxgkDdiDpcRoutine), its target processor and importance.
  void set_dpc(std::function<void()> routine, const DpcPolicy& policy = {});
  /// The interrupt objects of this adapter (so ISRs of other devices are told apart).
  void add_adapter_interrupt(const kernel::InterruptObject* io) { adapter_ios_.insert(io); }
  /// How config space is read for DxgkCbReadDeviceSpace (a dword at an offset; may wait).
  void set_config_reader(std::function<uint32_t(uint32_t)> f) { config_reader_ = std::move(f); }
  /// The driver read INTR_PENDING (what its ISR found) on this CPU: reported by its
  /// register access, like the two below.
  void device_pending_seen(unsigned cpu, uint32_t bits);
  /// The driver issued a W1C of `bits` to INTR_STATUS on this CPU (or off the CPUs).
  void dismiss_issued(int cpu, uint32_t bits);
  /// The device applied the oldest W1C still in flight (posted writes arrive in order), at
  /// `t_ps`: reported by the controller.
  void dismiss_applied(uint64_t t_ps);
  /// Interrupts on an adapter vector that no ISR claimed (spurious).
  uint64_t spurious_interrupts() const { return spurious_; }
  /// Unclaimed interrupts after stop_begins() (StopDevice racing a latched level interrupt).
  uint64_t unclaimed_during_stop() const { return unclaimed_during_stop_; }
  /// The PnP manager is about to call DxgkDdiStopDevice.
  void stop_begins() { stopping_ = true; }

  /// Start the scheduler: random submissions per node until `until_ps`.
  void start_scheduler(const std::vector<NodeLoad>& load, uint64_t seed, uint64_t until_ps);
  /// Every submitted buffer has been reported.
  bool idle() const;
  /// End-of-run checks (call after the drain).
  void finish();

  const std::vector<Violation>& violations() const { return violations_; }
  /// DxgkCbNotifyInterrupt calls accepted so far (each is given to the callback observer;
  /// none is kept, so nothing grows with the run).
  uint64_t notify_count() const { return notify_count_; }
  uint64_t submitted() const { return submitted_; }
  uint64_t isr_over_25us() const { return isr_long_; }
  uint64_t dpc_over_100us() const { return dpc_long_; }
  uint64_t dpc_runs() const { return dpc_runs_; }
  const std::vector<NodeDpcWait>& engine_wait_for_dpc() const { return dpc_wait_; }
  /// Observer of submissions (node, fence, time) for the event log.
  void set_submit_observer(std::function<void(unsigned, uint32_t, uint64_t)> f) { on_submit_ = std::move(f); }
  /// Observer of every callback the miniport makes (name, cpu or -1, time, detail).
  void set_callback_observer(
      std::function<void(const std::string&, int, uint64_t, const NotifyRecord*, bool)> f) {
    on_callback_ = std::move(f);
  }

  // KernelObserver
  void isr_enter(unsigned cpu, const kernel::InterruptObject& io, uint64_t delivered_ps) override;
  void isr_exit(unsigned cpu, const kernel::InterruptObject& io, bool claimed) override;
  void dpc_enter(unsigned cpu, const kernel::Kdpc& d) override;
  void dpc_exit(unsigned cpu, const kernel::Kdpc& d) override;
  void interrupt_unclaimed(unsigned cpu, uint8_t vector) override;

 private:
  static constexpr unsigned kOffCpu = ~0u;  ///< active_ key of code off the CPUs (PnP thread)
  struct Activation {
    uint64_t seq = 0;
    const kernel::InterruptObject* io = nullptr;
    uint64_t enter_ps = 0;
    bool notified = false, queued = false, crtc_seen = false;
    uint32_t seen = 0;                                       ///< INTR_PENDING bits the ISR found
    uint32_t w1c_issued = 0;                                 ///< bits it wrote one to INTR_STATUS
    std::vector<std::pair<uint32_t, uint64_t>> w1c_applied;  ///< (bits, when the device applied them)
    bool sync = false;  ///< a DxgkCbSynchronizeExecution routine at the interrupt's DIRQL, not an ISR
  };
  static void cb_notify_interrupt(HANDLE h, const DXGKARGCB_NOTIFY_INTERRUPT_DATA* d);
  static void cb_notify_dpc(HANDLE h);
  static BOOLEAN cb_queue_dpc(HANDLE h);
  static NTSTATUS cb_synchronize(HANDLE h, PKSYNCHRONIZE_ROUTINE r, PVOID ctx, ULONG msg, BOOLEAN* ret);
  static NTSTATUS cb_read_device_space(HANDLE h, ULONG type, PVOID buf, ULONG off, ULONG len, ULONG* read);

  void notify_interrupt(const DXGKARGCB_NOTIFY_INTERRUPT_DATA& d);
  void notify_dpc();
  BOOLEAN queue_dpc();
  NTSTATUS synchronize(PKSYNCHRONIZE_ROUTINE r, PVOID ctx, ULONG message, BOOLEAN* ret);
  void violate(const std::string& rule, const std::string& detail);
  Activation* current_activation();
  void fence_reported(DXGK_INTERRUPT_TYPE type, unsigned node, uint32_t fence);
  uint64_t last_submitted(unsigned node) const { return next_fence_[node] - 1; }
  void node_thread(unsigned node, NodeLoad load, uint64_t seed, uint64_t until_ps);

  kernel::Kernel& k_;
  GpuSubmission& gpu_;
  unsigned num_nodes_;
  DXGKRNL_INTERFACE iface_{};
  DXGK_DRIVERCAPS caps_{};
  std::set<const kernel::InterruptObject*> adapter_ios_;
  struct DpcRun {
    bool notify_dpc_called = false;
    uint64_t enter_ps = 0;
  };
  kernel::Kdpc& dpc_object(uint32_t message, unsigned cpu);
  bool is_adapter_dpc(const kernel::Kdpc& d) const;

  std::function<uint32_t(uint32_t)> config_reader_;
  std::function<void()> dpc_routine_;
  DpcPolicy dpc_policy_;
  DxgkrnlCosts costs_;
  std::map<std::pair<uint32_t, unsigned>, std::unique_ptr<kernel::Kdpc>> dpcs_;  ///< (message, cpu) or (0, 0)
  std::map<unsigned, DpcRun> dpc_running_;                                       ///< per CPU
  std::map<unsigned, std::vector<Activation>> active_;                           ///< per CPU, innermost last
  std::vector<uint64_t> next_fence_;             ///< per node, 64-bit (submitted as its low 32 bits)
  std::vector<std::set<uint64_t>> outstanding_;  ///< per node: submitted, not yet reported
  std::vector<uint64_t> last_completed_;
  std::vector<std::unique_ptr<sc_core::sc_event>> node_progress_;  ///< the DPC retired a buffer of the node
  /// Scheduler state, changed at DPC time only: buffers not yet retired per node, and the
  /// reports recorded at DIRQL since the last DxgkCbNotifyDpc.
  std::vector<std::set<uint64_t>> inflight_;
  struct Recorded {
    DXGK_INTERRUPT_TYPE type;
    unsigned node;
    uint64_t fence;
    bool reset_required = false;
    uint64_t reported_ps = 0;
  };
  std::vector<Recorded> recorded_;
  void retire_recorded();
  /// Engine idle while a buffer waits for a free slot, which only the DPC frees.
  std::vector<int64_t> idle_since_;  ///< per node: when the ISR reported its last buffer done (-1: busy)
  std::vector<bool> waiting_for_slot_;
  std::vector<NodeDpcWait> dpc_wait_;
  void submit_buffer(unsigned node, uint64_t fence, uint64_t duration_ps, uint32_t bytes,
                     GpuSubmission::Outcome outcome);
  void recover(unsigned node, uint64_t faulted, uint64_t reported_ps);
  std::function<NTSTATUS(const DXGKARG_SUBMITCOMMAND&)> submit_ddi_;
  std::function<NTSTATUS(DXGKARG_RESETENGINE&)> reset_ddi_;
  static constexpr uint64_t kDescriptorSlots = 2048;  ///< per node, far above engines.queue_depth
  static constexpr uint64_t kDescriptorRingBytes = 0x10000;
  SystemMemory* memory_ = nullptr;
  uint64_t descriptors_ = 0;
  std::vector<bool> recovering_;  ///< per node: a reset is under way, nothing is submitted
  std::vector<bool> submitting_;  ///< per node: inside DxgkDdiSubmitCommand
  // Preemption: the request outstanding per node (0: none), when it was made, buffers
  // preempted and not yet resubmitted, and each in-flight buffer's work (to resubmit it).
  struct Work {
    uint64_t duration_ps;
    uint32_t bytes;
    GpuSubmission::Outcome outcome;
  };
  std::function<NTSTATUS(const DXGKARG_PREEMPTCOMMAND&)> preempt_ddi_;
  std::vector<uint64_t> preempt_pending_, preempt_sent_ps_;
  std::vector<bool> preempting_;  ///< per node: request made, resubmission not yet done
  std::vector<std::set<uint64_t>> preempted_;
  std::vector<std::map<uint64_t, Work>> work_;
  PreemptStats preempt_stats_;
  void preempt_thread(unsigned node, double per_ms, uint64_t seed, uint64_t until_ps);
  void preemption_reported(unsigned node, uint32_t preemption_fence, uint32_t last_completed);
  void resubmit(unsigned node, std::vector<uint64_t> fences);
  FaultStats fault_stats_;
  struct Dismiss {
    int cpu;
    uint64_t activation;  ///< Activation::seq, 0 if issued outside an ISR
    uint32_t bits;
  };
  std::deque<Dismiss> dismisses_in_flight_;
  uint64_t spurious_ = 0;
  uint64_t unclaimed_during_stop_ = 0;
  bool stopping_ = false;
  std::vector<Violation> violations_;
  uint64_t notify_count_ = 0;
  uint64_t isr_seq_ = 0, submitted_ = 0, isr_long_ = 0, dpc_long_ = 0, dpc_runs_ = 0;
  std::function<void(unsigned, uint32_t, uint64_t)> on_submit_;
  std::function<void(const std::string&, int, uint64_t, const NotifyRecord*, bool)> on_callback_;
};

}  // namespace irqlab::dxgkrnl
