#include "video_port_model.hpp"

#include <cstring>
#include <new>

namespace irqlab::videoport {

VideoPortModel::VideoPortModel(kernel::Kernel& k, wddm::MiniportEnvironment& regs, double cpu_ghz)
    : k_(k), regs_(regs), cpu_ghz_(cpu_ghz), isr_depth_(k.num_cpus(), 0), synchronized_(k.num_cpus(), 0) {
  dpc_.name = kDpcName;
  // HwVidDpcRoutine with the arguments of the VideoPortQueueDpc that queued the DPC.
  dpc_.routine = [this] {
    if (dpc_routine_) dpc_routine_(ext_, dpc_context_);
  };
}

kernel::InterruptObject& VideoPortModel::connect_interrupt(const std::string& owner, uint8_t vector,
                                                           PVIDEO_HW_INTERRUPT isr, PVOID HwDeviceExtension) {
  isr_ = isr;
  ext_ = HwDeviceExtension;
  // videoprt's own ISR around HwVidInterrupt: with interrupts disabled (the obsolete
  // VideoPortDisableInterrupt) the miniport is not called and the interrupt is not claimed.
  io_ = &k_.connect_interrupt(owner, vector, 0, [this] {
    if (!interrupts_enabled_) return false;
    const unsigned cpu = cpu_index();
    ++isr_depth_[cpu];
    if (obs_) obs_->isr_begin(cpu);
    const bool claimed = isr_(ext_) != FALSE;
    if (obs_) obs_->isr_end(cpu, claimed);
    --isr_depth_[cpu];
    return claimed;
  });
  return *io_;
}

unsigned VideoPortModel::cpu_index() const {
  const kernel::KernelCpu* c = k_.current_cpu();
  return c ? c->index() : 0;
}

Context VideoPortModel::context() const {
  const kernel::KernelCpu* c = k_.current_cpu();
  if (c && isr_depth_[c->index()]) return Context::kIsr;
  return (c ? synchronized_[c->index()] : synchronized_off_cpu_) ? Context::kSynchronized : Context::kOther;
}

void VideoPortModel::only_outside_isr(const char* function) {
  if (context() != Context::kIsr) return;
  if (obs_) obs_->forbidden_call(cpu_index(), function);
  for (;;) sc_core::wait(halted_);  // KeBugCheckEx: this processor does nothing more
}

BOOLEAN VideoPortModel::VideoPortQueueDpc(PVOID, PMINIPORT_DPC_ROUTINE CallbackRoutine, PVOID Context) {
  // One DPC object per adapter (KeInsertQueueDpc): while it is queued another request
  // returns FALSE and keeps the first one's arguments (learn.microsoft.com: VideoPortQueueDpc).
  // The arguments are stored before the insertion, which may let the DPC run.
  if (dpc_.inserted) {
    k_.insert_queue_dpc(dpc_);  // (for the observers: a request that merged)
    return FALSE;
  }
  dpc_routine_ = CallbackRoutine;
  dpc_context_ = Context;
  return k_.insert_queue_dpc(dpc_) ? TRUE : FALSE;
}

ULONG VideoPortModel::VideoPortReadRegisterUlong(PULONG Register) {
  const auto a = reinterpret_cast<uint64_t>(Register);
  const ULONG v = regs_.READ_REGISTER_ULONG(a);
  if (obs_) obs_->register_access(cpu_index(), context(), false, a, v);
  return v;
}

void VideoPortModel::VideoPortWriteRegisterUlong(PULONG Register, ULONG Value) {
  const auto a = reinterpret_cast<uint64_t>(Register);
  if (obs_) obs_->register_access(cpu_index(), context(), true, a, Value);
  regs_.WRITE_REGISTER_ULONG(a, Value);
}

void VideoPortModel::VideoPortStallExecution(ULONG Microseconds) {
  if (obs_) obs_->stall(cpu_index(), context(), Microseconds);
  k_.cost(static_cast<uint64_t>(Microseconds * cpu_ghz_ * 1000));  // KeStallExecutionProcessor spins
}

void VideoPortModel::VideoPortLogError(PVOID, PVIDEO_REQUEST_PACKET, VP_STATUS, ULONG) {
  ++errors_logged_;
}

void VideoPortModel::VideoPortZeroMemory(PVOID Destination, ULONG Length) {
  if (Destination) std::memset(Destination, 0, Length);
}

void VideoPortModel::VideoPortZeroDeviceMemory(PVOID, ULONG) {}  // frame buffer: not modelled

VP_STATUS VideoPortModel::VideoPortEnableInterrupt(PVOID) {
  interrupts_enabled_ = true;
  return NO_ERROR;
}

VP_STATUS VideoPortModel::VideoPortDisableInterrupt(PVOID) {
  interrupts_enabled_ = false;
  return NO_ERROR;
}

// Low: DISPATCH_LEVEL (only an ISR can preempt). Medium and High: under HwVidInterrupt's
// spin lock at its DIRQL (learn.microsoft.com: VideoPortSynchronizeExecution).
BOOLEAN VideoPortModel::VideoPortSynchronizeExecution(PVOID, VIDEO_SYNCHRONIZE_PRIORITY Priority,
                                                      PMINIPORT_SYNCHRONIZE_ROUTINE SynchronizeRoutine,
                                                      PVOID Context) {
  only_outside_isr("VideoPortSynchronizeExecution");
  kernel::KernelCpu* c = k_.current_cpu();
  if (Priority == VpLowPriority || !io_) {
    return SynchronizeRoutine(Context);
  }
  int& depth = c ? synchronized_[c->index()] : synchronized_off_cpu_;  // PnP-time code runs off the CPUs
  auto routine = [&] {
    ++depth;
    const bool r = SynchronizeRoutine(Context) != FALSE;
    --depth;
    return r;
  };
  return (c ? c->synchronize(*io_, routine) : k_.synchronize_off_cpu(*io_, routine)) ? TRUE : FALSE;
}

PVOID VideoPortModel::VideoPortAllocatePool(PVOID, int, size_t NumberOfBytes, ULONG) {
  only_outside_isr("VideoPortAllocatePool");
  return ::operator new(NumberOfBytes, std::nothrow);
}

void VideoPortModel::VideoPortFreePool(PVOID, PVOID Ptr) {
  only_outside_isr("VideoPortFreePool");
  ::operator delete(Ptr);
}

void VideoPortModel::annotate_shared_access(const char* what) {
  if (obs_) obs_->shared_access(cpu_index(), context(), what);
}

}  // namespace irqlab::videoport
