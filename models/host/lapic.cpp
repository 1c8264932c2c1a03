#include "lapic.hpp"

#include <cstdio>
#include <string>

namespace irqlab::host {

bool decode_msi(uint64_t addr, uint32_t data, MsiMessage& m) {
  if (!is_msi_address(addr)) return false;
  m.dest_apic_id = static_cast<uint8_t>((addr >> 12) & 0xFF);
  m.redirection_hint = (addr >> 3) & 1;
  m.logical_dest = (addr >> 2) & 1;
  m.vector = static_cast<uint8_t>(data & 0xFF);
  m.delivery_mode = static_cast<uint8_t>((data >> 8) & 0x7);
  m.level = (data >> 14) & 1;
  m.level_triggered = (data >> 15) & 1;
  return true;
}

uint64_t msi_address(uint8_t apic_id) {
  return 0xFEE0'0000ull | (uint64_t{apic_id} << 12);
}
uint32_t msi_data(uint8_t vector) {
  return vector;
}

Lapic::Lapic(sc_core::sc_module_name name, uint64_t latency_ps, unsigned num_cpus)
    : sc_core::sc_module(name), latency_ps_(latency_ps), num_cpus_(num_cpus) {
  SC_THREAD(deliver_thread);
}

void Lapic::message(uint64_t addr, uint32_t data) {
  MsiMessage m;
  const uint64_t now = sc_core::sc_time_stamp().value();
  if (!decode_msi(addr, data, m) || m.dest_apic_id >= num_cpus_ || m.vector < 16) {
    ++dropped_;
    char msg[128];
    std::snprintf(msg, sizeof msg,
                  "undeliverable MSI addr=0x%llx data=0x%x (no such APIC ID or reserved vector)",
                  static_cast<unsigned long long>(addr), data);
    SC_REPORT_WARNING(name(), msg);
    return;
  }
  pending_.push_back({now + latency_ps_, m.dest_apic_id, m, now});
  wake_.notify(sc_core::sc_time::from_value(pending_.front().due_ps - now));
}

void Lapic::deliver_thread() {
  for (;;) {
    wait(wake_);
    const uint64_t now = sc_core::sc_time_stamp().value();
    size_t i = 0;
    for (; i < pending_.size() && pending_[i].due_ps <= now; ++i) {
      if (deliver_) deliver_(pending_[i].cpu, pending_[i].msg, pending_[i].arrived_ps);
    }
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<long>(i));
    if (!pending_.empty()) wake_.notify(sc_core::sc_time::from_value(pending_.front().due_ps - now));
  }
}

}  // namespace irqlab::host
