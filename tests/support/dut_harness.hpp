// Cycle-stepping harness for directed tests of irq_ctrl: drives a PortModel (the RTL or
// the reference model) through bus accesses, pulses and config changes, and records
// every message that leaves the port with the cycle it left.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "irq_ctrl_ports.hpp"

namespace irqlab::irqctrl::test {

struct Message {
  uint64_t cycle;  ///< cycle of the valid/ready handshake
  uint64_t addr;
  uint32_t data;
  uint16_t vector;
};

class DutHarness {
 public:
  explicit DutHarness(std::unique_ptr<PortModel> dut);

  PortModel& dut() { return *dut_; }
  const Config& config() const { return dut_->config(); }
  uint64_t cycle() const { return cycle_; }
  Outputs out() const { return dut_->outputs(); }

  /// Inputs that the next tick applies. Pulses are cleared after each tick; levels
  /// (config bits, msg_ready) persist.
  Inputs& in() { return in_; }

  /// Advance n clock edges.
  void tick(unsigned n = 1);

  /// Bus accesses. `during_commit` edits the inputs of the cycle in which the write
  /// takes effect (the edge that ends it updates the registers).
  uint8_t write32(uint32_t addr, uint32_t value, const std::function<void(Inputs&)>& during_commit = {});
  uint8_t write64(uint32_t addr, uint64_t value);
  uint8_t write_raw(uint32_t addr, uint64_t data, uint8_t strobe,
                    const std::function<void(Inputs&)>& during_commit = {});
  uint32_t read32(uint32_t addr);
  uint64_t read64(uint32_t addr);

  /// Program MSI-X entry v (left masked or not as `masked` says).
  void program_vector(unsigned v, uint64_t addr, uint32_t data, bool masked);
  /// Route a source (INTR_STATUS bit) to vector v and enable it, master enable on.
  void route_and_enable(unsigned source_bit, unsigned v);
  /// One-cycle DMA_COMPLETED pulse of node n with fence f, applied at the next tick.
  void pulse_completed(unsigned node, uint32_t fence);

  std::vector<Message>& messages() { return messages_; }

 private:
  std::unique_ptr<PortModel> dut_;
  Inputs in_;
  uint64_t cycle_ = 0;
  std::vector<Message> messages_;
};

}  // namespace irqlab::irqctrl::test
