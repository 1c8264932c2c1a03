#include "xpdm_miniport.hpp"

#include "irq_ctrl_regs.hpp"

namespace irqlab::xpdm {

namespace regs = irqlab::regs::irq_ctrl;
namespace src = irqlab::regs::irq_ctrl::sources;

XpdmMiniport::XpdmMiniport(VideoPort& vp, wddm::GpuSubmission& gpu, const XpdmCosts& costs, XpdmFault fault)
    : vp_(vp), gpu_(gpu), costs_(costs), fault_(fault) {}

ULONG XpdmMiniport::rd(uint32_t offset) {
  return vp_.VideoPortReadRegisterUlong(
      reinterpret_cast<PULONG>(static_cast<char*>(ext_.registers) + offset));
}

void XpdmMiniport::wr(uint32_t offset, ULONG value) {
  vp_.VideoPortWriteRegisterUlong(reinterpret_cast<PULONG>(static_cast<char*>(ext_.registers) + offset),
                                  value);
}

VP_STATUS XpdmMiniport::HwVidInitialize(uint64_t bar0_physical, uint32_t num_nodes, uint32_t num_heads) {
  if (num_nodes > 8 || num_heads > 4) return ERROR_INVALID_PARAMETER;
  ext_.registers = reinterpret_cast<PVOID>(bar0_physical);  // VideoPortGetDeviceBase's mapping
  ext_.num_nodes = num_nodes;
  ext_.num_heads = num_heads;
  uint32_t enabled = 0;
  for (unsigned n = 0; n < num_nodes; ++n) enabled |= src::DMA_COMPLETED.bit(n);
  for (unsigned h = 0; h < num_heads; ++h) enabled |= src::CRTC_VSYNC.bit(h);
  ext_.enabled = enabled;
  wr(regs::INTR_ENABLE::kOffset, enabled);
  wr(regs::INTR_MASTER::kOffset, regs::INTR_MASTER::ENABLE.put(1));
  return NO_ERROR;
}

void XpdmMiniport::submit(uint32_t node, uint32_t fence, uint64_t duration_ps, uint32_t result_bytes) {
  gpu_.submit(node, fence, duration_ps, result_bytes, wddm::GpuSubmission::Outcome::kComplete);
}

void XpdmMiniport::stop() {
  wr(regs::INTR_ENABLE::kOffset, 0);
  wr(regs::INTR_MASTER::kOffset, 0);
  wr(regs::INTR_STATUS::kOffset, rd(regs::INTR_STATUS::kOffset));
  vp_.VideoPortDisableInterrupt(this);
}

BOOLEAN XpdmMiniport::HwVidInterrupt(PVOID HwDeviceExtension) {
  return static_cast<XpdmMiniport*>(HwDeviceExtension)->interrupt();
}

void XpdmMiniport::HwVidDpc(PVOID HwDeviceExtension, PVOID) {
  static_cast<XpdmMiniport*>(HwDeviceExtension)->dpc();
}

// Seed 004: not ours -> FALSE at once (the line's other ISR is called next); ours ->
// dismiss on the adapter, complete what caused it, return quickly.
BOOLEAN XpdmMiniport::interrupt() {
  vp_.annotate_cost(costs_.isr_prologue);
  ++ext_.isr_count;
  if (fault_ == XpdmFault::kSlowDecline) {
    for (uint32_t off : {regs::ID::kOffset, regs::INTR_ENABLE::kOffset, regs::INTR_MASTER::kOffset,
                         regs::INTR_STATUS::kOffset, regs::ROUTE::offset(0)})
      rd(off);
  }
  const uint32_t pending = rd(regs::INTR_PENDING::kOffset);
  if (pending == 0 || (pending >> src::kWidth) != 0)  // nothing, or a failed read's all ones
    return fault_ == XpdmFault::kClaimsForeign ? TRUE : FALSE;
  if (fault_ != XpdmFault::kNoDismiss || ext_.isr_count % 4 != 2) wr(regs::INTR_STATUS::kOffset, pending);
  if (fault_ == XpdmFault::kShortStall) vp_.VideoPortStallExecution(10);
  if (fault_ == XpdmFault::kLongStall) vp_.VideoPortStallExecution(60);
  if (fault_ == XpdmFault::kIsrCallsSynchronize && ext_.isr_count == 3)
    vp_.VideoPortSynchronizeExecution(this, VpHighPriority, &XpdmMiniport::take_captured, this);
  capture(pending);
  // The W1C is posted: a read after it cannot pass it, so it has reached the adapter when
  // the ISR returns (the fence reads do this when a node completed).
  if ((pending & src::CRTC_VSYNC.mask()) == pending) rd(regs::INTR_STATUS::kOffset);
  vp_.VideoPortQueueDpc(this, &XpdmMiniport::HwVidDpc, nullptr);
  vp_.annotate_cost(costs_.isr_epilogue);
  return TRUE;
}

// Completed fences and vsyncs into the extension, for the DPC (HwVidInterrupt's part of
// "complete the requested operation").
void XpdmMiniport::capture(uint32_t pending) {
  vp_.annotate_shared_access("captured");
  for (unsigned n = 0; n < ext_.num_nodes; ++n) {
    if (!(pending & src::DMA_COMPLETED.bit(n))) continue;
    vp_.annotate_cost(costs_.isr_per_source);
    ext_.captured.fence[n] = rd(regs::NODE_COMPLETED_FENCE::offset(n));
    ext_.captured.nodes |= 1u << n;
  }
  for (unsigned h = 0; h < ext_.num_heads; ++h) {
    if (pending & src::CRTC_VSYNC.bit(h)) ++ext_.captured.vsyncs[h];
  }
}

// Runs at the ISR's DIRQL under its spin lock: moves the captured work to the DPC's copy.
BOOLEAN XpdmMiniport::take_captured(PVOID context) {
  auto* m = static_cast<XpdmMiniport*>(context);
  m->vp_.annotate_shared_access("captured");
  m->taken_ = m->ext_.captured;
  m->ext_.captured = {};
  return TRUE;
}

void XpdmMiniport::dpc() {
  vp_.annotate_cost(costs_.dpc_body);
  if (fault_ == XpdmFault::kUnsynchronizedDpc)
    take_captured(this);  // races HwVidInterrupt on another CPU or preempting this one
  else
    vp_.VideoPortSynchronizeExecution(this, VpHighPriority, &XpdmMiniport::take_captured, this);
  unsigned fences = 0, vsyncs = 0;
  for (unsigned n = 0; n < 8; ++n) fences += (taken_.nodes >> n) & 1;
  for (uint32_t v : taken_.vsyncs) vsyncs += v ? 1 : 0;
  vp_.annotate_cost(costs_.dpc_per_fence * fences + costs_.dpc_per_vsync * vsyncs);
  if (sink_ && (taken_.nodes || vsyncs)) sink_(taken_);
}

}  // namespace irqlab::xpdm
