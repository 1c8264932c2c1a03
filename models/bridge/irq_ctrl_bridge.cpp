#include "irq_ctrl_bridge.hpp"

#include "tlm_payload.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

namespace irqlab::bridge {

namespace regs = irqlab::regs::irq_ctrl;

namespace {
uint64_t now_ps() {
  return sc_core::sc_time_stamp().value();
}
sc_core::sc_time ps(uint64_t v) {
  return sc_core::sc_time::from_value(v);
}

unsigned status_bit(const SourcePulse& p) {
  switch (p.kind) {
    case SourceKind::kDmaCompleted: return regs::sources::DMA_COMPLETED.lsb + p.index;
    case SourceKind::kDmaPreempted: return regs::sources::DMA_PREEMPTED.lsb + p.index;
    case SourceKind::kDmaFaulted: return regs::sources::DMA_FAULTED.lsb + p.index;
    case SourceKind::kVsync: return regs::sources::CRTC_VSYNC.lsb + p.index;
    case SourceKind::kPageFault: break;
  }
  return regs::sources::PAGE_FAULT.lsb;
}

SourcePulse pulse_of_bit(unsigned bit) {
  namespace s = regs::sources;
  SourcePulse p;
  auto in = [bit](const auto& f) { return bit >= f.lsb && bit < f.lsb + f.width; };
  if (in(s::DMA_COMPLETED)) {
    p = {SourceKind::kDmaCompleted, bit - s::DMA_COMPLETED.lsb};
  } else if (in(s::DMA_PREEMPTED)) {
    p = {SourceKind::kDmaPreempted, bit - s::DMA_PREEMPTED.lsb};
  } else if (in(s::DMA_FAULTED)) {
    p = {SourceKind::kDmaFaulted, bit - s::DMA_FAULTED.lsb};
  } else if (in(s::CRTC_VSYNC)) {
    p = {SourceKind::kVsync, bit - s::CRTC_VSYNC.lsb};
  } else {
    p = {SourceKind::kPageFault, 0};
  }
  return p;
}
}  // namespace

IrqCtrlBridge::IrqCtrlBridge(sc_core::sc_module_name name, std::unique_ptr<PortModel> model,
                             const BridgeOptions& opt)
    : sc_core::sc_module(name), mmio("mmio"), msi("msi"), model_(std::move(model)), opt_(opt) {
  mmio.register_b_transport(this, &IrqCtrlBridge::b_transport);
  if (opt_.lookahead_ps < opt_.gpu_period_ps) {
    SC_REPORT_FATAL(this->name(), "lookahead shorter than one GPU cycle: announcements could come too late");
  }
  in_.bready = in_.rready = in_.msg_ready = true;
  model_->reset();
  out_ = model_->outputs();
  SC_THREAD(run);
}

void IrqCtrlBridge::announce(uint64_t at_ps, Announced a) {
  const uint64_t c = at_ps / opt_.gpu_period_ps;
  if (c < cycle_) {
    char msg[160];
    std::snprintf(msg, sizeof msg, "input for cycle %llu announced when the model is at cycle %llu",
                  static_cast<unsigned long long>(c), static_cast<unsigned long long>(cycle_));
    SC_REPORT_FATAL(name(), msg);
  }
  calendar_.emplace(c, std::move(a));
  announced_.notify(sc_core::SC_ZERO_TIME);
}

void IrqCtrlBridge::post_pulse(uint64_t at_ps, const SourcePulse& p) {
  Announced a{Announced::kPulse, p, {}, nullptr};
  announce(at_ps, std::move(a));
}

void IrqCtrlBridge::post_config(uint64_t at_ps, const irqctrl::CfgInputs& cfg) {
  Announced a{Announced::kConfig, {}, cfg, nullptr};
  announce(at_ps, std::move(a));
}

// MMIO to BAR0: turned into one AXI4-Lite access in the cycle containing its arrival.
// Writes are posted; a read returns when the register bus has answered, annotated with
// the exact GPU cycles it took.
void IrqCtrlBridge::access(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay, bool priv) {
  const unsigned size = gp.get_data_length();
  const uint64_t offset = gp.get_address();
  if ((size != 4 && size != 8) || offset % size || offset + size > regs::kBarBytes) {
    gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  auto op = std::make_shared<MmioOp>();
  op->read = gp.is_read();
  op->priv = priv;
  op->offset = static_cast<uint32_t>(offset);
  op->size = size;
  const uint64_t at = now_ps() + delay.value();
  ++stats_.mmio;
  if (!op->read) {
    uint64_t v = 0;
    std::memcpy(&v, gp.get_data_ptr(), size);
    op->wdata = (size == 4 && (offset & 4)) ? v << 32 : v;
    announce(at, {Announced::kMmio, {}, {}, op});
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  sc_core::sc_event done;
  op->done = &done;
  announce(at, {Announced::kMmio, {}, {}, op});
  wait(done);
  const uint64_t v = (size == 4 && (offset & 4)) ? op->rdata >> 32 : op->rdata;
  std::memcpy(gp.get_data_ptr(), &v, size);
  const uint64_t answered = (op->done_cycle + 1) * opt_.gpu_period_ps;  // data leaves at that edge
  delay = ps(answered > now_ps() ? answered - now_ps() : 0);
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

// Skipping is exact when the model is idle, no input is due this cycle and the bus
// has nothing to do: stepping would change no state.
void IrqCtrlBridge::apply_pulse(const SourcePulse& p) {
  const uint8_t bit = static_cast<uint8_t>(1u << p.index);
  switch (p.kind) {
    case SourceKind::kDmaCompleted:
      in_.dma_completed |= bit;
      in_.dma_completed_fence[p.index] = p.fence;
      break;
    case SourceKind::kDmaPreempted:
      in_.dma_preempted |= bit;
      in_.dma_preempted_fence[p.index] = p.fence;
      break;
    case SourceKind::kDmaFaulted:
      in_.dma_faulted |= bit;
      in_.dma_faulted_fence[p.index] = p.fence;
      break;
    case SourceKind::kVsync: in_.vsync |= bit; break;
    case SourceKind::kPageFault:
      in_.pf = true;
      in_.pf_fence = p.fence;
      in_.pf_node = static_cast<uint8_t>(p.index);
      in_.pf_va = p.va;
      break;
  }
}

// The stuck line only: its fence input keeps whatever the last real pulse drove.
void IrqCtrlBridge::hold_source(const SourcePulse& p) {
  const uint8_t bit = static_cast<uint8_t>(1u << p.index);
  switch (p.kind) {
    case SourceKind::kDmaCompleted: in_.dma_completed |= bit; break;
    case SourceKind::kDmaPreempted: in_.dma_preempted |= bit; break;
    case SourceKind::kDmaFaulted: in_.dma_faulted |= bit; break;
    case SourceKind::kVsync: in_.vsync |= bit; break;
    case SourceKind::kPageFault: in_.pf = true; break;
  }
}

void IrqCtrlBridge::return_message_slot(uint64_t at_ps) {
  Announced a{};
  a.kind = Announced::kSlot;
  announce(at_ps, a);
}

void IrqCtrlBridge::stick_source(unsigned bit, uint64_t at_ps) {
  Announced a{};
  a.kind = Announced::kStuck;
  a.pulse = pulse_of_bit(bit);
  announce(at_ps, a);
}

// A stuck source changes the controller every cycle (it is never idle), so no skipping.
// An idle controller may still hold a request until its moderation interval ends (or
// until now, when wake_o has passed): the cycle out_.wake is stepped like an announced input.
bool IrqCtrlBridge::can_skip() const {
  if (stuck_active_ || !out_.idle || bus_op_ || !bus_queue_.empty()) return false;
  if (out_.wake <= cycle_ && !opt_.broken_skip_ignores_wake) return false;
  return calendar_.empty() || calendar_.begin()->first > cycle_;
}

void IrqCtrlBridge::drive_bus() {
  if (!bus_op_ && !bus_queue_.empty()) {
    bus_op_ = bus_queue_.front();
    bus_queue_.pop_front();
    aw_sent_ = w_sent_ = ar_sent_ = false;
  }
  in_.awvalid = in_.wvalid = in_.arvalid = false;
  if (!bus_op_) return;
  if (bus_op_->read) {
    in_.arvalid = !ar_sent_;
    in_.araddr = bus_op_->offset;
    return;
  }
  in_.awvalid = !aw_sent_;
  in_.awaddr = bus_op_->offset;
  in_.awprot = bus_op_->priv ? 1 : 0;
  in_.wvalid = !w_sent_;
  in_.wdata = bus_op_->wdata;
  in_.wstrb = bus_op_->size == 8 ? 0xFF : ((bus_op_->offset & 4) ? 0xF0 : 0x0F);
}

void IrqCtrlBridge::log(BridgeEvent e) {
  if (opt_.keep_events) events_.push_back(e);
  if (event_observer_) event_observer_(e);
}

void IrqCtrlBridge::step_one() {
  auto [first, last] = calendar_.equal_range(cycle_);
  for (auto it = first; it != last; ++it) {
    Announced& a = it->second;
    switch (a.kind) {
      case Announced::kPulse:
        apply_pulse(a.pulse);
        log({BridgeEvent::kPulse, cycle_, status_bit(a.pulse), a.pulse.fence, 0});
        break;
      case Announced::kSlot: ++slots_; break;
      case Announced::kStuck:
        stuck_active_ = true;
        stuck_ = a.pulse;
        log({BridgeEvent::kPulse, cycle_, status_bit(a.pulse), 0, 0});
        break;
      case Announced::kConfig: a.cfg.apply(in_); break;
      case Announced::kMmio: bus_queue_.push_back(a.op); break;
    }
  }
  calendar_.erase(first, last);
  drive_bus();
  if (stuck_active_) hold_source(stuck_);

  model_->step(in_);
  const Outputs before = out_;
  out_ = model_->outputs();
  if (observer_) observer_(cycle_, in_, out_);
  // Beats offered in the cycle just ended were taken if ready was high in it.
  if (in_.awvalid && before.awready) aw_sent_ = true;
  if (in_.wvalid && before.wready) w_sent_ = true;
  if (in_.arvalid && before.arready) ar_sent_ = true;
  in_.dma_completed = in_.dma_preempted = in_.dma_faulted = in_.vsync = 0;
  in_.pf = false;
  ++cycle_;
  ++stats_.cycles_stepped;
  observe();
}

// Outputs during cycle_ (msg_ready, bready and rready are always high, so every valid
// output is consumed at the edge that ends this cycle).
void IrqCtrlBridge::observe() {
  offer_message();
  if (bus_op_ && bus_op_->read && ar_sent_ && out_.rvalid) {
    bus_op_->rdata = out_.rdata;
    bus_op_->done_cycle = cycle_;
    log({BridgeEvent::kMmioRead, cycle_, bus_op_->offset, out_.rdata, 0});
    bus_op_->done->notify(sc_core::SC_ZERO_TIME);
    bus_op_.reset();
  } else if (bus_op_ && !bus_op_->read && aw_sent_ && w_sent_ && out_.bvalid) {
    bus_op_->error = out_.bresp != irqctrl::kRespOkay;
    log({BridgeEvent::kMmioWrite, cycle_, bus_op_->offset, bus_op_->wdata, out_.bresp});
    bus_op_.reset();
  }
  record_history(intx_status_history_, out_.intx_status);
  record_history(msi_pending_history_, out_.msi_pending);
  if (out_.intx != last_intx_) {
    last_intx_ = out_.intx;
    log({BridgeEvent::kIntx, cycle_, out_.intx, 0, 0});
    if (intx_sink_) intx_sink_(cycle_ * opt_.gpu_period_ps, out_.intx);
  }
}

// A value from cycle_ on. Queries are for times up to SystemC's now, never earlier than
// the cycle containing it (config reads happen now), so only the entry in force at now and
// later ones are kept: the history stays a few entries long in runs of any length.
template <typename T>
void IrqCtrlBridge::record_history(std::map<uint64_t, T>& h, T value) {
  if (!h.empty() && h.rbegin()->second == value) return;
  h[cycle_] = value;
  auto in_force = h.upper_bound(now_ps() / opt_.gpu_period_ps);
  if (in_force != h.begin()) h.erase(h.begin(), std::prev(in_force));
}

bool IrqCtrlBridge::intx_status_at(uint64_t t_ps) const {
  const uint64_t c = t_ps / opt_.gpu_period_ps;
  auto it = intx_status_history_.upper_bound(c);
  if (it == intx_status_history_.begin()) return false;  // reset value
  return std::prev(it)->second;
}

uint32_t IrqCtrlBridge::msi_pending_at(uint64_t t_ps) const {
  auto it = msi_pending_history_.upper_bound(t_ps / opt_.gpu_period_ps);
  return it == msi_pending_history_.begin() ? 0 : std::prev(it)->second;
}

// The message offered in cycle_ is taken at the edge that ends it if a transmit slot is
// free (slot returns due in cycle_ count: they are applied before the decision).
void IrqCtrlBridge::offer_message() {
  if (!slots_limited_ || !out_.msg_valid) {
    in_.msg_ready = true;
    if (out_.msg_valid) emit_msi(out_);
    return;
  }
  auto [first, last] = calendar_.equal_range(cycle_);
  for (auto it = first; it != last;) {
    if (it->second.kind != Announced::kSlot) {
      ++it;
      continue;
    }
    ++slots_;
    it = calendar_.erase(it);
  }
  const bool ready = slots_ > 0 || drop_when_full_;
  in_.msg_ready = ready;
  if (!ready) {
    ++stats_.message_hold_cycles;
    if (!holding_) ++stats_.messages_held;
    holding_ = true;
    return;
  }
  holding_ = false;
  if (slots_ == 0) {  // the broken bridge: accepted, and lost
    ++stats_.messages_dropped;
    return;
  }
  --slots_;
  emit_msi(out_);
}

void IrqCtrlBridge::emit_msi(const Outputs& o) {
  ++stats_.messages;
  log({BridgeEvent::kMsi, cycle_, o.msg_vector, o.msg_addr, o.msg_data});
  uint32_t data = o.msg_data;
  tlm::tlm_generic_payload gp;
  pcie::prepare_payload(gp, tlm::TLM_WRITE_COMMAND, o.msg_addr, &data, 4);
  const uint64_t leaves = (cycle_ + 1) * opt_.gpu_period_ps;  // accepted at the edge ending cycle_
  sc_core::sc_time delay = ps(leaves - now_ps());
  msi->b_transport(gp, delay);
}

void IrqCtrlBridge::run() {
  const uint64_t period = opt_.gpu_period_ps;
  const uint64_t lookahead = opt_.lookahead_ps;
  const uint64_t quantum = std::max<uint64_t>(1, std::min(opt_.quantum_cycles, lookahead / period));
  auto skip_to = [this](uint64_t target) {
    model_->skip_idle(target - cycle_);
    stats_.cycles_skipped += target - cycle_;
    cycle_ = target;
  };
  // The next cycle that must be stepped: an announced input, or the end of a moderation
  // interval that holds a request (the controller's wake_o; all ones when none).
  auto first_due = [this] {
    const uint64_t input = calendar_.empty() ? UINT64_MAX : calendar_.begin()->first;
    return opt_.broken_skip_ignores_wake ? input : std::min(input, out_.wake);
  };

  for (;;) {
    const uint64_t now = now_ps();
    // An idle model may have been left behind SystemC time: nothing could change it.
    if (cycle_ < now / period) {
      if (!can_skip()) SC_REPORT_FATAL(name(), "controller model fell behind SystemC time while busy");
      skip_to(std::min(now / period, first_due()));
    }
    // No announcement made from now on can target a cycle before `safe`.
    const uint64_t safe = (now + lookahead) / period;
    const uint64_t limit = std::min(safe, cycle_ + quantum);
    if (cycle_ < limit) ++stats_.bursts;
    while (cycle_ < limit) {
      if (opt_.idle_skip && can_skip()) {
        skip_to(std::min(limit, first_due()));
        continue;
      }
      step_one();
    }
    if (opt_.idle_skip && can_skip()) {
      // Sleep until an announcement, or until the first announced input becomes safe.
      const uint64_t due = first_due();
      if (due == UINT64_MAX) {
        wait(announced_);
        continue;
      }
      const uint64_t wake = (due + 1) * period > lookahead ? (due + 1) * period - lookahead : 0;
      if (wake > now) wait(ps(wake - now), announced_);
      continue;
    }
    // Busy: wake when the horizon allows a full quantum (never later than cycle_'s time).
    const uint64_t horizon_needed = (cycle_ + quantum) * period;
    if (horizon_needed > now + lookahead) wait(ps(horizon_needed - lookahead - now));
  }
}

}  // namespace irqlab::bridge
