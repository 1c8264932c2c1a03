// The XPDM driver stack of an `irqlab run` with `driver: {model: xpdm}`: videoprt.sys on
// the kernel model, the XPDM miniport, its display driver's workload, and the verifier of
// seed 004's rules (docs/xpdm.md). The verifier watches the video port: it attributes
// source interrupts to the ISR whose register traffic reported them (a completed fence
// read after the dismiss, a dismissed vsync) with the same semantics as WDDM's
// NotifyInterrupt, so the latency report is the same; and it records each rule's
// violations for the verdict.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "display_driver.hpp"
#include "interrupt_tracker.hpp"
#include "kernel.hpp"
#include "run_model.hpp"
#include "video_port_model.hpp"
#include "xpdm_miniport.hpp"

namespace irqlab::run {

/// The XPDM rules, in the verdict's order (each a check; a broken miniport trips each).
inline constexpr const char* kXpdmRules[] = {
    "xpdm-true-when-not-ours",         "xpdm-true-without-dismiss",  "xpdm-false-at-once",   "xpdm-isr-stall",
    "xpdm-shared-memory-synchronized", "xpdm-isr-registers-private", "dpc-once-per-queueing"};

xpdm::XpdmFault parse_xpdm_fault(const std::string& name);  ///< throws ScenarioError

class XpdmVerifier : public videoport::VideoPortObserver {
 public:
  /// `report(n, cpu, t)`: a report of source interrupts (the tracker's attribution and the
  /// event log); `bugcheck(detail)`: ends the run.
  XpdmVerifier(const Scenario& sc, RunResult& r, InterruptTracker& tracker,
               std::function<void(const dxgkrnl::NotifyRecord&, int, uint64_t)> report,
               std::function<void(const std::string&)> bugcheck);
  void set_bar(uint64_t bar0) { bar_ = bar0; }
  void display_access(uint32_t offset) { display_regs_.insert(offset); }
  /// The registers both the ISR and the display driver touched (seed 004's visibility rule).
  void finish();
  const std::vector<dxgkrnl::Violation>& violations() const { return violations_; }

  void isr_begin(unsigned cpu) override;
  void isr_end(unsigned cpu, bool claimed) override;
  void register_access(unsigned cpu, videoport::Context c, bool write, uint64_t address,
                       uint32_t value) override;
  void stall(unsigned cpu, videoport::Context c, uint32_t microseconds) override;
  void shared_access(unsigned cpu, videoport::Context c, const char* what) override;
  void forbidden_call(unsigned cpu, const char* function) override;

 private:
  struct IsrCall {
    unsigned accesses = 0;
    int64_t pending = -1;  ///< INTR_PENDING as first read (-1: not read)
    uint32_t dismissed = 0;
    uint64_t begin_ps = 0;
  };
  void violation(unsigned cpu, const char* rule, const std::string& detail);
  static uint64_t now_ps();

  const Scenario& sc_;
  RunResult& r_;
  InterruptTracker& tracker_;
  std::function<void(const dxgkrnl::NotifyRecord&, int, uint64_t)> report_;
  std::function<void(const std::string&)> bugcheck_;
  uint64_t bar_ = 0;
  std::map<unsigned, IsrCall> isr_;  ///< per CPU: the HwVidInterrupt call in progress
  std::set<uint32_t> isr_regs_, display_regs_;
  std::vector<dxgkrnl::Violation> violations_;
};

/// The stack, built by the run for `driver.model: xpdm`.
class XpdmStack {
 public:
  XpdmStack(const Scenario& sc, RunResult& r, kernel::Kernel& k, wddm::MiniportEnvironment& regs,
            wddm::GpuSubmission& gpu, InterruptTracker& tracker,
            std::function<void(const dxgkrnl::NotifyRecord&, int, uint64_t)> report,
            std::function<void(const std::string&)> bugcheck);
  /// PnP start: connect HwVidInterrupt to `vector`, HwVidInitialize, start the display driver.
  kernel::InterruptObject& start(uint64_t bar0, uint8_t vector);
  void stop() { miniport_.stop(); }
  bool idle() const { return display_.idle(); }
  /// Counts and violations into the run's result.
  void collect();

 private:
  RunResult& r_;
  videoport::VideoPortModel port_;
  xpdm::XpdmMiniport miniport_;
  XpdmVerifier verifier_;
  xpdm::DisplayDriver display_;
  wddm::MiniportEnvironment& regs_;
  uint64_t bar_ = 0;
};

}  // namespace irqlab::run
