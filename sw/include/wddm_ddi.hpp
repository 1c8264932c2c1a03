// The WDDM display-miniport interface the driver is written against, reconstructed from
// Microsoft's documented names and fields (REFERENCE.md, ../shared/seeds/); no Windows
// header is copied. Only what the interrupt path uses is here. Names keep the DDK's
// spelling so a driver engineer can drop in their own ISR.
#pragma once

#include <cstdint>

namespace irqlab::wddm {

// ---- basic kernel types ----------------------------------------------------------------
using NTSTATUS = int32_t;
using BOOLEAN = uint8_t;
using UINT = uint32_t;
using ULONG = uint32_t;
using INT16 = int16_t;
using UINT64 = uint64_t;
using HANDLE = void*;
using PVOID = void*;
inline constexpr BOOLEAN TRUE = 1;
inline constexpr BOOLEAN FALSE = 0;
inline constexpr NTSTATUS STATUS_SUCCESS = 0;
inline constexpr NTSTATUS STATUS_UNSUCCESSFUL = static_cast<NTSTATUS>(0xC0000001u);
inline constexpr NTSTATUS STATUS_INVALID_PARAMETER = static_cast<NTSTATUS>(0xC000000Du);
inline constexpr NTSTATUS STATUS_NOT_SUPPORTED = static_cast<NTSTATUS>(0xC00000BBu);
inline bool NT_SUCCESS(NTSTATUS s) {
  return s >= 0;
}

/// IRQLs (x64): PASSIVE 0, APC 1, DISPATCH 2; device IRQLs from the vector's priority
/// class (vector / 16), up to HIGH 15.
using KIRQL = uint8_t;
inline constexpr KIRQL PASSIVE_LEVEL = 0;
inline constexpr KIRQL DISPATCH_LEVEL = 2;
inline constexpr KIRQL HIGH_LEVEL = 15;
inline constexpr KIRQL irql_of_vector(uint8_t vector) {
  return static_cast<KIRQL>(vector >> 4);
}

// ---- DXGK_INTERRUPT_TYPE (d3dkmddi.h values) ---------------------------------------------
enum DXGK_INTERRUPT_TYPE : UINT {
  DXGK_INTERRUPT_DMA_COMPLETED = 1,
  DXGK_INTERRUPT_DMA_PREEMPTED = 2,
  DXGK_INTERRUPT_CRTC_VSYNC = 3,
  DXGK_INTERRUPT_DMA_FAULTED = 4,
  DXGK_INTERRUPT_DISPLAYONLY_VSYNC = 5,
  DXGK_INTERRUPT_DISPLAYONLY_PRESENT_PROGRESS = 6,
  DXGK_INTERRUPT_CRTC_VSYNC_WITH_MULTIPLANE_OVERLAY = 7,
  DXGK_INTERRUPT_MICACAST_CHUNK_PROCESSING_COMPLETE = 8,
  DXGK_INTERRUPT_DMA_PAGE_FAULTED = 9,
  DXGK_INTERRUPT_CRTC_VSYNC_WITH_MULTIPLANE_OVERLAY2 = 10,
  DXGK_INTERRUPT_MONITORED_FENCE_SIGNALED = 11,
  DXGK_INTERRUPT_HWQUEUE_PAGE_FAULTED = 12,
  DXGK_INTERRUPT_HWCONTEXTLIST_SWITCH_COMPLETED = 13,
  DXGK_INTERRUPT_PERIODIC_MONITORED_FENCE_SIGNALED = 14,
  DXGK_INTERRUPT_SCHEDULING_LOG_INTERRUPT = 15,
  DXGK_INTERRUPT_GPU_ENGINE_TIMEOUT = 16,
  DXGK_INTERRUPT_SUSPEND_CONTEXT_COMPLETED = 17,
  DXGK_INTERRUPT_CRTC_VSYNC_WITH_MULTIPLANE_OVERLAY3 = 18,
  DXGK_INTERRUPT_NATIVE_FENCE_SIGNALED = 19,
  DXGK_INTERRUPT_GPU_ENGINE_STATE_CHANGE = 20,
};

/// DMA-type interrupts must be reported before CRTC-type ones within one ISR.
inline constexpr bool is_crtc_type(DXGK_INTERRUPT_TYPE t) {
  return t == DXGK_INTERRUPT_CRTC_VSYNC || t == DXGK_INTERRUPT_CRTC_VSYNC_WITH_MULTIPLANE_OVERLAY ||
         t == DXGK_INTERRUPT_CRTC_VSYNC_WITH_MULTIPLANE_OVERLAY2 ||
         t == DXGK_INTERRUPT_CRTC_VSYNC_WITH_MULTIPLANE_OVERLAY3 || t == DXGK_INTERRUPT_DISPLAYONLY_VSYNC;
}

// ---- DXGKARGCB_NOTIFY_INTERRUPT_DATA ------------------------------------------------------
struct DXGKARGCB_NOTIFY_INTERRUPT_DATA {
  DXGK_INTERRUPT_TYPE InterruptType;
  union {
    struct {
      UINT SubmissionFenceId;
      UINT NodeOrdinal;
      UINT EngineOrdinal;
    } DmaCompleted;
    struct {
      UINT PreemptionFenceId;
      UINT LastCompletedFenceId;
      UINT NodeOrdinal;
      UINT EngineOrdinal;
    } DmaPreempted;
    struct {
      UINT FaultedFenceId;
      NTSTATUS Status;
      UINT NodeOrdinal;
      UINT EngineOrdinal;
    } DmaFaulted;
    struct {
      UINT VidPnTargetId;
      UINT64 PhysicalAddress;
      UINT PhysicalAdapterMask;
    } CrtcVsync;
    struct {
      UINT FaultedFenceId;
      UINT64 FaultedVirtualAddress;
      UINT NodeOrdinal;
      UINT EngineOrdinal;
      UINT PageFaultFlags;
    } DmaPageFaulted;
  };
  struct {
    UINT ValidPhysicalAdapterMask : 1;
    UINT Reserved : 31;
  } Flags;
};

// ---- driver capabilities ------------------------------------------------------------------
struct DXGK_DRIVERCAPS {
  UINT InterruptMessageNumber;  ///< the message number from which DxgkCbNotifyInterrupt is called
  UINT MaxQueuedFlipOnVSync;
};
enum DXGK_QUERYADAPTERINFOTYPE : UINT { DXGKQAITYPE_DRIVERCAPS = 0 };
struct DXGKARG_QUERYADAPTERINFO {
  DXGK_QUERYADAPTERINFOTYPE Type;
  PVOID pOutputData;
  UINT OutputDataSize;
};

/// DxgkDdiControlInterrupt's interrupt type argument.
struct DXGKARG_CONTROLINTERRUPT {
  DXGK_INTERRUPT_TYPE InterruptType;
  BOOLEAN Enable;
};

// ---- GPU-P live migration (issue #5) ------------------------------------------------------
struct DXGK_INTERRUPT_TABLE_ENTRY {  ///< the 16-byte PCI MSI-X table entry
  UINT64 MessageAddress;
  uint32_t MessageData;
  uint32_t VectorControl;
};
struct DXGKARG_GPUP_WRITE_VIRTUALIZED_MSIX {
  UINT vfIndex;
  INT16 InterruptTableIndex;
  DXGK_INTERRUPT_TABLE_ENTRY WriteValue;
};

// ---- callbacks the miniport receives (DXGKRNL_INTERFACE) ----------------------------------
using PKSYNCHRONIZE_ROUTINE = BOOLEAN (*)(PVOID context);
inline constexpr ULONG DXGK_WHICHSPACE_CONFIG = 0;  ///< DxgkCbReadDeviceSpace: PCI config space
struct DXGKRNL_INTERFACE {
  HANDLE DeviceHandle;
  void (*DxgkCbNotifyInterrupt)(HANDLE hAdapter, const DXGKARGCB_NOTIFY_INTERRUPT_DATA* pData);
  void (*DxgkCbNotifyDpc)(HANDLE hAdapter);
  BOOLEAN (*DxgkCbQueueDpc)(HANDLE DeviceHandle);
  NTSTATUS(*DxgkCbSynchronizeExecution)
  (HANDLE DeviceHandle, PKSYNCHRONIZE_ROUTINE SynchronizeRoutine, PVOID Context, ULONG MessageNumber,
   BOOLEAN* ReturnValue);
  NTSTATUS(*DxgkCbReadDeviceSpace)
  (HANDLE DeviceHandle, ULONG DataType, PVOID Buffer, ULONG Offset, ULONG Length, ULONG* BytesRead);
};

}  // namespace irqlab::wddm
