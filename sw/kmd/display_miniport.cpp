#include "display_miniport.hpp"

#include <utility>

namespace irqlab::kmd {

namespace regs = irqlab::regs::irq_ctrl;
namespace src = regs::sources;

DisplayMiniport::DisplayMiniport(MiniportEnvironment& env, const DriverCosts& costs, DriverFault fault)
    : env_(env), costs_(costs), fault_(fault) {}

// A read that fails (Completion Timeout, Unsupported Request) returns all ones to the CPU
// (PCIe Base spec 2.8; the root complex's answer on x86), which is also a value some
// registers can hold. ID is a constant that is never all ones: if it reads back right the
// device answers and the register is read again; if not, the device is gone.
uint32_t DisplayMiniport::rd(uint32_t off) {
  const uint32_t v = raw_rd(off);
  if (v != 0xFFFFFFFFu || fault_ == DriverFault::kTrustsAllOnes) return v;
  if (raw_rd(regs::ID::kOffset) != regs::ID::VALUE.get(regs::ID::kReset)) {
    device_lost_ = true;
    return v;
  }
  return raw_rd(off);
}

NTSTATUS DisplayMiniport::DxgkDdiAddDevice() {
  return STATUS_SUCCESS;
}

uint32_t DisplayMiniport::config_dword(uint32_t offset) {
  uint32_t v = 0xFFFFFFFFu;
  ULONG read = 0;
  cb_.DxgkCbReadDeviceSpace(cb_.DeviceHandle, DXGK_WHICHSPACE_CONFIG, &v, offset, 4, &read);
  return v;
}

// Walk the capability list to the MSI-X capability; the table's BAR offset is in it.
NTSTATUS DisplayMiniport::find_msix_table() {
  namespace cfg = regs::pcie_cfg;
  const uint32_t msix_id = cfg::MSIX_CAP_HEADER::CAP_ID.get(cfg::MSIX_CAP_HEADER::kReset);
  const uint32_t ptr_byte = cfg::CAPABILITIES_POINTER::kOffset;
  uint32_t ptr = cfg::CAPABILITIES_POINTER::PTR.get(config_dword(ptr_byte & ~3u) >> (8 * (ptr_byte & 3u)));
  for (unsigned hops = 0; ptr != 0 && hops < 48; ++hops) {
    const uint32_t hdr = config_dword(ptr & ~3u);
    if (cfg::MSIX_CAP_HEADER::CAP_ID.get(hdr) == msix_id) {
      const uint32_t t = config_dword(ptr + cfg::MSIX_TABLE_OFFSET_BIR::kOffset);
      if (cfg::MSIX_TABLE_OFFSET_BIR::BIR.get(t) != 0) return STATUS_NOT_SUPPORTED;  // BAR0 only
      msix_table_ = cfg::MSIX_TABLE_OFFSET_BIR::OFFSET.get(t) << 3;
      return STATUS_SUCCESS;
    }
    ptr = cfg::MSIX_CAP_HEADER::NEXT.get(hdr);
  }
  return STATUS_NOT_SUPPORTED;
}

// Program message 0 with the APIC address/data the OS assigned, route every source to it,
// unmask, enable DMA sources and the master. Vsync stays off until ControlInterrupt.
NTSTATUS DisplayMiniport::DxgkDdiStartDevice(const StartInfo& info, const DXGKRNL_INTERFACE& dxgkrnl,
                                             ULONG* NumberOfVideoPresentSources) {
  namespace x = regs::msix;
  info_ = info;
  cb_ = dxgkrnl;
  if (const NTSTATUS st = find_msix_table(); !NT_SUCCESS(st)) return st;
  const unsigned messages = vsync_on_message1() ? 2 : 1;
  for (unsigned m = 0; m < messages; ++m) {
    const uint32_t e = msix_table_ + m * x::kEntryBytes;
    wr(e + x::MSG_ADDR_LO::kOffset, static_cast<uint32_t>(info.message_address[m]));
    wr(e + x::MSG_ADDR_HI::kOffset, static_cast<uint32_t>(info.message_address[m] >> 32));
    wr(e + x::MSG_DATA::kOffset, info.message_data[m]);
  }
  for (unsigned s = 0; s < src::kWidth; ++s) {
    const bool vsync = s >= src::CRTC_VSYNC.lsb && s < src::CRTC_VSYNC.lsb + src::CRTC_VSYNC.width;
    wr(regs::ROUTE::offset(s), vsync && vsync_on_message1() ? 1 : kNotifyMessage);
  }
  wr(regs::VEC_MOD::offset(kNotifyMessage), regs::VEC_MOD::INTERVAL.put(info.moderation_cycles));
  for (unsigned m = 0; m < messages; ++m) wr(msix_table_ + m * x::kEntryBytes + x::VECTOR_CTRL::kOffset, 0);
  uint32_t dma = 0;
  for (unsigned n = 0; n < info.num_nodes; ++n) {
    dma |= src::DMA_COMPLETED.bit(n) | src::DMA_PREEMPTED.bit(n) | src::DMA_FAULTED.bit(n);
  }
  enabled_sources_ = dma | src::PAGE_FAULT.bit(0);
  wr(regs::INTR_ENABLE::kOffset, enabled_sources_);
  wr(regs::INTR_MASTER::kOffset, regs::INTR_MASTER::ENABLE.put(1));
  if (NumberOfVideoPresentSources) *NumberOfVideoPresentSources = info.num_heads;
  started_ = true;
  return STATUS_SUCCESS;
}

NTSTATUS DisplayMiniport::DxgkDdiQueryAdapterInfo(const DXGKARG_QUERYADAPTERINFO* q) {
  if (!q || q->Type != DXGKQAITYPE_DRIVERCAPS || q->OutputDataSize < sizeof(DXGK_DRIVERCAPS)) {
    return STATUS_INVALID_PARAMETER;
  }
  auto* caps = static_cast<DXGK_DRIVERCAPS*>(q->pOutputData);
  *caps = {};
  caps->InterruptMessageNumber = kNotifyMessage;
  caps->MaxQueuedFlipOnVSync = 1;
  return STATUS_SUCCESS;
}

NTSTATUS DisplayMiniport::DxgkDdiControlInterrupt(HANDLE hAdapter, DXGK_INTERRUPT_TYPE type, BOOLEAN enable) {
  if (hAdapter != this) return STATUS_INVALID_PARAMETER;
  if (type != DXGK_INTERRUPT_CRTC_VSYNC) return STATUS_NOT_IMPLEMENTED;
  if (fault_ == DriverFault::kNotifyDpcAtPassive) cb_.DxgkCbNotifyDpc(cb_.DeviceHandle);
  uint32_t vsync = 0;
  for (unsigned h = 0; h < info_.num_heads; ++h) vsync |= src::CRTC_VSYNC.bit(h);
  enabled_sources_ = enable ? (enabled_sources_ | vsync) : (enabled_sources_ & ~vsync);
  wr(regs::INTR_ENABLE::kOffset, enabled_sources_);
  return STATUS_SUCCESS;
}

// Mask the vector and all sources, then drain: whatever is pending is cleared.
NTSTATUS DisplayMiniport::DxgkDdiStopDevice() {
  namespace x = regs::msix;
  if (fault_ == DriverFault::kNoMaskOnStop) return STATUS_SUCCESS;
  wr(msix_table_ + kNotifyMessage * x::kEntryBytes + x::VECTOR_CTRL::kOffset, 1);
  wr(regs::INTR_ENABLE::kOffset, 0);
  wr(regs::INTR_MASTER::kOffset, 0);
  wr(regs::INTR_STATUS::kOffset, rd(regs::INTR_STATUS::kOffset));
  // started_ is shared with the ISR: changed under the interrupt's lock at its DIRQL.
  BOOLEAN ignored = FALSE;
  cb_.DxgkCbSynchronizeExecution(cb_.DeviceHandle, &DisplayMiniport::stop_routine, this, kNotifyMessage,
                                 &ignored);
  return STATUS_SUCCESS;
}

void DisplayMiniport::notify(const DXGKARGCB_NOTIFY_INTERRUPT_DATA& d) {
  cb_.DxgkCbNotifyInterrupt(cb_.DeviceHandle, &d);
  if (d.InterruptType == DXGK_INTERRUPT_CRTC_VSYNC)
    ++work_.vsyncs;
  else
    ++work_.fences;
}

// Per node, in fence order: a completion fence completes every earlier fence of the node,
// a page fault's fence ends the faulted buffer, and dxgkrnl takes them as they come, so
// the older of the two goes first (an engine that runs on after a fault can complete a
// later buffer before the ISR runs). A preemption comes last: an engine answers it only
// after both.
void DisplayMiniport::report_dma(uint32_t pending) {
  for (unsigned n = 0; n < info_.num_nodes; ++n) {
    const bool done = pending & src::DMA_COMPLETED.bit(n), faulted = pending & src::DMA_FAULTED.bit(n);
    const uint32_t done_fence = done ? rd(regs::NODE_COMPLETED_FENCE::offset(n)) : 0;
    const uint32_t fault_fence = faulted ? rd(regs::NODE_FAULTED_FENCE::offset(n)) : 0;
    // Fences wrap at 2^32; "older" is by signed distance.
    if (done && faulted && static_cast<int32_t>(fault_fence - done_fence) < 0) {
      report_fault(n, fault_fence);
      report_completed(n, done_fence);
    } else {
      if (done) report_completed(n, done_fence);
      if (faulted) report_fault(n, fault_fence);
    }
    if (pending & src::DMA_PREEMPTED.bit(n)) report_preempted(n);
  }
  if (pending & src::PAGE_FAULT.bit(0)) {
    env_.cost(costs_.isr_per_source);
    DXGKARGCB_NOTIFY_INTERRUPT_DATA d{};
    d.InterruptType = DXGK_INTERRUPT_DMA_PAGE_FAULTED;
    d.DmaPageFaulted.FaultedFenceId = rd(regs::PF_FENCE::kOffset);
    d.DmaPageFaulted.NodeOrdinal = rd(regs::PF_NODE::kOffset);
    d.DmaPageFaulted.FaultedVirtualAddress =
        rd(regs::PF_VA_LO::kOffset) | (uint64_t{rd(regs::PF_VA_HI::kOffset)} << 32);
    notify(d);
  }
}

void DisplayMiniport::report_preempted(unsigned n) {
  env_.cost(costs_.isr_per_source);
  uint32_t fence = rd(regs::NODE_PREEMPTED_FENCE::offset(n));
  if (fence == last_preempted_[n]) return;
  last_preempted_[n] = fence;
  if (fault_ == DriverFault::kPreemptWrongFence) fence += 1;
  DXGKARGCB_NOTIFY_INTERRUPT_DATA d{};
  d.InterruptType = DXGK_INTERRUPT_DMA_PREEMPTED;
  d.DmaPreempted.PreemptionFenceId = fence;
  d.DmaPreempted.LastCompletedFenceId = rd(regs::NODE_COMPLETED_FENCE::offset(n));
  d.DmaPreempted.NodeOrdinal = n;
  last_completed_[n] = d.DmaPreempted.LastCompletedFenceId;
  notify(d);
}

void DisplayMiniport::report_completed(unsigned n, uint32_t fence) {
  env_.cost(costs_.isr_per_source);
  if (fault_ == DriverFault::kReportUnsubmittedFence && isr_count_ == 5) fence += 1000;
  const bool again = fault_ == DriverFault::kReportFenceTwice && isr_count_ >= 6 && last_completed_[n] != 0;
  if (again) fence = last_completed_[n];
  if (fence != last_completed_[n] || again) {  // a later event may already be in this fence
    DXGKARGCB_NOTIFY_INTERRUPT_DATA d{};
    d.InterruptType = DXGK_INTERRUPT_DMA_COMPLETED;
    d.DmaCompleted.SubmissionFenceId = fence;
    d.DmaCompleted.NodeOrdinal = n;
    notify(d);
    last_completed_[n] = fence;
  }
}

// A node's fault is a GPU page fault: DXGK_INTERRUPT_DMA_PAGE_FAULTED with the faulting
// buffer's fence (valid: earlier buffers count as completed). An engine behind the front
// end halts on a fault, so the OS must reset it. The faulting address is not captured per
// node: D3DGPU_NULL.
void DisplayMiniport::report_fault(unsigned n, uint32_t fence) {
  env_.cost(costs_.isr_per_source);
  if (fence == last_faulted_[n]) return;
  last_faulted_[n] = fence;
  DXGKARGCB_NOTIFY_INTERRUPT_DATA d{};
  if (fault_ == DriverFault::kReportsDmaFaulted) {
    d.InterruptType = DXGK_INTERRUPT_DMA_FAULTED;
    d.DmaFaulted.FaultedFenceId = fence;
    d.DmaFaulted.Status = STATUS_UNSUCCESSFUL;
    d.DmaFaulted.NodeOrdinal = n;
  } else {
    d.InterruptType = DXGK_INTERRUPT_DMA_PAGE_FAULTED;
    d.DmaPageFaulted.FaultedFenceId = fence;
    d.DmaPageFaulted.NodeOrdinal = n;
    d.DmaPageFaulted.PageFaultFlags =
        info_.front_end ? DXGK_PAGE_FAULT_ENGINE_RESET_REQUIRED : static_cast<DXGK_PAGE_FAULT_FLAGS>(0);
  }
  notify(d);
}

NTSTATUS DisplayMiniport::DxgkDdiSubmitCommand(const DXGKARG_SUBMITCOMMAND* a) {
  namespace fe = regs::front_end;
  if (!a || !info_.front_end || a->NodeOrdinal >= info_.num_nodes) return STATUS_INVALID_PARAMETER;
  const auto pa = static_cast<uint64_t>(a->DmaBufferPhysicalAddress);
  wr(fe::kBarOffset + fe::DOORBELL_LO::offset(a->NodeOrdinal), static_cast<uint32_t>(pa));
  wr(fe::kBarOffset + fe::DOORBELL_HI::offset(a->NodeOrdinal), static_cast<uint32_t>(pa >> 32));  // rings
  return STATUS_SUCCESS;
}

// The engine stops at its next buffer boundary and answers with DMA_PREEMPTED carrying
// this fence (PREEMPT in the register map). An idle engine answers at once, so the request
// is always written rather than reported from here.
NTSTATUS DisplayMiniport::DxgkDdiPreemptCommand(HANDLE hAdapter, const DXGKARG_PREEMPTCOMMAND* a) {
  namespace fe = regs::front_end;
  if (hAdapter != this || !a || !info_.front_end || a->NodeOrdinal >= info_.num_nodes)
    return STATUS_INVALID_PARAMETER;
  wr(fe::kBarOffset + fe::PREEMPT::offset(a->NodeOrdinal), fe::PREEMPT::FENCE.put(a->PreemptionFenceId));
  return STATUS_SUCCESS;
}

NTSTATUS DisplayMiniport::DxgkDdiResetEngine(HANDLE hAdapter, DXGKARG_RESETENGINE* a) {
  namespace fe = regs::front_end;
  if (hAdapter != this || !a || !info_.front_end || a->NodeOrdinal >= info_.num_nodes)
    return STATUS_INVALID_PARAMETER;
  const unsigned n = a->NodeOrdinal;
  if (fault_ != DriverFault::kResetFails) wr(fe::kBarOffset + fe::RESET::offset(n), fe::RESET::GO.put(1));
  // Return only when the engine is out of its halt and its queue is empty.
  for (int poll = 0; poll < 100; ++poll) {
    const uint32_t st = rd(fe::kBarOffset + fe::STATE::offset(n));
    if (!fe::STATE::HALTED.get(st) && !fe::STATE::QUEUED.get(st)) {
      a->LastAbortedFenceId = rd(regs::NODE_FAULTED_FENCE::offset(n));
      return STATUS_SUCCESS;
    }
    env_.cost(3000);  // about 1 us between polls
  }
  return STATUS_UNSUCCESSFUL;
}

void DisplayMiniport::report_crtc(uint32_t pending) {
  if (fault_ == DriverFault::kDropVsyncs && isr_count_ >= 20) return;
  for (unsigned h = 0; h < info_.num_heads; ++h) {
    if (pending & src::CRTC_VSYNC.bit(h)) {
      env_.cost(costs_.isr_per_source);
      DXGKARGCB_NOTIFY_INTERRUPT_DATA d{};
      d.InterruptType = DXGK_INTERRUPT_CRTC_VSYNC;
      d.CrtcVsync.VidPnTargetId = h;
      notify(d);
    }
  }
}

// Read what is pending, dismiss exactly that (events arriving meanwhile stay latched and
// interrupt again), report DMA-type before CRTC-type, queue the DPC, return TRUE.
BOOLEAN DisplayMiniport::DxgkDdiInterruptRoutine(ULONG MessageNumber) {
  env_.cost(costs_.isr_prologue);
  ++isr_count_;
  if (fault_ == DriverFault::kIsrHang && isr_count_ == 50) {
    for (;;) env_.cost(1'000'000);  // spins forever at DIRQL
  }
  if (!started_) return FALSE;
  const uint32_t pending = rd(regs::INTR_PENDING::kOffset);
  if (device_lost_) return FALSE;  // nothing it reads can be trusted; not claimed
  // Normally every source is message 0's. The faulty variants move vsync to message 1.
  const uint32_t vsync_bits = src::CRTC_VSYNC.mask();
  const uint32_t mine =
      !vsync_on_message1() ? pending : (MessageNumber == 1 ? pending & vsync_bits : pending & ~vsync_bits);
  // Nothing pending. Line-based: not ours, say so at once. A message can only be ours: a
  // late one for events an earlier ISR already dismissed and reported; claim it.
  if (mine == 0) {
    if (fault_ == DriverFault::kClaimsForeignInterrupts) return TRUE;
    if (fault_ == DriverFault::kDismissAllWhenIdle && !info_.line_based)
      wr(regs::INTR_STATUS::kOffset, enabled_sources_);
    return info_.line_based ? FALSE : TRUE;
  }
  const bool dismiss_last = fault_ == DriverFault::kDismissLastNoFlush;
  if ((fault_ != DriverFault::kNoDismiss || isr_count_ % 4 != 2) && !dismiss_last)
    wr(regs::INTR_STATUS::kOffset, mine);
  if (fault_ == DriverFault::kCallsSynchronizeFromIsr && isr_count_ == 2) {
    BOOLEAN ignored = FALSE;
    cb_.DxgkCbSynchronizeExecution(cb_.DeviceHandle, nullptr, nullptr, MessageNumber, &ignored);
  }
  const bool drop = fault_ == DriverFault::kDropFences && isr_count_ > 20;
  if (!drop) {
    if (fault_ == DriverFault::kCrtcBeforeDma && (mine & vsync_bits) && (mine & ~vsync_bits)) {
      report_crtc(mine);
      report_dma(mine);
    } else {
      report_dma(mine);
      report_crtc(mine);
    }
  }
  // The W1C is a posted write: before returning TRUE it must have reached the device. The
  // DMA paths read fence registers after it, which flushes it (a read cannot pass an earlier
  // posted write); a vsync-only ISR reads nothing, so it reads INTR_STATUS back.
  if ((mine & vsync_bits) == mine && fault_ != DriverFault::kNoFlush && !dismiss_last)
    rd(regs::INTR_STATUS::kOffset);
  // Defect (reentrancy): message 0's ISR runs long, so vsync's higher-IRQL ISR nests in it.
  if (fault_ == DriverFault::kNotifyReentrant && MessageNumber == 0) env_.cost(300'000);
  if (fault_ != DriverFault::kNoQueueDpc || isr_count_ != 3) cb_.DxgkCbQueueDpc(cb_.DeviceHandle);
  env_.cost(costs_.isr_epilogue);
  if (dismiss_last) wr(regs::INTR_STATUS::kOffset, mine);
  return TRUE;
}

BOOLEAN DisplayMiniport::stop_routine(PVOID context) {
  static_cast<DisplayMiniport*>(context)->started_ = false;
  return TRUE;
}

// Runs at the ISR's DIRQL under its spin lock: hands the DPC what the ISRs collected.
BOOLEAN DisplayMiniport::take_work(PVOID context) {
  auto* ctx = static_cast<std::pair<DisplayMiniport*, DpcWork*>*>(context);
  *ctx->second = ctx->first->work_;
  ctx->first->work_ = {};
  return TRUE;
}

// The DPC's cost grows with the work the ISRs handed over (fences and vsyncs to process).
void DisplayMiniport::DxgkDdiDpcRoutine() {
  if (fault_ == DriverFault::kDpcHang && ++dpc_count_ == 50) {
    for (;;) env_.cost(1'000'000);  // spins forever at DISPATCH_LEVEL
  }
  if (fault_ == DriverFault::kNotifyFromDpc && ++dpc_count_ == 10) {
    DXGKARGCB_NOTIFY_INTERRUPT_DATA d{};
    d.InterruptType = DXGK_INTERRUPT_CRTC_VSYNC;
    notify(d);
  }
  DpcWork w;
  std::pair<DisplayMiniport*, DpcWork*> ctx{this, &w};
  BOOLEAN ignored = FALSE;
  cb_.DxgkCbSynchronizeExecution(cb_.DeviceHandle, &DisplayMiniport::take_work, &ctx, kNotifyMessage,
                                 &ignored);
  env_.cost(costs_.dpc_body + w.fences * costs_.dpc_per_fence + w.vsyncs * costs_.dpc_per_vsync);
  if (fault_ == DriverFault::kDpcSkipsNotifyDpc && isr_count_ > 5) return;
  cb_.DxgkCbNotifyDpc(cb_.DeviceHandle);
}

}  // namespace irqlab::kmd
