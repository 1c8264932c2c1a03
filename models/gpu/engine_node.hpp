// A GPU engine node. It executes submitted DMA buffers one after another. When a buffer
// completes, the engine (1) DMA-writes the buffer's results and then its fence value to
// host memory as posted writes, and (2) pulses the controller's DMA_COMPLETED source
// with that fence in the same cycle. Because the posted writes are queued first and the
// controller needs three cycles to turn a pulse into a message, PCIe ordering lands the
// fence in memory before the MSI that announces it. A buffer can instead be preempted
// (DMA_PREEMPTED) or fault (DMA_FAULTED), decided at submission.
//
// Two ways in. submit(): the doorbell is modelled as a posted MMIO write's path (core ->
// root complex -> link); platform workloads and GPU-P guests use it. enqueue(): the
// driver rang the front end's doorbell over the link and the engine fetched the
// descriptor by DMA (gpu_front_end.hpp); a buffer that faults then halts the engine until
// RESET, and buffers submitted meanwhile wait. Either way every pulse is announced at
// least one link hop ahead, as the controller's lookahead requires.
#pragma once

#include <systemc>

#include <cstdint>
#include <deque>
#include <functional>

#include "device_function.hpp"
#include "timed_actions.hpp"

namespace irqlab::gpu {

enum class Outcome { kComplete, kPreempt, kFault };

struct Submission {
  uint32_t fence = 0;
  uint64_t duration_ps = 0;
  uint32_t result_bytes = 0;  ///< data written back before the fence
  Outcome outcome = Outcome::kComplete;
};

/// How the engine reaches the controller's source inputs.
using PulseSink = std::function<void(uint64_t at_ps, unsigned kind, unsigned node, uint32_t fence)>;

class EngineNode : public sc_core::sc_module {
 public:
  EngineNode(sc_core::sc_module_name name, unsigned node, pcie::DeviceFunction& fn, PulseSink pulse,
             uint64_t fence_addr, uint64_t result_addr);

  /// Submit now through the modelled doorbell; returns the completion time in ps.
  uint64_t submit(const Submission& s);
  /// A buffer whose descriptor the front end fetched now: it starts `dispatch_ps` later at
  /// the earliest. Buffers wait in a queue and are committed (their completion announced)
  /// one `dispatch_ps` before they start, so a preemption can still drop them. A fault
  /// halts the engine (the queue is held until reset()).
  void enqueue(const Submission& s, uint64_t dispatch_ps);
  /// A preemption request now: buffers not yet committed are dropped; when the committed
  /// ones are done the engine raises DMA_PREEMPTED with `fence`. Returns the buffers dropped.
  size_t preempt(uint32_t fence);
  /// RESET at `at_ps`: drops the buffers held behind a halt and clears it.
  void reset(uint64_t at_ps);
  bool halted() const { return halted_; }
  size_t held() const { return queue_.size(); }
  /// Latency of the doorbell write that carries a submission.
  uint64_t doorbell_ps() const;
  uint64_t busy_until_ps() const { return busy_until_; }
  uint64_t fence_addr() const { return fence_addr_; }
  uint64_t result_addr() const { return result_addr_; }
  /// Point the context at another guest's memory (restoring a migrated VF's engine state).
  void retarget(uint64_t fence_addr, uint64_t result_addr) {
    fence_addr_ = fence_addr;
    result_addr_ = result_addr;
  }
  unsigned node() const { return node_; }

 private:
  unsigned node_;
  pcie::DeviceFunction& fn_;
  PulseSink pulse_;
  uint64_t fence_addr_;
  uint64_t result_addr_;
  uint64_t busy_until_ = 0;
  bool halted_ = false;  ///< a fetched buffer faulted: nothing runs until reset()
  struct Queued {
    Submission s;
    uint64_t ready_ps;
  };
  std::deque<Queued> queue_;        ///< fetched, not yet committed
  uint64_t lead_ps_ = 0;            ///< commit this long before the start (the controller's lookahead)
  uint64_t armed_at_ = UINT64_MAX;  ///< the earliest pending pump() wake-up
  pcie::TimedActions timer_;
  void pump();
  uint64_t schedule(const Submission& s, uint64_t ready_ps, bool halt_on_fault);
};

/// A display head raising vsync at a fixed refresh rate, announced one lookahead early.
class DisplayHead : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(DisplayHead);
  DisplayHead(sc_core::sc_module_name name, unsigned head, double refresh_hz, uint64_t lookahead_ps,
              PulseSink pulse, uint64_t phase_ps = 0);
  uint64_t period_ps() const { return period_ps_; }
  uint64_t count() const { return count_; }

 private:
  void run();
  unsigned head_;
  uint64_t period_ps_;
  uint64_t lookahead_ps_;
  uint64_t phase_ps_;
  PulseSink pulse_;
  uint64_t count_ = 0;
};

/// Pulse kinds passed to PulseSink (match bridge::SourceKind's order).
enum PulseKind : unsigned { kPulseCompleted = 0, kPulsePreempted = 1, kPulseFaulted = 2, kPulseVsync = 3 };

}  // namespace irqlab::gpu
