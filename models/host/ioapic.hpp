// An I/O APIC for INTx: each line is the OR of every device asserting it (a shared line).
// Level-triggered: an asserted line is delivered once (to its vector and CPU, through the
// LAPIC path), and again at EOI if some device still asserts it.
#pragma once

#include <systemc>

#include <cstdint>
#include <functional>
#include <map>
#include <set>

namespace irqlab::host {

class IoApic : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(IoApic);
  /// cpu, vector, time the line was sampled (for latency)
  using Deliver = std::function<void(unsigned cpu, uint8_t vector, uint64_t sampled_ps)>;

  IoApic(sc_core::sc_module_name name, uint64_t latency_ps, Deliver deliver);

  /// Programs and unmasks the line's redirection entry; a line already asserted is then
  /// delivered (level-triggered).
  void route(unsigned line, uint8_t vector, unsigned cpu);
  /// Device `device` drives `line` to `level` now.
  void set_level(unsigned line, unsigned device, bool level);
  /// End of interrupt for `vector` (from the kernel, after the ISR chain ran).
  void eoi(uint8_t vector);
  bool asserted(unsigned line) const;
  uint64_t deliveries() const { return deliveries_; }

 private:
  struct Line {
    uint8_t vector = 0;
    unsigned cpu = 0;
    std::set<unsigned> asserting;
    bool routed = false;      ///< entries come out of reset masked until the OS programs them
    bool in_service = false;  ///< delivered, waiting for EOI (remote IRR)
  };
  void maybe_deliver(Line& l);

  uint64_t latency_ps_;
  Deliver deliver_;
  std::map<unsigned, Line> lines_;
  uint64_t deliveries_ = 0;
};

}  // namespace irqlab::host
