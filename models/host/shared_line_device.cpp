#include "shared_line_device.hpp"

#include "poisson_gap.hpp"

#include <algorithm>

namespace irqlab::host {

SharedLineDevice::SharedLineDevice(sc_core::sc_module_name name, IoApic& ioapic, unsigned line,
                                   unsigned device_id, double rate_hz, uint64_t seed, uint64_t until_ps)
    : sc_core::sc_module(name),
      ioapic_(ioapic),
      line_(line),
      id_(device_id),
      rate_hz_(rate_hz),
      rng_(seed),
      until_ps_(until_ps) {
  SC_THREAD(run);
}

void SharedLineDevice::run() {
  if (rate_hz_ <= 0) return;
  std::exponential_distribution<double> gap(rate_hz_);
  for (;;) {
    const uint64_t now = sc_core::sc_time_stamp().value();
    if (now >= until_ps_) return;
    wait(sc_core::sc_time::from_value(bounded_gap_ps(gap(rng_), until_ps_ - now)));
    if (sc_core::sc_time_stamp().value() >= until_ps_) return;
    if (pending_) {  // still waiting for service: the new event merges
      ++merged_;
      continue;
    }
    pending_ = true;
    ++raised_;
    raised_at_ = sc_core::sc_time_stamp().value();
    ioapic_.set_level(line_, id_, true);
  }
}

bool SharedLineDevice::service() {
  if (!pending_) return false;
  pending_ = false;
  ++serviced_;
  max_wait_ps_ = std::max<uint64_t>(max_wait_ps_, sc_core::sc_time_stamp().value() - raised_at_);
  ioapic_.set_level(line_, id_, false);
  return true;
}

}  // namespace irqlab::host
