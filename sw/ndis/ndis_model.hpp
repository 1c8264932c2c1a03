// NDIS's MSI interrupt handling on the kernel model (seed 003, "Handling an MSI
// Interrupt"): MiniportMessageInterrupt connected per MSI-X message; after it returns TRUE,
// a DPC on the current CPU (QueueDefaultInterruptDpc) or on each CPU of TargetProcessors;
// NdisMQueueDpc for more. DPC objects are separate per message and per CPU, as NDIS 6.1 and
// later guarantee: two messages' DPCs for one CPU are queued separately, and one message's
// DPCs for two CPUs too. Deliberately broken variants (NdisFault) share objects or drop
// TargetProcessors, so the run's checks can be shown to catch them.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kernel.hpp"
#include "ndis_miniport.hpp"

namespace irqlab::ndis {

enum class NdisFault {
  kNone,
  kOneDpcPerCpu,            ///< one DPC object per CPU shared by every message (pre-6.1 behaviour)
  kOneDpcPerMessage,        ///< one DPC object per message, whatever the CPU
  kIgnoresTargetProcessors  ///< only QueueDefaultInterruptDpc is honoured
};

/// What NDIS did, for the run's checks and the NIC's latency figures.
class NdisObserver {
 public:
  virtual ~NdisObserver() = default;
  virtual void interrupt_entered(unsigned cpu, ULONG message) = 0;
  virtual void interrupt_returned(unsigned cpu, ULONG message, bool claimed) = 0;
  /// A DPC for `message` on `cpu` was asked for (ISR outputs or NdisMQueueDpc).
  virtual void dpc_asked(ULONG message, unsigned cpu) = 0;
  /// The DPC object used for it, and whether it was inserted or already queued.
  virtual void dpc_queued(ULONG message, unsigned cpu, const void* object, bool inserted) = 0;
  virtual void dpc_ran(unsigned cpu, ULONG message) = 0;
};

class NdisModel : public NdisLibrary {
 public:
  NdisModel(kernel::Kernel& k, NdisFault fault);
  void set_observer(NdisObserver* o) { obs_ = o; }
  /// NdisMRegisterInterruptEx with MSI-X: message m arrives on `vectors[m]`.
  std::vector<kernel::InterruptObject*> register_message_interrupts(const std::string& owner,
                                                                    const std::vector<uint8_t>& vectors,
                                                                    MINIPORT_MESSAGE_INTERRUPT isr,
                                                                    MINIPORT_MESSAGE_INTERRUPT_DPC dpc,
                                                                    NDIS_HANDLE context);
  NDIS_HANDLE interrupt_handle() { return this; }
  static constexpr const char* kDpcName = "ndis_message_dpc";

  ULONG NdisMQueueDpc(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId, ULONG TargetProcessors,
                      PVOID MiniportDpcContext) override;
  void annotate_cost(uint64_t cpu_cycles) override { k_.cost(cpu_cycles); }

 private:
  struct DpcObject {
    kernel::Kdpc kdpc;
    ULONG message = 0;  ///< the message of the request that queued it
    PVOID context = nullptr;
  };
  BOOLEAN message_interrupt(ULONG message);
  DpcObject& object(ULONG message, unsigned cpu);
  bool queue(ULONG message, unsigned cpu, PVOID context);

  kernel::Kernel& k_;
  NdisFault fault_;
  NdisObserver* obs_ = nullptr;
  MINIPORT_MESSAGE_INTERRUPT isr_ = nullptr;
  MINIPORT_MESSAGE_INTERRUPT_DPC dpc_ = nullptr;
  NDIS_HANDLE context_ = nullptr;
  std::map<std::pair<ULONG, unsigned>, std::unique_ptr<DpcObject>> objects_;
};

}  // namespace irqlab::ndis
