#include "gpup_miniport.hpp"

namespace irqlab::kmd {

namespace regs = irqlab::regs::irq_ctrl;
namespace x = regs::msix;

GpupMiniport::GpupMiniport(MiniportEnvironment& env, const GpupCosts& costs, GpupFault fault)
    : env_(env), costs_(costs), fault_(fault) {}

NTSTATUS GpupMiniport::Start(const GpupInfo& info) {
  if (info.vf_count == 0 || info.table_entries == 0 || info.vf_window_bytes == 0)
    return STATUS_INVALID_PARAMETER;
  info_ = info;
  started_ = true;
  return STATUS_SUCCESS;
}

// Masked values: Vector Control first, so the entry never sends with a half-written
// address. Unmasked: address and data first, unmask last.
NTSTATUS GpupMiniport::DxgkDdiWriteVirtualizedInterrupt(HANDLE hAdapter,
                                                        const DXGKARG_GPUP_WRITE_VIRTUALIZED_MSIX* a) {
  env_.cost(costs_.ddi_entry);
  if (hAdapter != adapter() || !a || !valid_vf(a->vfIndex) || a->InterruptTableIndex < 0 ||
      static_cast<uint32_t>(a->InterruptTableIndex) >= info_.table_entries) {
    return STATUS_INVALID_PARAMETER;
  }
  const uint32_t e = info_.table_offset + static_cast<uint32_t>(a->InterruptTableIndex) * x::kEntryBytes;
  const DXGK_INTERRUPT_TABLE_ENTRY& v = a->WriteValue;
  const bool masked = x::VECTOR_CTRL::MASK.get(v.VectorControl) != 0;
  if (masked) wr(a->vfIndex, e + x::VECTOR_CTRL::kOffset, v.VectorControl);
  wr(a->vfIndex, e + x::MSG_ADDR_LO::kOffset, static_cast<uint32_t>(v.MessageAddress));
  wr(a->vfIndex, e + x::MSG_ADDR_HI::kOffset, static_cast<uint32_t>(v.MessageAddress >> 32));
  wr(a->vfIndex, e + x::MSG_DATA::kOffset, v.MessageData);
  if (!masked) wr(a->vfIndex, e + x::VECTOR_CTRL::kOffset, v.VectorControl);
  return STATUS_SUCCESS;
}

NTSTATUS GpupMiniport::PauseVf(UINT vf) {
  if (!valid_vf(vf)) return STATUS_INVALID_PARAMETER;
  wr(vf, regs::MIG_CTRL::kOffset, regs::MIG_CTRL::PAUSE.put(1));
  // The read also flushes every earlier posted write to the VF (PCIe ordering).
  for (;;) {
    ++polls_;
    env_.cost(costs_.quiesce_poll);
    if (regs::MIG_CTRL::QUIESCED.get(rd(vf, regs::MIG_CTRL::kOffset))) return STATUS_SUCCESS;
  }
}

NTSTATUS GpupMiniport::SaveVf(UINT vf, VfSavedState* s) {
  if (!valid_vf(vf) || !s) return STATUS_INVALID_PARAMETER;
  *s = VfSavedState{};
  s->status = rd(vf, regs::INTR_STATUS::kOffset);
  s->enable = rd(vf, regs::INTR_ENABLE::kOffset);
  s->master = rd(vf, regs::INTR_MASTER::kOffset);
  for (unsigned i = 0; i < s->route.size(); ++i) s->route[i] = rd(vf, regs::ROUTE::offset(i));
  for (unsigned v = 0; v < info_.table_entries; ++v)
    s->moderation.push_back(rd(vf, regs::VEC_MOD::offset(v)));
  for (unsigned n = 0; n < info_.num_nodes; ++n) {
    s->completed_fence.push_back(rd(vf, regs::NODE_COMPLETED_FENCE::offset(n)));
    s->preempted_fence.push_back(rd(vf, regs::NODE_PREEMPTED_FENCE::offset(n)));
    s->faulted_fence.push_back(rd(vf, regs::NODE_FAULTED_FENCE::offset(n)));
  }
  for (unsigned h = 0; h < info_.num_heads; ++h)
    s->vsync_count.push_back(rd(vf, regs::HEAD_VSYNC_COUNT::offset(h)));
  s->pf_fence = rd(vf, regs::PF_FENCE::kOffset);
  s->pf_node = rd(vf, regs::PF_NODE::kOffset);
  s->pf_va_lo = rd(vf, regs::PF_VA_LO::kOffset);
  s->pf_va_hi = rd(vf, regs::PF_VA_HI::kOffset);
  for (unsigned w = 0; w < (info_.table_entries + 31) / 32; ++w) {
    s->pending.push_back(rd(vf, x::kPbaOffset + 4 * w));
  }
  return STATUS_SUCCESS;
}

// Order matters: routing, enables and master before the status restore, so restored bits
// count as already signalled (MIG_STATUS_SET) instead of interrupting again.
NTSTATUS GpupMiniport::RestoreVf(UINT vf, const VfSavedState& s) {
  if (!valid_vf(vf)) return STATUS_INVALID_PARAMETER;
  if (!regs::MIG_CTRL::PAUSE.get(rd(vf, regs::MIG_CTRL::kOffset))) return STATUS_UNSUCCESSFUL;
  for (unsigned i = 0; i < s.route.size(); ++i) wr(vf, regs::ROUTE::offset(i), s.route[i]);
  for (unsigned v = 0; v < s.moderation.size(); ++v) wr(vf, regs::VEC_MOD::offset(v), s.moderation[v]);
  wr(vf, regs::INTR_ENABLE::kOffset, s.enable);
  wr(vf, regs::INTR_MASTER::kOffset, s.master);
  wr(vf, regs::MIG_STATUS_SET::kOffset, s.status);
  for (unsigned n = 0; n < s.completed_fence.size(); ++n) {
    wr(vf, regs::NODE_COMPLETED_FENCE::offset(n), s.completed_fence[n]);
    wr(vf, regs::NODE_PREEMPTED_FENCE::offset(n), s.preempted_fence[n]);
    wr(vf, regs::NODE_FAULTED_FENCE::offset(n), s.faulted_fence[n]);
  }
  for (unsigned h = 0; h < s.vsync_count.size(); ++h)
    wr(vf, regs::HEAD_VSYNC_COUNT::offset(h), s.vsync_count[h]);
  wr(vf, regs::PF_FENCE::kOffset, s.pf_fence);
  wr(vf, regs::PF_NODE::kOffset, s.pf_node);
  wr(vf, regs::PF_VA_LO::kOffset, s.pf_va_lo);
  wr(vf, regs::PF_VA_HI::kOffset, s.pf_va_hi);
  for (unsigned w = 0; w < s.pending.size() && fault_ != GpupFault::kSkipPendingRestore; ++w) {
    if (s.pending[w]) wr(vf, regs::MIG_PBA_SET::offset(w), s.pending[w]);
  }
  return STATUS_SUCCESS;
}

NTSTATUS GpupMiniport::ResumeVf(UINT vf) {
  if (!valid_vf(vf)) return STATUS_INVALID_PARAMETER;
  wr(vf, regs::MIG_CTRL::kOffset, 0);
  return STATUS_SUCCESS;
}

NTSTATUS GpupMiniport::ResetVf(UINT vf) {
  if (!valid_vf(vf)) return STATUS_INVALID_PARAMETER;
  wr(vf, regs::INTR_MASTER::kOffset, 0);
  wr(vf, regs::INTR_ENABLE::kOffset, 0);
  for (unsigned v = 0; v < info_.table_entries; ++v) {
    wr(vf, info_.table_offset + v * x::kEntryBytes + x::VECTOR_CTRL::kOffset, x::VECTOR_CTRL::MASK.put(1));
  }
  wr(vf, regs::INTR_STATUS::kOffset, rd(vf, regs::INTR_STATUS::kOffset));
  return STATUS_SUCCESS;
}

}  // namespace irqlab::kmd
