// The WDDM display-miniport interface the driver is written against, written from the
// learn.microsoft.com pages of d3dkmddi.h and dispmprt.h (no Windows header is copied).
// Subset: what the interrupt path uses. Values and x64 layouts are the WDK's, checked by
// static_assert below; where only a documented prefix of a larger WDK structure is
// declared (DXGK_DRIVERCAPS, DXGKRNL_INTERFACE), the comment says so and the prefix's
// offsets are asserted. Names keep the DDK's spelling so a driver engineer can drop in
// their own ISR.
#pragma once

#include <cstddef>
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
inline constexpr NTSTATUS STATUS_NOT_IMPLEMENTED = static_cast<NTSTATUS>(0xC0000002u);
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

// ---- DXGKARGCB_NOTIFY_INTERRUPT_DATA (d3dkmddi.h) ------------------------------------------
using D3DDDI_VIDEO_PRESENT_TARGET_ID = UINT;
using D3DGPU_VIRTUAL_ADDRESS = UINT64;
/// DXGK_RENDER_PIPELINE_STAGE: only "unknown" is used here.
enum DXGK_RENDER_PIPELINE_STAGE : UINT { DXGK_RENDER_PIPELINE_STAGE_UNKNOWN = 0 };
/// DXGK_PAGE_FAULT_FLAGS (bit values of the DXGK_PAGE_FAULT_FLAGS page).
enum DXGK_PAGE_FAULT_FLAGS : UINT {
  DXGK_PAGE_FAULT_WRITE = 0x1,
  DXGK_PAGE_FAULT_FENCE_INVALID = 0x2,
  DXGK_PAGE_FAULT_ADAPTER_RESET_REQUIRED = 0x4,
  DXGK_PAGE_FAULT_ENGINE_RESET_REQUIRED = 0x8,
  DXGK_PAGE_FAULT_FATAL_HARDWARE_ERROR = 0x10,
  DXGK_PAGE_FAULT_IOMMU = 0x20,
  DXGK_PAGE_FAULT_HW_CONTEXT_VALID = 0x40,
  DXGK_PAGE_FAULT_PROCESS_HANDLE_VALID = 0x80,
};
struct DXGK_FAULT_ERROR_CODE {  ///< a union of bit fields and a 32-bit Value in the WDK
  UINT Value;
};
/// DXGKCB_NOTIFY_INTERRUPT_DATA_FLAGS.
union DXGKCB_NOTIFY_INTERRUPT_DATA_FLAGS {
  struct {
    UINT ValidPhysicalAdapterMask : 1;
    UINT HsyncFlipCompletion : 1;
    UINT EvaluateLegacyMonitoredFences : 1;
    UINT Reserved : 29;
  };
  UINT Value;
};

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
    struct {  ///< DMA_FAULTED is reserved for system use; declared for the verifier only
      UINT FaultedFenceId;
      NTSTATUS Status;
      UINT NodeOrdinal;
      UINT EngineOrdinal;
    } DmaFaulted;
    struct {
      D3DDDI_VIDEO_PRESENT_TARGET_ID VidPnTargetId;
      int64_t PhysicalAddress;  ///< PHYSICAL_ADDRESS (LARGE_INTEGER)
      UINT PhysicalAdapterMask;
    } CrtcVsync;
    struct {
      UINT FaultedFenceId;
      UINT64 FaultedPrimitiveAPISequenceNumber;
      DXGK_RENDER_PIPELINE_STAGE FaultedPipelineStage;
      UINT FaultedBindTableEntry;
      DXGK_PAGE_FAULT_FLAGS PageFaultFlags;
      D3DGPU_VIRTUAL_ADDRESS FaultedVirtualAddress;
      UINT NodeOrdinal;
      UINT EngineOrdinal;
      UINT PageTableLevel;
      DXGK_FAULT_ERROR_CODE FaultErrorCode;
      HANDLE FaultedProcessHandle;
    } DmaPageFaulted;
    UINT64 UndeclaredMembers[8];  ///< the union's other documented members; its size is 64 bytes
  };
  DXGKCB_NOTIFY_INTERRUPT_DATA_FLAGS Flags;
};

// ---- driver capabilities and queries --------------------------------------------------------
/// DXGK_DRIVERCAPS: the documented prefix up to FlipCaps (the WDK structure continues with
/// SchedulingCaps, MemoryManagementCaps, ...); offsets as in the WDK.
struct DXGK_DRIVERCAPS {
  int64_t HighestAcceptableAddress;  ///< PHYSICAL_ADDRESS
  UINT MaxAllocationListSlotId;
  uint64_t ApertureSegmentCommitLimit;  ///< SIZE_T
  UINT MaxPointerWidth;
  UINT MaxPointerHeight;
  UINT PointerCaps;             ///< DXGK_POINTERFLAGS
  UINT InterruptMessageNumber;  ///< the message number from which DxgkCbNotifyInterrupt is called
  UINT NumberOfSwizzlingRanges;
  UINT MaxOverlays;
  UINT GammaRampCaps;     ///< union of DXGK_GAMMARAMPCAPS / DXGK_COLORTRANSFORMCAPS
  UINT PresentationCaps;  ///< DXGK_PRESENTATIONCAPS
  UINT MaxQueuedFlipOnVSync;
  UINT FlipCaps;  ///< DXGK_FLIPCAPS
};
/// DXGK_QUERYADAPTERINFOTYPE: UMDRIVERPRIVATE is 0, DRIVERCAPS 1.
enum DXGK_QUERYADAPTERINFOTYPE : UINT { DXGKQAITYPE_UMDRIVERPRIVATE = 0, DXGKQAITYPE_DRIVERCAPS = 1 };
union DXGK_QUERYADAPTERINFOFLAGS {
  struct {
    UINT VirtualMachineData : 1;
    UINT Reserved : 31;
  };
  UINT Value;
};
struct DXGKARG_QUERYADAPTERINFO {
  DXGK_QUERYADAPTERINFOTYPE Type;
  PVOID pInputData;
  UINT InputDataSize;
  PVOID pOutputData;
  UINT OutputDataSize;
  DXGK_QUERYADAPTERINFOFLAGS Flags;
  HANDLE hKmdProcessHandle;
};

// ---- submission and engine reset (d3dkmddi.h) -------------------------------------------------
/// DXGKARG_SUBMITCOMMAND (learn.microsoft.com: ns-d3dkmddi-_dxgkarg_submitcommand).
/// DXGK_SUBMITCOMMANDFLAGS is a union of bit fields and a UINT Value; only Value is declared.
struct DXGKARG_SUBMITCOMMAND {
  union {
    HANDLE hDevice;
    HANDLE hContext;
  };
  UINT DmaBufferSegmentId;           ///< 0: the DMA buffer is contiguous system memory
  int64_t DmaBufferPhysicalAddress;  ///< PHYSICAL_ADDRESS (LARGE_INTEGER)
  UINT DmaBufferSize;
  UINT DmaBufferSubmissionStartOffset;
  UINT DmaBufferSubmissionEndOffset;
  void* pDmaBufferPrivateData;
  UINT DmaBufferPrivateDataSize;
  UINT DmaBufferPrivateDataSubmissionStartOffset;
  UINT DmaBufferPrivateDataSubmissionEndOffset;
  UINT SubmissionFenceId;
  UINT VidPnSourceId;  ///< D3DDDI_VIDEO_PRESENT_SOURCE_ID
  UINT FlipInterval;   ///< D3DDDI_FLIPINTERVAL_TYPE
  UINT Flags;          ///< DXGK_SUBMITCOMMANDFLAGS.Value
  UINT EngineOrdinal;  ///< reserved
  D3DGPU_VIRTUAL_ADDRESS DmaBufferVirtualAddress;
  UINT NodeOrdinal;
};
/// DXGKARG_PREEMPTCOMMAND (DxgkDdiPreemptCommand, DISPATCH_LEVEL). Flags:
/// DXGK_PREEMPTCOMMANDFLAGS.Value (no flags are defined).
struct DXGKARG_PREEMPTCOMMAND {
  UINT PreemptionFenceId;
  UINT NodeOrdinal;
  UINT EngineOrdinal;
  UINT Flags;
};
/// DXGKARG_RESETENGINE (DxgkDdiResetEngine, PASSIVE_LEVEL).
struct DXGKARG_RESETENGINE {
  UINT NodeOrdinal;
  UINT EngineOrdinal;
  UINT LastAbortedFenceId;  ///< out: the packet aborted in the middle of execution
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

// ---- callbacks the miniport receives (DXGKRNL_INTERFACE, dispmprt.h) ----------------------
using PKSYNCHRONIZE_ROUTINE = BOOLEAN (*)(PVOID context);
inline constexpr ULONG DXGK_WHICHSPACE_CONFIG = 0;  ///< DxgkCbReadDeviceSpace: PCI config space
/// The documented prefix of DXGKRNL_INTERFACE, through DxgkCbNotifyDpc (the WDK structure
/// continues with DxgkCbQueryVidPnInterface, ...). Callbacks this model does not provide
/// are null.
struct DXGKRNL_INTERFACE {
  ULONG Size;
  ULONG Version;
  HANDLE DeviceHandle;
  PVOID DxgkCbEvalAcpiMethod;
  PVOID DxgkCbGetDeviceInformation;
  PVOID DxgkCbIndicateChildStatus;
  PVOID DxgkCbMapMemory;
  BOOLEAN (*DxgkCbQueueDpc)(HANDLE DeviceHandle);
  PVOID DxgkCbQueryServices;
  NTSTATUS(*DxgkCbReadDeviceSpace)
  (HANDLE DeviceHandle, ULONG DataType, PVOID Buffer, ULONG Offset, ULONG Length, ULONG* BytesRead);
  NTSTATUS(*DxgkCbSynchronizeExecution)
  (HANDLE DeviceHandle, PKSYNCHRONIZE_ROUTINE SynchronizeRoutine, PVOID Context, ULONG MessageNumber,
   BOOLEAN* ReturnValue);
  PVOID DxgkCbUnmapMemory;
  PVOID DxgkCbWriteDeviceSpace;
  PVOID DxgkCbIsDevicePresent;
  PVOID DxgkCbGetHandleData;
  PVOID DxgkCbGetHandleParent;
  PVOID DxgkCbEnumHandleChildren;
  void (*DxgkCbNotifyInterrupt)(HANDLE hAdapter, const DXGKARGCB_NOTIFY_INTERRUPT_DATA* pData);
  void (*DxgkCbNotifyDpc)(HANDLE hAdapter);
};

// ---- x64 layouts (the WDK's; see the learn.microsoft.com syntax of each structure) -------
#define IRQLAB_WDK_OFFSET(type, member, off) static_assert(offsetof(type, member) == (off), #type "." #member)
IRQLAB_WDK_OFFSET(DXGKARGCB_NOTIFY_INTERRUPT_DATA, InterruptType, 0x00);
IRQLAB_WDK_OFFSET(DXGKARGCB_NOTIFY_INTERRUPT_DATA, DmaCompleted, 0x08);
IRQLAB_WDK_OFFSET(DXGKARGCB_NOTIFY_INTERRUPT_DATA, DmaPreempted.LastCompletedFenceId, 0x0C);
IRQLAB_WDK_OFFSET(DXGKARGCB_NOTIFY_INTERRUPT_DATA, CrtcVsync.PhysicalAddress, 0x10);
IRQLAB_WDK_OFFSET(DXGKARGCB_NOTIFY_INTERRUPT_DATA, DmaPageFaulted.FaultedPrimitiveAPISequenceNumber, 0x10);
IRQLAB_WDK_OFFSET(DXGKARGCB_NOTIFY_INTERRUPT_DATA, DmaPageFaulted.PageFaultFlags, 0x20);
IRQLAB_WDK_OFFSET(DXGKARGCB_NOTIFY_INTERRUPT_DATA, DmaPageFaulted.FaultedVirtualAddress, 0x28);
IRQLAB_WDK_OFFSET(DXGKARGCB_NOTIFY_INTERRUPT_DATA, DmaPageFaulted.NodeOrdinal, 0x30);
IRQLAB_WDK_OFFSET(DXGKARGCB_NOTIFY_INTERRUPT_DATA, DmaPageFaulted.FaultErrorCode, 0x3C);
IRQLAB_WDK_OFFSET(DXGKARGCB_NOTIFY_INTERRUPT_DATA, DmaPageFaulted.FaultedProcessHandle, 0x40);
IRQLAB_WDK_OFFSET(DXGKARGCB_NOTIFY_INTERRUPT_DATA, Flags, 0x48);
static_assert(sizeof(DXGKARGCB_NOTIFY_INTERRUPT_DATA) == 0x50, "DXGKARGCB_NOTIFY_INTERRUPT_DATA");
IRQLAB_WDK_OFFSET(DXGKARG_SUBMITCOMMAND, DmaBufferPhysicalAddress, 0x10);
IRQLAB_WDK_OFFSET(DXGKARG_SUBMITCOMMAND, pDmaBufferPrivateData, 0x28);
IRQLAB_WDK_OFFSET(DXGKARG_SUBMITCOMMAND, SubmissionFenceId, 0x3C);
IRQLAB_WDK_OFFSET(DXGKARG_SUBMITCOMMAND, Flags, 0x48);
IRQLAB_WDK_OFFSET(DXGKARG_SUBMITCOMMAND, DmaBufferVirtualAddress, 0x50);
IRQLAB_WDK_OFFSET(DXGKARG_SUBMITCOMMAND, NodeOrdinal, 0x58);
static_assert(sizeof(DXGKARG_SUBMITCOMMAND) == 0x60, "DXGKARG_SUBMITCOMMAND");
IRQLAB_WDK_OFFSET(DXGKARG_PREEMPTCOMMAND, Flags, 0x0C);
static_assert(sizeof(DXGKARG_PREEMPTCOMMAND) == 0x10, "DXGKARG_PREEMPTCOMMAND");
IRQLAB_WDK_OFFSET(DXGKARG_RESETENGINE, LastAbortedFenceId, 0x08);
static_assert(sizeof(DXGKARG_RESETENGINE) == 0x0C, "DXGKARG_RESETENGINE");
static_assert(sizeof(DXGKCB_NOTIFY_INTERRUPT_DATA_FLAGS) == 4, "DXGKCB_NOTIFY_INTERRUPT_DATA_FLAGS");
IRQLAB_WDK_OFFSET(DXGK_DRIVERCAPS, ApertureSegmentCommitLimit, 0x10);
IRQLAB_WDK_OFFSET(DXGK_DRIVERCAPS, InterruptMessageNumber, 0x24);
IRQLAB_WDK_OFFSET(DXGK_DRIVERCAPS, MaxQueuedFlipOnVSync, 0x38);
IRQLAB_WDK_OFFSET(DXGK_DRIVERCAPS, FlipCaps, 0x3C);
IRQLAB_WDK_OFFSET(DXGKARG_QUERYADAPTERINFO, pInputData, 0x08);
IRQLAB_WDK_OFFSET(DXGKARG_QUERYADAPTERINFO, InputDataSize, 0x10);
IRQLAB_WDK_OFFSET(DXGKARG_QUERYADAPTERINFO, pOutputData, 0x18);
IRQLAB_WDK_OFFSET(DXGKARG_QUERYADAPTERINFO, OutputDataSize, 0x20);
IRQLAB_WDK_OFFSET(DXGKARG_QUERYADAPTERINFO, Flags, 0x24);
IRQLAB_WDK_OFFSET(DXGKARG_QUERYADAPTERINFO, hKmdProcessHandle, 0x28);
static_assert(sizeof(DXGKARG_QUERYADAPTERINFO) == 0x30, "DXGKARG_QUERYADAPTERINFO");
IRQLAB_WDK_OFFSET(DXGK_INTERRUPT_TABLE_ENTRY, MessageData, 0x08);
IRQLAB_WDK_OFFSET(DXGK_INTERRUPT_TABLE_ENTRY, VectorControl, 0x0C);
static_assert(sizeof(DXGK_INTERRUPT_TABLE_ENTRY) == 0x10, "DXGK_INTERRUPT_TABLE_ENTRY");
IRQLAB_WDK_OFFSET(DXGKARG_GPUP_WRITE_VIRTUALIZED_MSIX, InterruptTableIndex, 0x04);
IRQLAB_WDK_OFFSET(DXGKARG_GPUP_WRITE_VIRTUALIZED_MSIX, WriteValue, 0x08);
static_assert(sizeof(DXGKARG_GPUP_WRITE_VIRTUALIZED_MSIX) == 0x18, "DXGKARG_GPUP_WRITE_VIRTUALIZED_MSIX");
IRQLAB_WDK_OFFSET(DXGKRNL_INTERFACE, DeviceHandle, 0x08);
IRQLAB_WDK_OFFSET(DXGKRNL_INTERFACE, DxgkCbQueueDpc, 0x30);
IRQLAB_WDK_OFFSET(DXGKRNL_INTERFACE, DxgkCbReadDeviceSpace, 0x40);
IRQLAB_WDK_OFFSET(DXGKRNL_INTERFACE, DxgkCbSynchronizeExecution, 0x48);
IRQLAB_WDK_OFFSET(DXGKRNL_INTERFACE, DxgkCbNotifyInterrupt, 0x80);
IRQLAB_WDK_OFFSET(DXGKRNL_INTERFACE, DxgkCbNotifyDpc, 0x88);
#undef IRQLAB_WDK_OFFSET

}  // namespace irqlab::wddm
