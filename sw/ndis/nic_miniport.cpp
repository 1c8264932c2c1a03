#include "nic_miniport.hpp"

#include "irq_ctrl_regs.hpp"

namespace irqlab::ndis {

namespace regs = irqlab::regs::irq_ctrl;
namespace src = irqlab::regs::irq_ctrl::sources;

NicMiniport::NicMiniport(NdisLibrary& ndis, wddm::MiniportEnvironment& regs, const NicCosts& costs,
                         NicFault fault, ULONG extra_targets, bool use_queue_dpc)
    : ndis_(ndis),
      regs_(regs),
      costs_(costs),
      fault_(fault),
      extra_targets_(extra_targets),
      use_queue_dpc_(use_queue_dpc) {}

void NicMiniport::initialize(uint64_t bar0, unsigned queues, NDIS_HANDLE interrupt_handle) {
  bar_ = bar0;
  interrupt_handle_ = interrupt_handle;
  consumed_.assign(queues, 0);
  uint32_t enabled = 0;
  for (unsigned q = 0; q < queues; ++q) {
    regs_.WRITE_REGISTER_ULONG(bar_ + regs::ROUTE::offset(src::DMA_COMPLETED.lsb + q),
                               q);  // queue q -> message q
    enabled |= src::DMA_COMPLETED.bit(q);
  }
  regs_.WRITE_REGISTER_ULONG(bar_ + regs::INTR_ENABLE::kOffset, enabled);
  regs_.WRITE_REGISTER_ULONG(bar_ + regs::INTR_MASTER::kOffset, regs::INTR_MASTER::ENABLE.put(1));
}

void NicMiniport::halt() {
  regs_.WRITE_REGISTER_ULONG(bar_ + regs::INTR_ENABLE::kOffset, 0);
  regs_.WRITE_REGISTER_ULONG(bar_ + regs::INTR_MASTER::kOffset, 0);
}

BOOLEAN NicMiniport::MiniportMessageInterrupt(NDIS_HANDLE ctx, ULONG MessageId,
                                              PBOOLEAN QueueDefaultInterruptDpc, PULONG TargetProcessors) {
  return static_cast<NicMiniport*>(ctx)->interrupt(MessageId, QueueDefaultInterruptDpc, TargetProcessors);
}

void NicMiniport::MiniportMessageInterruptDpc(NDIS_HANDLE ctx, ULONG MessageId, PVOID, PULONG, PULONG) {
  static_cast<NicMiniport*>(ctx)->dpc(MessageId);
}

// As little as possible here (seed 003): dismiss the queue's event and defer the rest.
BOOLEAN NicMiniport::interrupt(ULONG message, PBOOLEAN queue_default, PULONG targets) {
  ndis_.annotate_cost(costs_.isr);
  ++isr_count_;
  regs_.WRITE_REGISTER_ULONG(bar_ + regs::INTR_STATUS::kOffset, src::DMA_COMPLETED.bit(message));
  if (extra_targets_ && !use_queue_dpc_) {  // this CPU and the others named
    *queue_default = FALSE;
    *targets = (1u << regs_.current_processor()) | extra_targets_;
  } else {
    *queue_default = TRUE;
    // "To request additional DPCs from MiniportMessageInterrupt ... the miniport driver can
    // call the NdisMQueueDpc function" (seed 003).
    if (extra_targets_) ndis_.NdisMQueueDpc(interrupt_handle_, message, extra_targets_, nullptr);
  }
  if (fault_ == NicFault::kReturnsFalse && isr_count_ % 8 == 0) return FALSE;
  return TRUE;
}

// The producer index is read after the ISR's W1C has reached the NIC (a read cannot pass a
// posted write): a packet after it raises the queue's message again.
void NicMiniport::dpc(ULONG message) {
  ndis_.annotate_cost(costs_.dpc);
  if (message >= consumed_.size()) return;
  const uint32_t produced = regs_.READ_REGISTER_ULONG(bar_ + regs::NODE_COMPLETED_FENCE::offset(message));
  const uint32_t n = produced - consumed_[message];          // modulo 2^32
  if (n == 0 || (produced >> 31 && n > (1u << 30))) return;  // nothing new (or a failed read)
  ndis_.annotate_cost(costs_.dpc_per_packet * n);
  indicated_ += n;
  consumed_[message] = produced;
  if (ring_sink_) ring_sink_(message, produced);
}

}  // namespace irqlab::ndis
