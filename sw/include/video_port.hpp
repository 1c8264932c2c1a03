// The XPDM video port interface a video miniport is written against, from the
// learn.microsoft.com pages of video.h (no Windows header is copied): the HwVidXxx
// callbacks' types and the VideoPortXxx functions the interrupt path uses. Values and
// sizes are video.h's (static_assert below); names keep the DDK's spelling.
//
// The functions are members of VideoPort rather than free functions so that one process can
// hold several adapters; a miniport calls them exactly as it would the exports of
// videoprt.sys. The set HwVidInterrupt may call is seed 004's (PVIDEO_HW_INTERRUPT):
// VideoPortQueueDpc, VideoPortZero(Device)Memory, VideoPortLogError,
// VideoPortStallExecution, VideoPortRead/WriteXxx and VideoPortEnable/DisableInterrupt;
// any other from it is a bugcheck.
#pragma once

#include <cstdint>

#include "wddm_ddi.hpp"

namespace irqlab::videoport {

using wddm::BOOLEAN;
using wddm::FALSE;
using wddm::PVOID;
using wddm::TRUE;
using wddm::ULONG;
using LONG = int32_t;
using PULONG = ULONG*;
using VP_STATUS = LONG;
inline constexpr VP_STATUS NO_ERROR = 0;
inline constexpr VP_STATUS ERROR_INVALID_PARAMETER = 87;

/// VIDEO_SYNCHRONIZE_PRIORITY (video.h): Low raises to the highest non-interrupt-masking
/// level (DISPATCH_LEVEL); Medium and High synchronize with HwVidInterrupt (its spin lock at
/// DIRQL). learn.microsoft.com: VideoPortSynchronizeExecution.
enum VIDEO_SYNCHRONIZE_PRIORITY : int { VpLowPriority = 0, VpMediumPriority = 1, VpHighPriority = 2 };

/// PVIDEO_HW_INTERRUPT: FALSE at once if the adapter did not interrupt; otherwise dismiss
/// it on the adapter, then TRUE.
using PVIDEO_HW_INTERRUPT = BOOLEAN (*)(PVOID HwDeviceExtension);
/// PMINIPORT_DPC_ROUTINE (HwVidDpcRoutine): runs at DISPATCH_LEVEL.
using PMINIPORT_DPC_ROUTINE = void (*)(PVOID HwDeviceExtension, PVOID Context);
/// PMINIPORT_SYNCHRONIZE_ROUTINE (HwVidSynchronizeExecutionCallback).
using PMINIPORT_SYNCHRONIZE_ROUTINE = BOOLEAN (*)(PVOID Context);
struct VIDEO_REQUEST_PACKET;  ///< opaque here: the interrupt path never builds one
using PVIDEO_REQUEST_PACKET = VIDEO_REQUEST_PACKET*;

static_assert(sizeof(VIDEO_SYNCHRONIZE_PRIORITY) == 4, "an int-sized enum, as in video.h");
static_assert(sizeof(VP_STATUS) == 4 && sizeof(ULONG) == 4, "LONG and ULONG are 32-bit");
static_assert(sizeof(PVIDEO_HW_INTERRUPT) == 8, "x64 function pointers");

/// The video port driver's exports, as a video miniport sees them.
class VideoPort {
 public:
  virtual ~VideoPort() = default;
  // Allowed from HwVidInterrupt (seed 004).
  virtual BOOLEAN VideoPortQueueDpc(PVOID HwDeviceExtension, PMINIPORT_DPC_ROUTINE CallbackRoutine,
                                    PVOID Context) = 0;
  virtual ULONG VideoPortReadRegisterUlong(PULONG Register) = 0;
  virtual void VideoPortWriteRegisterUlong(PULONG Register, ULONG Value) = 0;
  virtual void VideoPortStallExecution(ULONG Microseconds) = 0;
  virtual void VideoPortLogError(PVOID HwDeviceExtension, PVIDEO_REQUEST_PACKET Vrp, VP_STATUS ErrorCode,
                                 ULONG UniqueId) = 0;
  virtual void VideoPortZeroMemory(PVOID Destination, ULONG Length) = 0;
  virtual void VideoPortZeroDeviceMemory(PVOID Destination, ULONG Length) = 0;
  virtual VP_STATUS VideoPortEnableInterrupt(PVOID HwDeviceExtension) = 0;
  virtual VP_STATUS VideoPortDisableInterrupt(PVOID HwDeviceExtension) = 0;
  // Not allowed from HwVidInterrupt.
  virtual BOOLEAN VideoPortSynchronizeExecution(PVOID HwDeviceExtension, VIDEO_SYNCHRONIZE_PRIORITY Priority,
                                                PMINIPORT_SYNCHRONIZE_ROUTINE SynchronizeRoutine,
                                                PVOID Context) = 0;
  virtual PVOID VideoPortAllocatePool(PVOID HwDeviceExtension, int PoolType, size_t NumberOfBytes,
                                      ULONG Tag) = 0;
  virtual void VideoPortFreePool(PVOID HwDeviceExtension, PVOID Ptr) = 0;

  // Not video port exports: the model's annotations. The CPU cost of the caller's own code
  // (as MiniportEnvironment::cost), and a touch of HwDeviceExtension memory that
  // HwVidInterrupt also uses (what Driver Verifier's race checks would see): outside the ISR
  // it must be inside VideoPortSynchronizeExecution (seed 004).
  virtual void annotate_cost(uint64_t cpu_cycles) = 0;
  virtual void annotate_shared_access(const char* what) = 0;
};

}  // namespace irqlab::videoport
