#include "host_cpu.hpp"

#include "tlm_payload.hpp"

namespace irqlab::host {

HostCpu::HostCpu(sc_core::sc_module_name name, unsigned index)
    : sc_core::sc_module(name), mmio("mmio"), irq_pending("irq_pending"), index_(index) {}

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

void HostCpu::deliver(const MsiMessage& m, uint64_t arrived_ps) {
  pending_.push_back(m);
  log_.push_back({m.vector, arrived_ps, sc_core::sc_time_stamp().value()});
  irq_pending.write(true);
  interrupt_.notify(sc_core::SC_ZERO_TIME);
  for (const auto& f : listeners_) f(log_.back());
}

bool HostCpu::take(MsiMessage& out) {
  if (pending_.empty()) return false;
  out = pending_.front();
  pending_.pop_front();
  irq_pending.write(!pending_.empty());
  for (const auto& f : take_listeners_) f(out.vector, !pending_.empty());
  return true;
}

}  // namespace irqlab::host
