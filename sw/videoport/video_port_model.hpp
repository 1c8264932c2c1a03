// videoprt.sys on the kernel model: the exports a video miniport calls (video_port.hpp),
// HwVidInterrupt connected as the adapter's ISR, one DPC object for VideoPortQueueDpc, and
// the interrupt spin lock for VideoPortSynchronizeExecution. It knows when a CPU is inside
// HwVidInterrupt, so it can enforce seed 004's list: a call from the ISR to an export off
// the list is a bugcheck (the CPU stops; the observer ends the run and names the call).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernel.hpp"
#include "miniport_env.hpp"
#include "video_port.hpp"

namespace irqlab::videoport {

/// Where a miniport's code runs when it touches the device or shared memory.
enum class Context { kIsr, kSynchronized, kOther };

/// What the video port saw, for the verifier (the run's checks and reports).
class VideoPortObserver {
 public:
  virtual ~VideoPortObserver() = default;
  virtual void isr_begin(unsigned cpu) = 0;
  virtual void isr_end(unsigned cpu, bool claimed) = 0;
  virtual void register_access(unsigned cpu, Context c, bool write, uint64_t address, uint32_t value) = 0;
  virtual void stall(unsigned cpu, Context c, uint32_t microseconds) = 0;
  virtual void shared_access(unsigned cpu, Context c, const char* what) = 0;
  /// A bugcheck: the CPU that made the call never runs again.
  virtual void forbidden_call(unsigned cpu, const char* function) = 0;
};

class VideoPortModel : public VideoPort {
 public:
  VideoPortModel(kernel::Kernel& k, wddm::MiniportEnvironment& regs, double cpu_ghz);
  void set_observer(VideoPortObserver* o) { obs_ = o; }
  /// VideoPortInitialize's interrupt part: HwVidInterrupt becomes the ISR of `vector`.
  kernel::InterruptObject& connect_interrupt(const std::string& owner, uint8_t vector,
                                             PVIDEO_HW_INTERRUPT isr, PVOID HwDeviceExtension);
  /// VideoPortGetDeviceBase: the address the miniport uses for BAR `physical` (not memory:
  /// only VideoPortRead/WriteRegisterXxx take it).
  static PVOID map_registers(uint64_t physical) { return reinterpret_cast<PVOID>(physical); }
  const kernel::Kdpc& dpc() const { return dpc_; }
  static constexpr const char* kDpcName = "videoport_dpc";

  BOOLEAN VideoPortQueueDpc(PVOID HwDeviceExtension, PMINIPORT_DPC_ROUTINE CallbackRoutine,
                            PVOID Context) override;
  ULONG VideoPortReadRegisterUlong(PULONG Register) override;
  void VideoPortWriteRegisterUlong(PULONG Register, ULONG Value) override;
  void VideoPortStallExecution(ULONG Microseconds) override;
  void VideoPortLogError(PVOID HwDeviceExtension, PVIDEO_REQUEST_PACKET Vrp, VP_STATUS ErrorCode,
                         ULONG UniqueId) override;
  void VideoPortZeroMemory(PVOID Destination, ULONG Length) override;
  void VideoPortZeroDeviceMemory(PVOID Destination, ULONG Length) override;
  VP_STATUS VideoPortEnableInterrupt(PVOID HwDeviceExtension) override;
  VP_STATUS VideoPortDisableInterrupt(PVOID HwDeviceExtension) override;
  BOOLEAN VideoPortSynchronizeExecution(PVOID HwDeviceExtension, VIDEO_SYNCHRONIZE_PRIORITY Priority,
                                        PMINIPORT_SYNCHRONIZE_ROUTINE SynchronizeRoutine,
                                        PVOID Context) override;
  PVOID VideoPortAllocatePool(PVOID HwDeviceExtension, int PoolType, size_t NumberOfBytes,
                              ULONG Tag) override;
  void VideoPortFreePool(PVOID HwDeviceExtension, PVOID Ptr) override;
  void annotate_cost(uint64_t cpu_cycles) override { k_.cost(cpu_cycles); }
  void annotate_shared_access(const char* what) override;

  uint64_t errors_logged() const { return errors_logged_; }

 private:
  unsigned cpu_index() const;
  Context context() const;
  /// Seed 004: HwVidInterrupt "must not call any VideoPortXxx function that is not in the
  /// preceding list" (a blue screen).
  void only_outside_isr(const char* function);

  kernel::Kernel& k_;
  wddm::MiniportEnvironment& regs_;
  double cpu_ghz_;
  VideoPortObserver* obs_ = nullptr;
  kernel::InterruptObject* io_ = nullptr;
  PVIDEO_HW_INTERRUPT isr_ = nullptr;
  PVOID ext_ = nullptr;
  bool interrupts_enabled_ = true;
  std::vector<int> isr_depth_;     ///< per CPU: inside HwVidInterrupt
  std::vector<int> synchronized_;  ///< per CPU: inside a Medium/High VideoPortSynchronizeExecution
  int synchronized_off_cpu_ = 0;   ///< the same for code off the CPUs (PnP, the display driver's threads)
  kernel::Kdpc dpc_;
  PMINIPORT_DPC_ROUTINE dpc_routine_ = nullptr;
  PVOID dpc_context_ = nullptr;
  uint64_t errors_logged_ = 0;
  sc_core::sc_event halted_;  ///< never notified: a bugchecked CPU waits on it forever
};

}  // namespace irqlab::videoport
