#include "host_complex.hpp"

#include <string>

namespace irqlab::platform {

HostComplex::HostComplex(const pcie::LinkTiming& timing, const pcie::PcieProfile& profile, unsigned cpus_n)
    : lapic("lapic", profile.lapic_latency_ps, cpus_n),
      rc("rc", timing, memory, lapic),
      ioapic("ioapic", profile.lapic_latency_ps, [this](unsigned cpu, uint8_t vector, uint64_t sampled) {
        host::MsiMessage m;
        m.dest_apic_id = static_cast<uint8_t>(cpu);
        m.vector = vector;
        m.level_triggered = true;  // Remote IRR stays set until the EOI broadcast
        cpus[cpu]->deliver(m, sampled);
      }) {
  lapic.set_deliver(
      [this](unsigned cpu, const host::MsiMessage& m, uint64_t arrived) { cpus[cpu]->deliver(m, arrived); });
}

void HostComplex::add_cpus(unsigned n) {
  for (unsigned c = 0; c < n; ++c) {
    cpus.push_back(std::make_unique<host::HostCpu>(("cpu" + std::to_string(c)).c_str(), c));
    cpus.back()->mmio.bind(rc.cpu_side);
    cpus.back()->set_eoi_broadcast([this](uint8_t vector) { ioapic.eoi(vector); });
  }
}

unsigned HostComplex::add_port(pcie::LinkDirection& down, pcie::LinkDirection& up,
                               std::function<void(const pcie::Tlp&)> tap) {
  const unsigned port = rc.add_port(down);
  rc.attach_upstream(port, up);
  up.set_receiver([this, port, tap = std::move(tap)](const pcie::Tlp& t) {
    if (tap) tap(t);
    rc.on_upstream(t, port);
  });
  return port;
}

std::vector<host::HostCpu*> HostComplex::cpu_pointers() const {
  std::vector<host::HostCpu*> v;
  for (const auto& c : cpus) v.push_back(c.get());
  return v;
}

}  // namespace irqlab::platform
