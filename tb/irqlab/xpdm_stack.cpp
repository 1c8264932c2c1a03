#include "xpdm_stack.hpp"

#include <cstdio>
#include <map>

#include "irq_ctrl_regs.hpp"
#include "scenario_settings.hpp"
#include "source_info.hpp"

namespace irqlab::run {

namespace regs = irqlab::regs::irq_ctrl;
namespace src = irqlab::regs::irq_ctrl::sources;
using videoport::Context;

xpdm::XpdmFault parse_xpdm_fault(const std::string& name) {
  using F = xpdm::XpdmFault;
  static const std::map<std::string, F> k = {
      {"none", F::kNone},
      {"claims-foreign-interrupts", F::kClaimsForeign},
      {"no-dismiss", F::kNoDismiss},
      {"slow-decline", F::kSlowDecline},
      {"short-stall", F::kShortStall},
      {"long-stall", F::kLongStall},
      {"isr-calls-synchronize", F::kIsrCallsSynchronize},
      {"unsynchronized-dpc", F::kUnsynchronizedDpc},
      {"display-reads-status", F::kDisplayReadsStatus},
  };
  const auto it = k.find(name);
  if (it != k.end()) return it->second;
  std::string list;
  for (const auto& [n, f] : k) list += (list.empty() ? "" : ", ") + n;
  throw ScenarioError("driver.fault: '" + name + "' is not one of the XPDM miniport's faults: " + list);
}

XpdmVerifier::XpdmVerifier(const Scenario& sc, RunResult& r, InterruptTracker& tracker,
                           std::function<void(const dxgkrnl::NotifyRecord&, int, uint64_t)> report,
                           std::function<void(const std::string&)> bugcheck)
    : sc_(sc), r_(r), tracker_(tracker), report_(std::move(report)), bugcheck_(std::move(bugcheck)) {}

uint64_t XpdmVerifier::now_ps() {
  return static_cast<uint64_t>(sc_core::sc_time_stamp().value());
}

void XpdmVerifier::violation(unsigned cpu, const char* rule, const std::string& detail) {
  violations_.push_back({now_ps(), static_cast<int>(cpu), rule, detail});
}

void XpdmVerifier::isr_begin(unsigned cpu) {
  isr_[cpu] = {};
  isr_[cpu].begin_ps = now_ps();
}

// Seed 004, PVIDEO_HW_INTERRUPT: "If HwVidInterrupt determines that its associated hardware
// did not generate the interrupt, it returns FALSE. Otherwise, it must dismiss the interrupt
// on its adapter before it returns TRUE." and "this function should return FALSE
// immediately" (one read of the pending register decides).
void XpdmVerifier::isr_end(unsigned cpu, bool claimed) {
  const IsrCall c = isr_[cpu];
  r_.isr_over_25us += now_ps() - c.begin_ps > 25'000'000;  // the WDDM guidance's ISR bound, as a warning
  char b[200];
  if (claimed && c.pending == 0) {
    std::snprintf(b, sizeof b,
                  "HwVidInterrupt returned TRUE with INTR_PENDING 0 (not its adapter's interrupt)");
    violation(cpu, "xpdm-true-when-not-ours", b);
  }
  if (claimed && c.pending > 0 && c.dismissed == 0) {
    std::snprintf(b, sizeof b, "HwVidInterrupt returned TRUE without a W1C of INTR_STATUS (pending 0x%08llx)",
                  static_cast<unsigned long long>(c.pending));
    violation(cpu, "xpdm-true-without-dismiss", b);
  }
  if (!claimed && c.accesses > 1) {
    std::snprintf(b, sizeof b,
                  "HwVidInterrupt made %u register accesses before returning FALSE (one decides)",
                  c.accesses);
    violation(cpu, "xpdm-false-at-once", b);
  }
  // Dismissed vsyncs are reported when the ISR returns: its read-back has made the W1C
  // reach the adapter, so every vsync it cleared was raised by now.
  for (unsigned h = 0; h < src::CRTC_VSYNC.width; ++h) {
    if (c.dismissed & src::CRTC_VSYNC.bit(h))
      report_({now_ps(), cpu, 0, wddm::DXGK_INTERRUPT_CRTC_VSYNC, h, 0}, static_cast<int>(cpu), now_ps());
  }
}

void XpdmVerifier::register_access(unsigned cpu, Context c, bool write, uint64_t address, uint32_t value) {
  if (c != Context::kIsr) return;
  const uint32_t off = static_cast<uint32_t>(address - bar_);
  isr_regs_.insert(off);
  IsrCall& call = isr_[cpu];
  ++call.accesses;
  if (!write && off == regs::INTR_PENDING::kOffset && call.pending < 0) call.pending = value;
  if (write && off == regs::INTR_STATUS::kOffset) call.dismissed |= value;
  // A completed fence read after the dismiss reports every pulse of that node up to it
  // (as DxgkCbNotifyInterrupt with DMA_COMPLETED would).
  for (unsigned n = 0; n < sc_.nodes && !write; ++n) {
    if (off == regs::NODE_COMPLETED_FENCE::offset(n))
      report_({now_ps(), cpu, 0, wddm::DXGK_INTERRUPT_DMA_COMPLETED, n, value}, static_cast<int>(cpu),
              now_ps());
  }
}

// Seed 004: VideoPortStallExecution "for no more than a very few microseconds": over
// driver.stall_warn_us a warning, over checks.isr_stall_fail_us a failed check.
void XpdmVerifier::stall(unsigned cpu, Context c, uint32_t us) {
  if (c != Context::kIsr) return;
  if (us > sc_.stall_warn_us) ++r_.stalls_over_warning;
  if (us > sc_.isr_stall_fail_us) {
    violation(cpu, "xpdm-isr-stall",
              "HwVidInterrupt stalled " + std::to_string(us) + " us (limit " +
                  std::to_string(static_cast<int>(sc_.isr_stall_fail_us)) + " us)");
  }
}

// Seed 004: a miniport function sharing memory with HwVidInterrupt "must call
// VideoPortSynchronizeExecution to synchronize its access to the shared area".
void XpdmVerifier::shared_access(unsigned cpu, Context c, const char* what) {
  if (c == Context::kOther)
    violation(cpu, "xpdm-shared-memory-synchronized",
              std::string("HW_DEVICE_EXTENSION.") + what +
                  " touched outside HwVidInterrupt without VideoPortSynchronizeExecution");
}

void XpdmVerifier::forbidden_call(unsigned cpu, const char* function) {
  bugcheck_(std::string("HwVidInterrupt on CPU ") + std::to_string(cpu) + " called " + function +
            ", which is not among the VideoPort functions an ISR may call (seed 004: system failure)");
}

// Seed 004: "no register or memory location that can be accessed by HwVidInterrupt can be
// visible to the corresponding display driver".
void XpdmVerifier::finish() {
  for (const uint32_t off : display_regs_) {
    if (!isr_regs_.count(off)) continue;
    char b[160];
    std::snprintf(b, sizeof b, "the display driver accessed register 0x%04x, which HwVidInterrupt uses", off);
    violations_.push_back({now_ps(), -1, "xpdm-isr-registers-private", b});
  }
}

XpdmStack::XpdmStack(const Scenario& sc, RunResult& r, kernel::Kernel& k, wddm::MiniportEnvironment& regs,
                     wddm::GpuSubmission& gpu, InterruptTracker& tracker,
                     std::function<void(const dxgkrnl::NotifyRecord&, int, uint64_t)> report,
                     std::function<void(const std::string&)> bugcheck)
    : r_(r),
      port_(k, regs, sc.cpu_ghz),
      miniport_(port_, gpu, xpdm_costs(sc), parse_xpdm_fault(sc.driver_fault)),
      verifier_(sc, r, tracker, std::move(report), std::move(bugcheck)),
      display_(miniport_, sc.nodes, display_load(sc),
               [this](uint32_t off) {
                 verifier_.display_access(off);
                 return regs_.READ_REGISTER_ULONG(bar_ + off);
               }),
      regs_(regs) {
  port_.set_observer(&verifier_);
  miniport_.set_completion_sink([this](const xpdm::CompletedWork& w) { display_.completed(w); });
}

kernel::InterruptObject& XpdmStack::start(uint64_t bar0, uint8_t vector) {
  bar_ = bar0;
  verifier_.set_bar(bar0);
  kernel::InterruptObject& io =
      port_.connect_interrupt("gpu", vector, &xpdm::XpdmMiniport::HwVidInterrupt, miniport_.extension());
  miniport_.HwVidInitialize(bar0, static_cast<uint32_t>(r_.scenario.nodes),
                            static_cast<uint32_t>(r_.scenario.head_hz.size()));
  display_.start();
  return io;
}

void XpdmStack::collect() {
  verifier_.finish();
  // DPCs over 100 us (the same warning as WDDM's), from the kernel's execution buckets.
  const auto d = r_.dispatch.dpc_by_driver.find(videoport::VideoPortModel::kDpcName);
  if (d != r_.dispatch.dpc_by_driver.end()) r_.dpc_over_100us = d->second.buckets[3] + d->second.buckets[4];
  r_.violations.insert(r_.violations.end(), verifier_.violations().begin(), verifier_.violations().end());
  r_.submitted = display_.submitted();
}

}  // namespace irqlab::run
