#include "ioapic.hpp"

namespace irqlab::host {

IoApic::IoApic(sc_core::sc_module_name name, uint64_t latency_ps, Deliver deliver)
    : sc_core::sc_module(name), latency_ps_(latency_ps), deliver_(std::move(deliver)) {}

void IoApic::route(unsigned line, uint8_t vector, unsigned cpu) {
  Line& l = lines_[line];
  l.vector = vector;
  l.cpu = cpu;
  l.routed = true;
  maybe_deliver(l);
}

bool IoApic::asserted(unsigned line) const {
  const auto it = lines_.find(line);
  return it != lines_.end() && !it->second.asserting.empty();
}

void IoApic::set_level(unsigned line, unsigned device, bool level) {
  Line& l = lines_[line];
  if (level)
    l.asserting.insert(device);
  else
    l.asserting.erase(device);
  maybe_deliver(l);
}

void IoApic::eoi(uint8_t vector) {
  for (auto& [n, l] : lines_) {
    if (l.vector == vector && l.in_service) {
      l.in_service = false;
      maybe_deliver(l);  // still asserted: level-triggered, interrupt again
    }
  }
}

void IoApic::maybe_deliver(Line& l) {
  // A masked entry (not yet programmed) holds the level: nothing is delivered, and
  // nothing waits for an EOI that would never come.
  if (l.asserting.empty() || l.in_service || !l.routed) return;
  l.in_service = true;
  ++deliveries_;
  const uint64_t sampled = sc_core::sc_time_stamp().value();
  const unsigned cpu = l.cpu;
  const uint8_t vector = l.vector;
  sc_core::sc_spawn([this, cpu, vector, sampled] {
    wait(sc_core::sc_time::from_value(latency_ps_));
    deliver_(cpu, vector, sampled);
  });
}

}  // namespace irqlab::host
