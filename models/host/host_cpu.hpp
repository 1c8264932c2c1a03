// A host CPU as the platform sees it: an MMIO initiator into the root complex and an
// interrupt input from the LAPIC. Issue #4 gives it IRQL, ISR dispatch and DPC queues;
// here it records each delivered vector and keeps a pending line per CPU.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "lapic.hpp"

namespace irqlab::host {

class HostCpu : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<HostCpu> mmio;
  /// High while a delivered interrupt has not been taken (for waveforms, and #4).
  sc_core::sc_signal<bool, sc_core::SC_MANY_WRITERS> irq_pending;

  HostCpu(sc_core::sc_module_name name, unsigned index);

  /// Blocking MMIO through the root complex; the caller's SystemC time advances by the
  /// modelled round trip (reads) or the posting cost (writes). Returns false on an error
  /// response (the read data is then all ones).
  bool read(uint64_t addr, void* data, unsigned size);
  bool write(uint64_t addr, const void* data, unsigned size);
  uint32_t read32(uint64_t addr);
  void write32(uint64_t addr, uint32_t value);

  /// Called by the LAPIC.
  void deliver(const MsiMessage& m, uint64_t arrived_ps);
  /// Take the oldest pending vector (false if none).
  bool take(MsiMessage& out);

  struct Delivery {
    uint8_t vector;
    uint64_t arrived_ps;    ///< MSI write reached the root complex
    uint64_t delivered_ps;  ///< interrupt asserted at this CPU
  };
  const std::deque<Delivery>& deliveries() const { return log_; }
  /// Every listener is called at each delivery (checkers, waveforms, #4's kernel).
  void add_interrupt_listener(std::function<void(const Delivery&)> f) { listeners_.push_back(std::move(f)); }
  /// Called when an interrupt is taken: the vector and whether others are still pending.
  void add_take_listener(std::function<void(uint8_t, bool)> f) { take_listeners_.push_back(std::move(f)); }
  unsigned index() const { return index_; }
  sc_core::sc_event& interrupt_event() { return interrupt_; }

 private:
  bool transport(tlm::tlm_command cmd, uint64_t addr, void* data, unsigned size);

  unsigned index_;
  std::deque<MsiMessage> pending_;
  std::deque<Delivery> log_;
  sc_core::sc_event interrupt_;
  std::vector<std::function<void(const Delivery&)>> listeners_;
  std::vector<std::function<void(uint8_t, bool)>> take_listeners_;
};

}  // namespace irqlab::host
