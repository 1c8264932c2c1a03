// An NDIS 6 miniport for the NIC's receive path, on the same controller RTL as the GPU:
// one MSI-X message per receive queue (queue q's completions are INTR_STATUS bit
// DMA_COMPLETED(q), routed to message q). MiniportMessageInterrupt dismisses its queue's bit
// and asks for the DPC (on the current CPU, or on the CPUs of `extra_targets` too through
// TargetProcessors), returning TRUE: message interrupts are not shared (seed 003).
// MiniportMessageInterruptDpc reads the queue's producer index, indicates the packets and
// returns the descriptors to the NIC.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "miniport_env.hpp"
#include "ndis_miniport.hpp"

namespace irqlab::ndis {

enum class NicFault {
  kNone,
  kReturnsFalse,  ///< every 8th MiniportMessageInterrupt returns FALSE (after dismissing)
};

struct NicCosts {
  uint64_t isr = 300;             ///< MiniportMessageInterrupt's own code
  uint64_t dpc = 500;             ///< the DPC's fixed part
  uint64_t dpc_per_packet = 150;  ///< per packet indicated
};

class NicMiniport {
 public:
  /// `extra_targets`: CPUs (bit mask) that get a DPC besides the interrupted one, asked for
  /// through TargetProcessors or, with `use_queue_dpc`, with NdisMQueueDpc from the ISR.
  NicMiniport(NdisLibrary& ndis, wddm::MiniportEnvironment& regs, const NicCosts& costs, NicFault fault,
              ULONG extra_targets, bool use_queue_dpc = false);
  /// MiniportInitializeEx's interrupt part: enable the queues' sources and the master enable.
  void initialize(uint64_t bar0, unsigned queues, NDIS_HANDLE interrupt_handle);
  /// Where received descriptors go back to (the NIC's ring): queue, producer index consumed.
  void set_ring_sink(std::function<void(unsigned, uint32_t)> f) { ring_sink_ = std::move(f); }
  void halt();  ///< MiniportHaltEx: sources off

  static BOOLEAN MiniportMessageInterrupt(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId,
                                          PBOOLEAN QueueDefaultInterruptDpc, PULONG TargetProcessors);
  static void MiniportMessageInterruptDpc(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId,
                                          PVOID MiniportDpcContext, PULONG NdisReserved1,
                                          PULONG NdisReserved2);
  NDIS_HANDLE context() { return this; }
  uint64_t packets_indicated() const { return indicated_; }

 private:
  BOOLEAN interrupt(ULONG message, PBOOLEAN queue_default, PULONG targets);
  void dpc(ULONG message);

  NdisLibrary& ndis_;
  wddm::MiniportEnvironment& regs_;
  NicCosts costs_;
  NicFault fault_;
  ULONG extra_targets_;
  bool use_queue_dpc_;
  NDIS_HANDLE interrupt_handle_ = nullptr;
  uint64_t bar_ = 0;
  std::vector<uint32_t> consumed_;  ///< per queue: the producer index indicated so far
  std::function<void(unsigned, uint32_t)> ring_sink_;
  uint64_t isr_count_ = 0, indicated_ = 0;
};

}  // namespace irqlab::ndis
