// A fixed, seeded interrupt workload for throughput benchmarks: DMA completions on
// random nodes at a mean density of one per `interval` cycles, every source routed to
// its own unmasked vector, messages always accepted, and an ISR-like W1C of the
// source's status bit `isr_delay` cycles after its message. It folds every message
// into a checksum so different simulators of the same workload can be compared.
#pragma once

#include <cstdint>
#include <deque>

#include "irq_ctrl_ports.hpp"

namespace irqlab::irqctrl {

struct WorkloadSpec {
  uint64_t seed = 1;
  uint32_t interval = 2000;  ///< mean GPU cycles between interrupts
  uint32_t isr_delay = 200;  ///< cycles from message to the W1C write
};

class IsrWorkload {
 public:
  IsrWorkload(const WorkloadSpec& spec, const Config& cfg);
  /// Inputs for the next edge, given this cycle's outputs.
  const Inputs& next(const Outputs& out);
  uint64_t checksum() const { return checksum_; }
  uint64_t messages() const { return messages_; }
  uint64_t events() const { return events_; }

 private:
  struct Write {
    uint32_t addr;
    uint64_t data;
    uint8_t strobe;
    uint64_t due;
  };
  uint64_t rand();
  void queue32(uint32_t addr, uint32_t value, uint64_t due);

  WorkloadSpec spec_;
  Config cfg_;
  Inputs in_;
  uint64_t state_;
  uint64_t cycle_ = 0;
  uint64_t next_event_ = 0;
  uint32_t fence_ = 0;
  std::deque<Write> writes_;
  uint64_t checksum_ = 0;
  uint64_t messages_ = 0;
  uint64_t events_ = 0;
};

}  // namespace irqlab::irqctrl
