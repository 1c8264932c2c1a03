// A host CPU as the platform sees it: an MMIO initiator into the root complex, and its
// local APIC (local_apic.hpp), which accepts fixed interrupts from the APIC bus (MSIs,
// the I/O APIC, IPIs) into IRR and hands the kernel model the vector to dispatch.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "lapic.hpp"
#include "local_apic.hpp"

namespace irqlab::host {

class HostCpu : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<HostCpu> mmio;

  HostCpu(sc_core::sc_module_name name, unsigned index);

  /// Blocking MMIO through the root complex; the caller's SystemC time advances by the
  /// modelled round trip (reads) or the posting cost (writes). Returns false on an error
  /// response (the read data is then all ones).
  bool read(uint64_t addr, void* data, unsigned size);
  bool write(uint64_t addr, const void* data, unsigned size);
  uint32_t read32(uint64_t addr);
  void write32(uint64_t addr, uint32_t value);

  /// A fixed interrupt reaches this CPU's local APIC now (`arrived_ps`: when its MSI
  /// write reached the root complex, or when the I/O APIC sampled the line).
  void deliver(const MsiMessage& m, uint64_t arrived_ps);

  struct Delivery {
    uint8_t vector;
    uint64_t arrived_ps;    ///< MSI write reached the root complex
    uint64_t delivered_ps;  ///< the local APIC accepted it
    bool merged;            ///< its IRR bit was already set: it collapsed into that request
  };
  /// Every listener is called at each delivery (checkers, waveforms, the kernel).
  void add_interrupt_listener(std::function<void(const Delivery&)> f) { listeners_.push_back(std::move(f)); }
  /// Called whenever IRR changes: whether any vector is requested, and the highest one.
  void add_apic_listener(std::function<void(bool, uint8_t)> f) { apic_listeners_.push_back(std::move(f)); }
  /// Where the local APIC broadcasts the EOI of a level-triggered vector (the I/O APIC).
  void set_eoi_broadcast(std::function<void(uint8_t vector)> f) { eoi_broadcast_ = std::move(f); }

  /// Interrupt acknowledge (the kernel's dispatch): see LocalApic::acknowledge.
  bool acknowledge(uint8_t& vector, uint64_t& requested_ps);
  /// End of interrupt: clears the highest in-service vector; broadcasts if level-triggered.
  std::optional<LocalApic::Eoi> end_of_interrupt();
  /// The task priority (the kernel keeps it equal to IRQL << 4).
  void set_tpr(uint8_t tpr) { apic_.set_tpr(tpr); }
  const LocalApic& apic() const { return apic_; }
  unsigned index() const { return index_; }

 private:
  bool transport(tlm::tlm_command cmd, uint64_t addr, void* data, unsigned size);
  void apic_changed();

  unsigned index_;
  LocalApic apic_;
  std::vector<std::function<void(const Delivery&)>> listeners_;
  std::vector<std::function<void(bool, uint8_t)>> apic_listeners_;
  std::function<void(uint8_t)> eoi_broadcast_;
};

}  // namespace irqlab::host
