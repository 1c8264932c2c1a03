// A second, simple device on a shared INTx line: it raises its interrupt on its own
// (Poisson) schedule and holds the line until its ISR services it. It counts what it
// raised and what was serviced, so a test can prove no interrupt was lost.
#pragma once

#include <systemc>

#include <cstdint>
#include <random>

#include "ioapic.hpp"

namespace irqlab::host {

class SharedLineDevice : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(SharedLineDevice);
  SharedLineDevice(sc_core::sc_module_name name, IoApic& ioapic, unsigned line, unsigned device_id,
                   double rate_hz, uint64_t seed, uint64_t until_ps);
  /// What its ISR does: true (and the line released) if it had raised the interrupt.
  bool service();
  uint64_t raised() const { return raised_; }
  uint64_t serviced() const { return serviced_; }
  /// Events that arrived while one was already pending (they merge into it).
  uint64_t merged() const { return merged_; }
  /// Longest time from raising the line to its ISR servicing it.
  uint64_t max_wait_ps() const { return max_wait_ps_; }
  bool pending() const { return pending_; }

 private:
  void run();
  IoApic& ioapic_;
  unsigned line_, id_;
  double rate_hz_;
  std::mt19937_64 rng_;
  uint64_t until_ps_;
  bool pending_ = false;
  uint64_t raised_ = 0, serviced_ = 0, merged_ = 0;
  uint64_t raised_at_ = 0, max_wait_ps_ = 0;
};

}  // namespace irqlab::host
