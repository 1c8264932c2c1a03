// The NDIS 6 MSI interrupt interface a NIC miniport is written against, from the
// learn.microsoft.com pages of ndis.h (no Windows header is copied): the
// MiniportMessageInterrupt and MiniportMessageInterruptDpc handlers and NdisMQueueDpc.
// Seed 003 ("Handling an MSI Interrupt") states the contract; NdisLibrary below is what a
// miniport calls (NDIS's exports), so one process can hold several adapters.
#pragma once

#include <cstdint>

#include "wddm_ddi.hpp"

namespace irqlab::ndis {

using wddm::BOOLEAN;
using wddm::FALSE;
using wddm::PVOID;
using wddm::TRUE;
using wddm::ULONG;
using NDIS_HANDLE = void*;
using PBOOLEAN = BOOLEAN*;
using PULONG = ULONG*;

/// MINIPORT_MESSAGE_INTERRUPT: TRUE when the NIC generated the interrupt (for a message
/// interrupt, always: messages are not shared). *QueueDefaultInterruptDpc TRUE: a DPC on the
/// current CPU and TargetProcessors is ignored; FALSE: a DPC on each CPU set in
/// *TargetProcessors (learn.microsoft.com: MINIPORT_MESSAGE_INTERRUPT).
using MINIPORT_MESSAGE_INTERRUPT = BOOLEAN (*)(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId,
                                               PBOOLEAN QueueDefaultInterruptDpc, PULONG TargetProcessors);
/// MINIPORT_MESSAGE_INTERRUPT_DPC (NDIS 6.0/6.1 form; the last two are reserved).
using MINIPORT_MESSAGE_INTERRUPT_DPC = void (*)(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId,
                                                PVOID MiniportDpcContext, PULONG NdisReserved1,
                                                PULONG NdisReserved2);

static_assert(sizeof(NDIS_HANDLE) == 8 && sizeof(ULONG) == 4 && sizeof(BOOLEAN) == 1, "x64 ndis.h sizes");

/// NDIS's exports, as a miniport sees them.
class NdisLibrary {
 public:
  virtual ~NdisLibrary() = default;
  /// NdisMQueueDpc: a DPC for `MessageId` on each CPU set in TargetProcessors; returns the
  /// CPUs it was queued on (a CPU left out already had that message's DPC queued).
  virtual ULONG NdisMQueueDpc(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId, ULONG TargetProcessors,
                              PVOID MiniportDpcContext) = 0;
  // The model's annotation, not an NDIS export: the CPU cost of the caller's own code.
  virtual void annotate_cost(uint64_t cpu_cycles) = 0;
};

}  // namespace irqlab::ndis
