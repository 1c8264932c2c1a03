// The display miniport driver's interrupt path, written as a WDDM KMD would be: it sees
// the GPU only through register access (MiniportEnvironment) and the kernel only through
// DXGKRNL_INTERFACE. Every code path is annotated with its CPU-cycle cost.
//
// Interrupt plan: every source is routed to MSI-X message 0, which is also
// DXGK_DRIVERCAPS.InterruptMessageNumber, so DxgkCbNotifyInterrupt is only ever called
// from that message's ISR, never reentrantly.
#pragma once

#include <array>
#include <cstdint>
#include <set>
#include <string>

#include "irq_ctrl_regs.hpp"
#include "miniport_env.hpp"
#include "wddm_ddi.hpp"

namespace irqlab::kmd {

using namespace irqlab::wddm;

/// Deliberate defects, one per rule the verifier enforces (tests prove each is caught).
enum class DriverFault {
  kNone,
  kCallsSynchronizeFromIsr,  ///< ISR calls a callback other than QueueDpc/NotifyInterrupt
  kNotifyFromWrongMessage,   ///< NotifyInterrupt from a message other than InterruptMessageNumber
  kNotifyReentrant,          ///< NotifyInterrupt from a nested higher-IRQL ISR of the adapter
  kCrtcBeforeDma,            ///< CRTC reported before DMA in one ISR
  kNoQueueDpc,               ///< NotifyInterrupt not followed by QueueDpc
  kDpcSkipsNotifyDpc,        ///< the DPC does not call NotifyDpc
  kNoDismiss,                ///< returns TRUE without the W1C
  kReportUnsubmittedFence,   ///< reports a fence that was never submitted
  kReportFenceTwice,         ///< reports a completed fence again
  kDropFences,               ///< stops reporting after a while: fences never reported
  kClaimsForeignInterrupts,  ///< line-based: returns TRUE for interrupts that are not its device's
  kIsrHang,                  ///< the 50th ISR never returns (the watchdog must name it)
  kDpcHang,                  ///< the 50th DPC never returns
  kNoMaskOnStop,             ///< StopDevice leaves the vector unmasked and the sources enabled
  kNotifyFromDpc,            ///< the 10th DPC calls DxgkCbNotifyInterrupt
  kNotifyDpcAtPassive,       ///< ControlInterrupt (PASSIVE_LEVEL) calls DxgkCbNotifyDpc
  kDropVsyncs,               ///< from the 20th ISR on, vsyncs are dismissed but not reported
  kNoFlush,                  ///< returns without reading back its W1C (the write may still be posted)
  kDismissLastNoFlush,       ///< writes the W1C as its last act and returns at once (still on the link)
  kReportsDmaFaulted,   ///< reports engine faults as DXGK_INTERRUPT_DMA_FAULTED (reserved for system use)
  kResetFails,          ///< DxgkDdiResetEngine never writes RESET and gives up
  kPreemptWrongFence,   ///< reports DMA_PREEMPTED with PreemptionFenceId + 1
  kTrustsAllOnes,       ///< takes an all-ones read (a failed request) as the register's value
  kDismissAllWhenIdle,  ///< finding nothing pending, W1Cs every enabled source "to be safe"
};

/// CPU-cycle costs of the driver's code paths.
struct DriverCosts {
  uint64_t isr_prologue = 250;
  uint64_t isr_per_source = 120;
  uint64_t isr_epilogue = 150;
  uint64_t dpc_body = 600;       ///< the DPC's fixed part
  uint64_t dpc_per_fence = 300;  ///< per fence report (completed, preempted, faulted) it handles
  uint64_t dpc_per_vsync = 400;  ///< per vsync it handles
};

/// What StartDevice receives from the PnP manager (CM_RESOURCE_LIST, simplified).
struct StartInfo {
  uint64_t bar0 = 0;        ///< BAR0 physical address
  uint32_t msix_table = 0;  ///< MSI-X table offset in BAR0 (from the capability)
  /// APIC address/data the OS assigned to messages 0 and 1 (only a faulty variant uses 1).
  std::array<uint64_t, 2> message_address{};
  std::array<uint32_t, 2> message_data{};
  uint32_t num_nodes = 4;
  uint32_t num_heads = 2;
  uint32_t moderation_cycles = 0;  ///< VEC_MOD of message 0 (0: every event interrupts)
  bool line_based = false;         ///< INTx (shared line) rather than message-signaled
  bool front_end = false;          ///< BAR0 has the GPU front end (doorbells, engine reset)
};

class DisplayMiniport {
 public:
  DisplayMiniport(MiniportEnvironment& env, const DriverCosts& costs, DriverFault fault = DriverFault::kNone);

  NTSTATUS DxgkDdiAddDevice();
  NTSTATUS DxgkDdiStartDevice(const StartInfo& info, const DXGKRNL_INTERFACE& dxgkrnl,
                              ULONG* NumberOfVideoPresentSources);
  NTSTATUS DxgkDdiQueryAdapterInfo(const DXGKARG_QUERYADAPTERINFO* pQueryAdapterInfo);
  BOOLEAN DxgkDdiInterruptRoutine(ULONG MessageNumber);
  void DxgkDdiDpcRoutine();
  /// `hAdapter`: the MiniportDeviceContext (this object). STATUS_NOT_IMPLEMENTED for types
  /// it cannot control (the DxgkDdiControlInterrupt page).
  NTSTATUS DxgkDdiControlInterrupt(HANDLE hAdapter, DXGK_INTERRUPT_TYPE InterruptType,
                                   BOOLEAN EnableInterrupt);
  NTSTATUS DxgkDdiStopDevice();
  /// Rings the node's doorbell with the descriptor's address (needs the front end).
  NTSTATUS DxgkDdiSubmitCommand(const DXGKARG_SUBMITCOMMAND* pSubmitCommand);
  /// PASSIVE_LEVEL: resets the node's engine and returns once its queue is empty and it
  /// can take new buffers (the DxgkDdiResetEngine page).
  NTSTATUS DxgkDdiResetEngine(HANDLE hAdapter, DXGKARG_RESETENGINE* pResetEngine);
  /// DISPATCH_LEVEL: asks the node's engine to stop at its next buffer boundary.
  NTSTATUS DxgkDdiPreemptCommand(HANDLE hAdapter, const DXGKARG_PREEMPTCOMMAND* pPreemptCommand);

  static constexpr ULONG kNotifyMessage = 0;  ///< InterruptMessageNumber

 private:
  uint32_t raw_rd(uint32_t off) { return env_.READ_REGISTER_ULONG(info_.bar0 + off); }
  uint32_t rd(uint32_t off);
  void wr(uint32_t off, uint32_t v) { env_.WRITE_REGISTER_ULONG(info_.bar0 + off, v); }
  void notify(const DXGKARGCB_NOTIFY_INTERRUPT_DATA& d);
  bool vsync_on_message1() const {
    return fault_ == DriverFault::kNotifyFromWrongMessage || fault_ == DriverFault::kNotifyReentrant;
  }
  void report_dma(uint32_t pending);
  /// The node's completed (faulted) fence as the ISR read it from the device.
  void report_completed(unsigned node, uint32_t fence);
  void report_preempted(unsigned node);
  void report_fault(unsigned node, uint32_t fence);
  void report_crtc(uint32_t pending);

  MiniportEnvironment& env_;
  DriverCosts costs_;
  DriverFault fault_;
  StartInfo info_;
  uint32_t msix_table_ = 0;  ///< MSI-X table offset in BAR0, found through the capability list
  uint32_t config_dword(uint32_t offset);
  NTSTATUS find_msix_table();
  DXGKRNL_INTERFACE cb_{};
  bool started_ = false;
  uint32_t enabled_sources_ = 0;
  std::array<uint32_t, regs::irq_ctrl::kNumNodesMax> last_completed_{};  ///< per node: last reported
  std::array<uint32_t, regs::irq_ctrl::kNumNodesMax> last_preempted_{};
  std::array<uint32_t, regs::irq_ctrl::kNumNodesMax> last_faulted_{};
  uint64_t isr_count_ = 0;
  bool device_lost_ = false;  ///< ID read back as all ones: the device no longer answers
  uint64_t dpc_count_ = 0;
  /// Work the ISRs handed to the DPC; shared with the ISR, so touched only under
  /// DxgkCbSynchronizeExecution (or in the ISR itself).
  struct DpcWork {
    uint64_t fences = 0, vsyncs = 0;
  } work_;
  static BOOLEAN take_work(PVOID context);
  static BOOLEAN stop_routine(PVOID context);
};

}  // namespace irqlab::kmd
