#include "ndis_model.hpp"

namespace irqlab::ndis {

NdisModel::NdisModel(kernel::Kernel& k, NdisFault fault) : k_(k), fault_(fault) {}

std::vector<kernel::InterruptObject*> NdisModel::register_message_interrupts(
    const std::string& owner, const std::vector<uint8_t>& vectors, MINIPORT_MESSAGE_INTERRUPT isr,
    MINIPORT_MESSAGE_INTERRUPT_DPC dpc, NDIS_HANDLE context) {
  isr_ = isr;
  dpc_ = dpc;
  context_ = context;
  std::vector<kernel::InterruptObject*> ios;
  for (ULONG m = 0; m < vectors.size(); ++m)
    ios.push_back(
        &k_.connect_interrupt(owner, vectors[m], m, [this, m] { return message_interrupt(m) != FALSE; }));
  return ios;
}

// After MiniportMessageInterrupt: TRUE with QueueDefaultInterruptDpc -> a DPC on this CPU
// (TargetProcessors ignored); TRUE without -> one on each CPU in TargetProcessors
// (learn.microsoft.com: MINIPORT_MESSAGE_INTERRUPT).
BOOLEAN NdisModel::message_interrupt(ULONG message) {
  const unsigned cpu = k_.current_cpu() ? k_.current_cpu()->index() : 0;
  if (obs_) obs_->interrupt_entered(cpu, message);
  BOOLEAN queue_default = FALSE;
  ULONG targets = 0;
  const BOOLEAN claimed = isr_(context_, message, &queue_default, &targets);
  if (obs_) obs_->interrupt_returned(cpu, message, claimed != FALSE);
  if (!claimed) return FALSE;
  if (queue_default) {
    if (obs_) obs_->dpc_asked(message, cpu);
    queue(message, cpu, nullptr);
  } else {
    for (unsigned c = 0; c < k_.num_cpus() && c < 32; ++c) {
      if (!(targets >> c & 1)) continue;
      if (obs_) obs_->dpc_asked(message, c);
      if (fault_ != NdisFault::kIgnoresTargetProcessors) queue(message, c, nullptr);
    }
  }
  return claimed;
}

ULONG NdisModel::NdisMQueueDpc(NDIS_HANDLE, ULONG MessageId, ULONG TargetProcessors,
                               PVOID MiniportDpcContext) {
  ULONG queued = 0;
  for (unsigned c = 0; c < k_.num_cpus() && c < 32; ++c) {
    if (!(TargetProcessors >> c & 1)) continue;
    if (obs_) obs_->dpc_asked(MessageId, c);
    if (fault_ == NdisFault::kIgnoresTargetProcessors) continue;
    if (queue(MessageId, c, MiniportDpcContext)) queued |= 1u << c;
  }
  return queued;
}

// The DPC object for (message, CPU): one each (NDIS 6.1), or shared in the broken variants.
NdisModel::DpcObject& NdisModel::object(ULONG message, unsigned cpu) {
  const auto key = fault_ == NdisFault::kOneDpcPerCpu       ? std::make_pair(ULONG{0}, cpu)
                   : fault_ == NdisFault::kOneDpcPerMessage ? std::make_pair(message, 0u)
                                                            : std::make_pair(message, cpu);
  auto& o = objects_[key];
  if (!o) {
    o = std::make_unique<DpcObject>();
    o->kdpc.name = kDpcName;
    o->kdpc.target_cpu = static_cast<int>(cpu);  // KeSetTargetProcessorDpcEx
    DpcObject* self = o.get();
    o->kdpc.routine = [this, self] {
      const unsigned here = k_.current_cpu() ? k_.current_cpu()->index() : 0;
      if (obs_) obs_->dpc_ran(here, self->message);
      dpc_(context_, self->message, self->context, nullptr, nullptr);
    };
  }
  return *o;
}

bool NdisModel::queue(ULONG message, unsigned cpu, PVOID context) {
  DpcObject& o = object(message, cpu);
  const bool was_queued = o.kdpc.inserted;
  if (!was_queued) {  // the arguments of the request that queues it (KeInsertQueueDpc)
    o.message = message;
    o.context = context;
    o.kdpc.target_cpu = static_cast<int>(cpu);
  }
  const bool inserted = !was_queued && k_.insert_queue_dpc(o.kdpc);
  if (was_queued) k_.insert_queue_dpc(o.kdpc);  // (for the observers: a request that merged)
  if (obs_) obs_->dpc_queued(message, cpu, &o, inserted);
  return inserted;
}

}  // namespace irqlab::ndis
