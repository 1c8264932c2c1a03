// The benchmark workload as a fixed schedule of input events at exact GPU cycles, so the
// raw loop, the naive sc_clock co-simulation and the platform see identical inputs and
// must report identical messages. Boot writes program vector n for node n (unmasked),
// enable every source and the master; then DMA completions on random nodes at a mean
// density of one per `interval` cycles, each status bit cleared (W1C) `clear_after`
// cycles later, as an ISR would.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "irq_ctrl_ports.hpp"

namespace irqlab::bench {

struct ScheduledInput {
  enum Kind { kPulse, kWrite } kind;
  uint64_t cycle;
  unsigned node = 0;   ///< pulse
  uint32_t fence = 0;  ///< pulse
  uint32_t addr = 0;   ///< write (BAR offset, 4 bytes)
  uint32_t value = 0;  ///< write
};

/// The first scheduled input; a simulator may announce inputs this many cycles ahead.
inline constexpr uint64_t kFirstCycle = 256;

struct WorkloadSpec {
  uint64_t cycles = 20'000'000;
  uint32_t interval = 2000;
  uint32_t clear_after = 500;
  uint64_t seed = 1;
  std::string describe() const;
};

std::vector<ScheduledInput> make_schedule(const WorkloadSpec& spec, const irqctrl::Config& cfg);

/// Messages folded in issue order: (cycle the message is valid, vector, address, data).
class Checksum {
 public:
  void message(uint64_t cycle, uint16_t vector, uint64_t addr, uint32_t data);
  uint64_t value() const { return h_; }
  uint64_t count() const { return n_; }

 private:
  uint64_t h_ = 0xCBF29CE484222325ull;
  uint64_t n_ = 0;
};

/// Drives the schedule into a PortModel-style Inputs struct one cycle at a time, with
/// the same AXI handshake the platform's bridge uses (valid until ready, one at a time).
class ScheduleDriver {
 public:
  explicit ScheduleDriver(const std::vector<ScheduledInput>& s) : s_(s) {}
  /// Inputs for cycle c, given the outputs during cycle c.
  void apply(uint64_t c, const irqctrl::Outputs& out, irqctrl::Inputs& in);

 private:
  const std::vector<ScheduledInput>& s_;
  size_t next_ = 0;
  std::vector<ScheduledInput> queue_;
  bool active_ = false, aw_ = false, w_ = false;
  irqctrl::Inputs last_;
  irqctrl::Outputs prev_out_;
};

/// Replay the schedule on a cycle model for `cycles` cycles (MSI-X on, all readies high),
/// folding every message into `sum`.
void replay(irqctrl::PortModel& dut, const std::vector<ScheduledInput>& schedule, uint64_t cycles,
            Checksum& sum);

}  // namespace irqlab::bench
