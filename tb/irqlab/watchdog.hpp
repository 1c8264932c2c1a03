// The run's watchdog: a run that hangs ends with exit 1 and a message naming what is
// stuck, instead of a verdict that blames the driver for its consequences.
//
// - a CPU in one ISR or DPC longer than `routine_ps` (names the CPU and the routine);
// - a non-posted request of a root complex without its completion after `completion_ps`
//   (PCIe Completion Timeout; names the requester, tag, address);
// - a simulation that stops advancing: no simulated-time progress for `stall_wall_s`
//   seconds of wall time (a zero-time loop). SystemC cannot be interrupted then, so a
//   separate thread reports it with the last state seen and ends the process (exit 1).
#pragma once

#include <systemc>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kernel.hpp"
#include "root_complex.hpp"

namespace irqlab::run {

struct WatchdogLimits {
  uint64_t routine_ps = 10'000'000'000;     ///< 10 ms
  uint64_t completion_ps = 50'000'000'000;  ///< 50 ms
  double stall_wall_s = 60;
};

struct Hang {
  std::string kind;  ///< "routine", "completion-timeout", "stalled"; empty: none
  std::string detail;
  uint64_t t_ps = 0;
  explicit operator bool() const { return !kind.empty(); }
};

class Watchdog : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Watchdog);
  /// `on_stall` runs on the watchdog thread when the simulation stalls, with the message
  /// (e.g. to write a verdict); the process then exits with status 1.
  Watchdog(sc_core::sc_module_name name, const WatchdogLimits& limits,
           std::function<void(const Hang&)> on_stall);
  ~Watchdog() override;

  void watch(kernel::Kernel& k) { kernels_.push_back(&k); }
  void watch(const pcie::RootComplex& rc, const std::string& label) { roots_.push_back({&rc, label}); }
  /// The hang that stopped the simulation (sc_stop), if any.
  const Hang& hang() const { return hang_; }
  /// Arm the stall detector around sc_start calls (simulated time must advance then).
  void arm(bool on);

 private:
  void check_thread();
  std::string check_routines(uint64_t now) const;
  std::string check_completions(uint64_t now) const;
  std::string state(uint64_t now) const;
  void stall_thread();

  WatchdogLimits limits_;
  std::function<void(const Hang&)> on_stall_;
  std::vector<kernel::Kernel*> kernels_;
  std::vector<std::pair<const pcie::RootComplex*, std::string>> roots_;
  Hang hang_;
  // Shared with the stall thread.
  std::mutex m_;
  std::condition_variable cv_;
  bool armed_ = false, quit_ = false;
  uint64_t beats_ = 0;
  uint64_t last_ps_ = 0;
  std::string last_state_;
  std::thread stall_;
};

}  // namespace irqlab::run
