#include "host_cpu.hpp"

#include "tlm_payload.hpp"

namespace irqlab::host {

HostCpu::HostCpu(sc_core::sc_module_name name, unsigned index)
    : sc_core::sc_module(name), mmio("mmio"), index_(index) {}

bool HostCpu::transport(tlm::tlm_command cmd, uint64_t addr, void* data, unsigned size) {
  tlm::tlm_generic_payload gp;
  pcie::prepare_payload(gp, cmd, addr, data, size);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  mmio->b_transport(gp, delay);
  wait(delay);  // the CPU is stalled for the whole modelled access
  return gp.is_response_ok();
}

bool HostCpu::read(uint64_t addr, void* data, unsigned size) {
  return transport(tlm::TLM_READ_COMMAND, addr, data, size);
}
bool HostCpu::write(uint64_t addr, const void* data, unsigned size) {
  return transport(tlm::TLM_WRITE_COMMAND, addr, const_cast<void*>(data), size);
}
uint32_t HostCpu::read32(uint64_t addr) {
  uint32_t v = 0;
  read(addr, &v, 4);
  return v;
}
void HostCpu::write32(uint64_t addr, uint32_t value) {
  write(addr, &value, 4);
}

// Listeners (waveforms) see IRR change; no sc_signal, since several processes (the APIC
// bus, the I/O APIC, the CPU's own dispatch) change IRR, possibly in one delta cycle.
void HostCpu::apic_changed() {
  const bool any = apic_.any_requested();
  for (const auto& f : apic_listeners_) f(any, apic_.highest_requested());
}

void HostCpu::deliver(const MsiMessage& m, uint64_t arrived_ps) {
  const uint64_t now = sc_core::sc_time_stamp().value();
  const bool merged = apic_.request(m.vector, m.level_triggered, now) == LocalApic::Accept::kMerged;
  const Delivery d{m.vector, arrived_ps, now, merged};
  if (!merged) apic_changed();
  for (const auto& f : listeners_) f(d);
}

bool HostCpu::acknowledge(uint8_t& vector, uint64_t& requested_ps) {
  if (!apic_.acknowledge(vector, requested_ps)) return false;
  apic_changed();
  return true;
}

std::optional<LocalApic::Eoi> HostCpu::end_of_interrupt() {
  const auto e = apic_.eoi();
  if (e && e->level_triggered && eoi_broadcast_) eoi_broadcast_(e->vector);
  return e;
}

}  // namespace irqlab::host
