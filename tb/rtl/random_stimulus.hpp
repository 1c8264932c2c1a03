// Seeded, constrained-random stimulus for irq_ctrl: an AXI4-Lite master that obeys the
// protocol (holds valid until ready), engines pulsing with fences, a message sink with
// back-pressure phases, and config-space toggles. Weighted towards what a driver does
// (mostly legal, mostly unmasked, MSI-X mostly on) so every rule gets exercised.
#pragma once

#include <cstdint>
#include <random>

#include "irq_ctrl_ports.hpp"

namespace irqlab::irqctrl {

class RandomStimulus {
 public:
  RandomStimulus(uint64_t seed, const Config& cfg);
  /// Inputs for the next edge, given the device's outputs in this cycle.
  Inputs next(const Outputs& dut);

 private:
  bool chance(uint32_t per_mille) { return rng_() % 1000 < per_mille; }
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(rng_() % n); }
  void new_write();
  void new_read();
  uint32_t random_address();
  void update_phases();

  Config cfg_;
  std::mt19937_64 rng_;
  Inputs cur_;
  std::array<uint32_t, regs::kNumNodesMax> fence_{};
  Outputs last_;  // device outputs of the previous cycle: tell which beats were taken
  // a write whose AW and W beats are still to be presented, each after a delay
  bool aw_todo_ = false, w_todo_ = false;
  uint32_t aw_delay_ = 0, w_delay_ = 0;
  // phases
  uint64_t cycle_ = 0;
  uint64_t phase_end_ = 0;
  uint32_t event_rate_ = 0;  // per mille per node per cycle
  uint32_t ready_rate_ = 0;  // per mille
  uint32_t bus_rate_ = 0;    // per mille chance to start an access
};

}  // namespace irqlab::irqctrl
