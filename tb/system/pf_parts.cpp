#include "pf_parts.hpp"

#include <map>

namespace irqlab::run {

kmd::DriverFault parse_fault(const std::string& s) {
  static const std::map<std::string, kmd::DriverFault> k = {
      {"none", kmd::DriverFault::kNone},
      {"calls-synchronize-from-isr", kmd::DriverFault::kCallsSynchronizeFromIsr},
      {"notify-from-wrong-message", kmd::DriverFault::kNotifyFromWrongMessage},
      {"notify-reentrant", kmd::DriverFault::kNotifyReentrant},
      {"crtc-before-dma", kmd::DriverFault::kCrtcBeforeDma},
      {"no-queue-dpc", kmd::DriverFault::kNoQueueDpc},
      {"dpc-skips-notify-dpc", kmd::DriverFault::kDpcSkipsNotifyDpc},
      {"no-dismiss", kmd::DriverFault::kNoDismiss},
      {"report-unsubmitted-fence", kmd::DriverFault::kReportUnsubmittedFence},
      {"report-fence-twice", kmd::DriverFault::kReportFenceTwice},
      {"drop-fences", kmd::DriverFault::kDropFences},
      {"claims-foreign-interrupts", kmd::DriverFault::kClaimsForeignInterrupts},
      {"isr-hang", kmd::DriverFault::kIsrHang},
      {"dpc-hang", kmd::DriverFault::kDpcHang},
      {"no-mask-on-stop", kmd::DriverFault::kNoMaskOnStop},
      {"notify-from-dpc", kmd::DriverFault::kNotifyFromDpc},
      {"notify-dpc-at-passive", kmd::DriverFault::kNotifyDpcAtPassive},
      {"drop-vsyncs", kmd::DriverFault::kDropVsyncs},
      {"no-flush", kmd::DriverFault::kNoFlush},
      {"dismiss-last-no-flush", kmd::DriverFault::kDismissLastNoFlush},
      {"reports-dma-faulted", kmd::DriverFault::kReportsDmaFaulted},
      {"reset-fails", kmd::DriverFault::kResetFails},
      {"preempt-wrong-fence", kmd::DriverFault::kPreemptWrongFence},
      {"trusts-all-ones", kmd::DriverFault::kTrustsAllOnes},
      {"dismiss-all-when-idle", kmd::DriverFault::kDismissAllWhenIdle},
  };
  const auto it = k.find(s);
  if (it == k.end()) {
    std::string list;
    for (const auto& [n, f] : k) list += (list.empty() ? "" : ", ") + n;
    throw ScenarioError("driver.fault: '" + s + "' is not one of " + list);
  }
  return it->second;
}

double sample_us(const Distribution& d, std::mt19937_64& rng) {
  switch (d.kind) {
    case Distribution::kFixed: return d.a;
    case Distribution::kUniform: return std::uniform_real_distribution<double>(d.a, d.b)(rng);
    case Distribution::kExponential: return std::exponential_distribution<double>(1.0 / d.a)(rng);
  }
  return d.a;
}

}  // namespace irqlab::run
