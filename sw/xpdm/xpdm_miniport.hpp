// An XPDM video miniport for the same controller RTL, written as a Windows 2000/XP video
// miniport would be: it sees the device only through VideoPortRead/WriteRegisterUlong and
// the system only through the video port's exports (video_port.hpp). Line-based: the
// adapter's INTA# is shared with another device, so HwVidInterrupt first decides whether
// its adapter interrupted (FALSE at once if not), then dismisses (W1C of INTR_STATUS),
// captures the completed fences and vsyncs for the DPC, queues it and returns TRUE
// (seed 004, PVIDEO_HW_INTERRUPT). The DPC takes the captured work under
// VideoPortSynchronizeExecution (memory it shares with the ISR) and hands it to the display
// driver.
#pragma once

#include <cstdint>
#include <functional>

#include "miniport_env.hpp"
#include "video_port.hpp"

namespace irqlab::xpdm {

using namespace irqlab::videoport;

/// Deliberate defects, one per rule of seed 004 (each trips its check).
enum class XpdmFault {
  kNone,
  kClaimsForeign,        ///< returns TRUE when its adapter has nothing pending
  kNoDismiss,            ///< every 4th ISR returns TRUE without the W1C
  kSlowDecline,          ///< reads five registers before saying FALSE
  kShortStall,           ///< stalls 10 us in the ISR (over the warning limit, under the failure limit)
  kLongStall,            ///< stalls 60 us in the ISR
  kIsrCallsSynchronize,  ///< the 3rd ISR calls VideoPortSynchronizeExecution: a bugcheck
  kUnsynchronizedDpc,    ///< the DPC reads the ISR's captured work without VideoPortSynchronizeExecution
  kDisplayReadsStatus,   ///< the display driver reads INTR_STATUS (a register the ISR owns)
};

/// CPU-cycle costs of the miniport's code paths (the WDDM miniport's defaults).
struct XpdmCosts {
  uint64_t isr_prologue = 250;
  uint64_t isr_per_source = 120;
  uint64_t isr_epilogue = 150;
  uint64_t dpc_body = 600;
  uint64_t dpc_per_fence = 300;
  uint64_t dpc_per_vsync = 400;
};

/// What one DPC hands the display driver.
struct CompletedWork {
  uint32_t fence[8] = {};   ///< per node: last completed fence (valid where `nodes` has the bit)
  uint32_t nodes = 0;       ///< nodes with a completion
  uint32_t vsyncs[4] = {};  ///< per head: vsyncs since the last DPC
};

/// HW_DEVICE_EXTENSION: the miniport's per-adapter storage (VideoPortInitialize sizes it).
struct HW_DEVICE_EXTENSION {
  PVOID registers = nullptr;  ///< BAR0 as VideoPortGetDeviceBase mapped it
  uint32_t num_nodes = 4, num_heads = 2;
  uint32_t enabled = 0;    ///< INTR_ENABLE as written
  CompletedWork captured;  ///< shared with HwVidInterrupt: written there, taken by the DPC
  uint64_t isr_count = 0;
};

class XpdmMiniport {
 public:
  using CompletionSink = std::function<void(const CompletedWork&)>;
  XpdmMiniport(VideoPort& vp, wddm::GpuSubmission& gpu, const XpdmCosts& costs, XpdmFault fault);

  /// HwVidInitialize: enable the sources and the master enable (INTx: MSI-X stays off).
  VP_STATUS HwVidInitialize(uint64_t bar0_physical, uint32_t num_nodes, uint32_t num_heads);
  /// The display driver's submission (IOCTL through HwVidStartIO): the buffer to the engine.
  void submit(uint32_t node, uint32_t fence, uint64_t duration_ps, uint32_t result_bytes);
  /// Where the DPC delivers completions (the display driver).
  void set_completion_sink(CompletionSink s) { sink_ = std::move(s); }
  /// Shutdown: sources and master enable off, interrupts disabled at the port.
  void stop();

  static BOOLEAN HwVidInterrupt(PVOID HwDeviceExtension);
  static void HwVidDpc(PVOID HwDeviceExtension, PVOID Context);
  /// The HwDeviceExtension the video port passes back to HwVidInterrupt and the DPC: this
  /// object (its HW_DEVICE_EXTENSION is a member).
  PVOID extension() { return this; }
  XpdmFault fault() const { return fault_; }

 private:
  ULONG rd(uint32_t offset);
  void wr(uint32_t offset, ULONG value);
  BOOLEAN interrupt();
  void capture(uint32_t pending);
  void dpc();
  static BOOLEAN take_captured(PVOID context);

  VideoPort& vp_;
  wddm::GpuSubmission& gpu_;
  XpdmCosts costs_;
  XpdmFault fault_;
  HW_DEVICE_EXTENSION ext_;
  CompletionSink sink_;
  CompletedWork taken_;  ///< the DPC's copy (take_captured's output)
};

}  // namespace irqlab::xpdm
