#include "fault_injection.hpp"

#include "irq_ctrl_regs.hpp"
#include "lapic.hpp"
#include "source_info.hpp"

namespace irqlab::run {

namespace regs = irqlab::regs::irq_ctrl;

namespace {
uint64_t now_ps() {
  return sc_core::sc_time_stamp().value();
}
}  // namespace

FaultInjection::FaultInjection(sc_core::sc_module_name name, const Scenario& sc, platform::Platform& p,
                               RunResult& r, InterruptTracker& tracker)
    : sc_core::sc_module(name), sc_(sc), p_(p), r_(r), tracker_(tracker) {
  if (sc.completion_timeout_us > 0)
    p.rc.set_completion_timeout(static_cast<uint64_t>(sc.completion_timeout_us * 1e6));
  if (sc.drop_msi) p.rc.drop_msi(sc.drop_msi);
  if (sc.corrupt_tlp_every) {
    p.upstream.corrupt_every(sc.corrupt_tlp_every, sc.link_replay);
    p.downstream.corrupt_every(sc.corrupt_tlp_every, sc.link_replay);
  }
  if (sc.message_slots) p.limit_message_slots(sc.message_slots, sc.message_drop_when_full);
  if (sc.stuck_source_bit >= 0) {
    p.controller.stick_source(static_cast<unsigned>(sc.stuck_source_bit),
                              static_cast<uint64_t>(sc.stuck_at_ms * 1e9));
  }
  tracking_ = sc.message_slots > 0 || sc.drop_msi > 0;
  if (tracking_)
    p.rc.set_msi_observer([this](unsigned port, uint64_t addr, uint32_t data, bool dropped) {
      if (port == 0) message_arrived(addr, data, dropped);
    });
  if (sc.spurious_msi_every_us > 0) SC_THREAD(spurious_thread);
}

void FaultInjection::adapter_started(uint64_t msi_address, uint32_t msi_data) {
  msi_address_ = msi_address;
  msi_data_ = msi_data;
  started_ = true;
  started_event_.notify(sc_core::SC_ZERO_TIME);
}

// A spurious MSI: the function sends the adapter's message with no status bit behind it,
// every `spurious_msi_every_us` while the adapter is started.
void FaultInjection::spurious_thread() {
  const auto period = sc_core::sc_time::from_value(static_cast<uint64_t>(sc_.spurious_msi_every_us * 1e6));
  wait(started_event_);
  for (;;) {
    wait(period);
    if (!started_) continue;
    p_.function.inject_msi(msi_address_, msi_data_, now_ps());
    ++r_.faults.spurious_injected;
  }
}

void FaultInjection::message_emitted(uint64_t addr, uint32_t data) {
  if (!tracking_) return;
  ++r_.faults.messages_emitted;
  in_flight_.emplace_back(addr, data);
}

// Messages must reach the root complex in the order the controller emitted them, none
// lost; injected spurious MSIs are the only ones that match nothing.
void FaultInjection::message_arrived(uint64_t addr, uint32_t data, bool dropped) {
  if (dropped) {
    r_.faults.msi_dropped_ps = now_ps();
    r_.faults.pending_at_drop = tracker_.pending_sources(now_ps());
    if (data == msi_data_) tracker_.msi_lost();  // message 0's
  }
  if (!in_flight_.empty() && in_flight_.front() == std::make_pair(addr, data)) {
    in_flight_.pop_front();
    ++r_.faults.messages_arrived;
    return;
  }
  if (r_.faults.spurious_injected > 0 && addr == msi_address_ && data == msi_data_) return;
  if (r_.faults.message_order_breaks++ == 0) r_.faults.first_order_break = r_.faults.messages_arrived;
  ++r_.faults.messages_arrived;
  if (!in_flight_.empty()) in_flight_.pop_front();
}

void FaultInjection::access(unsigned cpu, bool write, uint64_t offset, uint32_t value) {
  IsrMarks* i = tracker_.current_isr(cpu);
  if (write && offset == regs::INTR_STATUS::kOffset) {
    if (has_reserved_source_bits(value)) {
      if (r_.faults.w1c_reserved++ == 0) r_.faults.first_w1c_reserved_ps = now_ps();
    }
    if (i) i->dismissed |= value;
  }
  if (!write && offset == regs::INTR_PENDING::kOffset && i && i->pending < 0) i->pending = value;
}

void FaultInjection::collect() {
  auto& f = r_.faults;
  f.upstream = p_.upstream.stats();
  f.downstream = p_.downstream.stats();
  f.timeouts = p_.rc.timeouts();
  const auto& b = p_.controller.stats();
  f.messages_held = b.messages_held;
  f.message_hold_cycles = b.message_hold_cycles;
  f.messages_lost_in_bridge = b.messages_dropped;
}

}  // namespace irqlab::run
