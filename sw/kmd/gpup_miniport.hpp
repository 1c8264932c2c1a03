// The host KMD's GPU-P part: it owns the physical function's VF management aperture
// (every VF's registers, reached with privileged accesses) and implements
// DxgkDdiWriteVirtualizedInterrupt plus the pause/save/restore/resume steps of live
// migration. Like DisplayMiniport it sees the GPU only through MiniportEnvironment.
//
// The save/restore entry points stand for the vendor's part of WDDM's GPU-P live
// migration; the seed documents specify only DxgkDdiWriteVirtualizedInterrupt, so their
// names are ours. The MSI-X table is never read back: the guest-form table migrates with
// dxgkrnl's state and is rewritten through DxgkDdiWriteVirtualizedInterrupt.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "display_miniport.hpp"
#include "irq_ctrl_regs.hpp"
#include "miniport_env.hpp"
#include "wddm_ddi.hpp"

namespace irqlab::kmd {

/// What the PF's StartDevice learns about its VFs (the SR-IOV capability, simplified).
struct GpupInfo {
  uint64_t aperture = 0;         ///< PF BAR0: VF n's registers at aperture + n * vf_window_bytes
  uint32_t vf_count = 0;         ///< NumVFs
  uint32_t vf_window_bytes = 0;  ///< one VF's register window (its BAR size)
  uint32_t table_offset = 0;     ///< MSI-X table offset inside a VF window
  uint32_t table_entries = 0;    ///< MSI-X Table Size of a VF
  uint32_t num_nodes = 1;        ///< engine contexts per VF
  uint32_t num_heads = 1;
};

/// A VF's interrupt state as the KMD saves it (everything but the MSI-X table).
struct VfSavedState {
  uint32_t status = 0, enable = 0, master = 0;
  std::array<uint32_t, regs::irq_ctrl::sources::kWidth> route{};
  std::vector<uint32_t> moderation;  ///< VEC_MOD per table entry
  std::vector<uint32_t> completed_fence, preempted_fence, faulted_fence, vsync_count;
  uint32_t pf_fence = 0, pf_node = 0, pf_va_lo = 0, pf_va_hi = 0;
  std::vector<uint32_t> pending;  ///< PBA, 32 vectors per word
};

/// CPU-cycle costs of the GPU-P paths.
struct GpupCosts {
  uint64_t ddi_entry = 250;     ///< DxgkDdiWriteVirtualizedInterrupt's own code
  uint64_t quiesce_poll = 120;  ///< one iteration of the QUIESCED poll loop
};

/// A deliberate defect, so a test can prove the migration checks notice a lost message.
enum class GpupFault {
  kNone,
  kSkipPendingRestore,  ///< RestoreVf forgets MIG_PBA_SET: messages pending at pause are lost
};

class GpupMiniport {
 public:
  GpupMiniport(MiniportEnvironment& env, const GpupCosts& costs, GpupFault fault = GpupFault::kNone);

  NTSTATUS Start(const GpupInfo& info);
  /// The adapter handle dxgkrnl passes back in every DDI.
  HANDLE adapter() { return this; }

  /// PASSIVE_LEVEL. Writes WriteValue into entry InterruptTableIndex of VF vfIndex's MSI-X
  /// table. STATUS_INVALID_PARAMETER, with nothing written, for a foreign adapter handle,
  /// a null pArgs, a vfIndex past NumVFs or an entry index outside the VF's table.
  NTSTATUS DxgkDdiWriteVirtualizedInterrupt(HANDLE hAdapter,
                                            const DXGKARG_GPUP_WRITE_VIRTUALIZED_MSIX* pArgs);

  /// Stop the VF's messages (they collect in its PBA) and wait until none is in flight.
  NTSTATUS PauseVf(UINT vf);
  NTSTATUS SaveVf(UINT vf, VfSavedState* out);
  /// On a paused VF: enables, routing, moderation, status, capture registers, pending bits.
  NTSTATUS RestoreVf(UINT vf, const VfSavedState& s);
  NTSTATUS ResumeVf(UINT vf);
  /// Return a migrated-away VF to its reset state (paused, masked, nothing pending).
  NTSTATUS ResetVf(UINT vf);

  uint64_t quiesce_polls() const { return polls_; }

 private:
  bool valid_vf(UINT vf) const { return started_ && vf < info_.vf_count; }
  uint64_t base(UINT vf) const { return info_.aperture + uint64_t{vf} * info_.vf_window_bytes; }
  uint32_t rd(UINT vf, uint32_t off) { return env_.READ_REGISTER_ULONG(base(vf) + off); }
  void wr(UINT vf, uint32_t off, uint32_t v) { env_.WRITE_REGISTER_ULONG(base(vf) + off, v); }

  MiniportEnvironment& env_;
  GpupCosts costs_;
  GpupFault fault_;
  GpupInfo info_;
  bool started_ = false;
  uint64_t polls_ = 0;
};

}  // namespace irqlab::kmd
