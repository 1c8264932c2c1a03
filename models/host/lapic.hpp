// x86 local APIC message decode (Intel SDM vol. 3, 11.11): an MSI is a 4-byte write to
// 0xFEEx_xxxx; address bits 19:12 are the destination APIC ID, bit 3 the redirection
// hint, bit 2 the destination mode; data bits 7:0 the vector, 10:8 the delivery mode,
// 14 the level and 15 the trigger mode. Delivery to the CPU takes lapic_latency.
#pragma once

#include <systemc>

#include <cstdint>
#include <functional>
#include <vector>

namespace irqlab::host {

struct MsiMessage {
  uint8_t dest_apic_id = 0;
  bool redirection_hint = false;
  bool logical_dest = false;
  uint8_t vector = 0;
  uint8_t delivery_mode = 0;  ///< 0 fixed, 1 lowest priority, 2 SMI, 4 NMI, 5 INIT, 7 ExtINT
  bool level = false;
  bool level_triggered = false;
};

/// True for the x86 interrupt window 0xFEE0_0000-0xFEEF_FFFF, where writes are MSIs.
inline bool is_msi_address(uint64_t addr) {
  return (addr >> 20) == 0xFEE;
}

/// Decodes an MSI address/data pair; false if the address is outside 0xFEE0_0000-0xFEEF_FFFF.
bool decode_msi(uint64_t addr, uint32_t data, MsiMessage& out);

/// The message address and data that target `apic_id` with `vector` (fixed, edge).
uint64_t msi_address(uint8_t apic_id);
uint32_t msi_data(uint8_t vector);

class Lapic : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Lapic);
  /// cpu index, message, write arrival time (ps), delivery time (ps)
  using Deliver = std::function<void(unsigned cpu, const MsiMessage&, uint64_t arrived_ps)>;

  Lapic(sc_core::sc_module_name name, uint64_t latency_ps, unsigned num_cpus);
  void set_deliver(Deliver d) { deliver_ = std::move(d); }
  /// An MSI write reached the root complex now.
  void message(uint64_t addr, uint32_t data);
  uint64_t latency_ps() const { return latency_ps_; }
  uint64_t dropped() const { return dropped_; }

 private:
  struct Pending {
    uint64_t due_ps;
    unsigned cpu;
    MsiMessage msg;
    uint64_t arrived_ps;
  };
  void deliver_thread();

  uint64_t latency_ps_;
  unsigned num_cpus_;
  std::vector<Pending> pending_;  // in arrival order; latency is constant, so also due order
  sc_core::sc_event wake_;
  Deliver deliver_;
  uint64_t dropped_ = 0;
};

}  // namespace irqlab::host
