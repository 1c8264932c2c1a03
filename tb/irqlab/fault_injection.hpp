// The platform's fault knobs (scenario `faults:`, docs/faults.md), wired into one run:
// spurious MSIs, a stuck source, a dropped MSI, corrupted TLPs with NAK and replay, the
// root complex's Completion Timeout, and back-pressure into the controller's message port.
// It also watches what each fault did, into RunResult::faults, for the fault-* checks.
#pragma once

#include <systemc>

#include <cstdint>
#include <deque>
#include <functional>
#include <utility>
#include <vector>

#include "interrupt_tracker.hpp"
#include "platform.hpp"
#include "run_model.hpp"
#include "scenario.hpp"

namespace irqlab::run {

class FaultInjection : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(FaultInjection);
  /// `tracker`: the interrupts in flight (what a lost MSI was carrying, the ISR running on a
  /// CPU); it is told of a dropped MSI so that later deliveries pair with their own MSIs.
  FaultInjection(sc_core::sc_module_name name, const Scenario& sc, platform::Platform& p, RunResult& r,
                 InterruptTracker& tracker);

  /// The adapter is started: spurious MSIs may go out, with the message the OS assigned.
  void adapter_started(uint64_t msi_address, uint32_t msi_data);
  void adapter_stopping() { started_ = false; }
  /// A message the controller emitted (for the back-pressure check's order).
  void message_emitted(uint64_t addr, uint32_t data);
  /// A register access of the driver (KernelEnvironment's observer).
  void access(unsigned cpu, bool write, uint64_t offset, uint32_t value);
  /// Counts that live in the models, copied at the end of the run.
  void collect();

 private:
  void spurious_thread();
  void message_arrived(uint64_t addr, uint32_t data, bool dropped);

  const Scenario& sc_;
  platform::Platform& p_;
  RunResult& r_;
  InterruptTracker& tracker_;
  bool tracking_ = false;  ///< message order and loss are followed (drop_msi, message_slots)
  bool started_ = false;
  uint64_t msi_address_ = 0;
  uint32_t msi_data_ = 0;
  sc_core::sc_event started_event_;
  std::deque<std::pair<uint64_t, uint32_t>> in_flight_;  ///< emitted, not yet at the root complex
};

}  // namespace irqlab::run
