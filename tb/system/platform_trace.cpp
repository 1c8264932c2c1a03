#include "platform_trace.hpp"

#include <cstring>

namespace irqlab::platform {

using pcie::TlpType;

PlatformTrace::PlatformTrace(sc_core::sc_module_name name, Platform& p, const TraceRequest& req)
    : sc_core::sc_module(name), p_(p) {
  if (req.format == waves::Format::kNone) return;
  w_ = std::make_unique<waves::WaveWriter>(req.path, req.format, req.start_ps, req.end_ps);
  auto& w = *w_;
  const std::string c = "platform.irq_ctrl";
  cycle_ = w.add_var(c, "gpu_cycle", 64);
  static const char* kIn[] = {"dma_completed_i",
                              "dma_preempted_i",
                              "dma_faulted_i",
                              "vsync_i",
                              "pf_i",
                              "cfg_msix_enable_i",
                              "cfg_msix_func_mask_i",
                              "cfg_intx_disable_i",
                              "awvalid_i",
                              "awaddr_i",
                              "wvalid_i",
                              "wdata_i",
                              "wstrb_i",
                              "arvalid_i"};
  static const unsigned kInW[] = {8, 8, 8, 4, 1, 1, 1, 1, 1, 17, 1, 64, 8, 1};
  for (int i = 0; i < 14; ++i) in_[i] = w.add_var(c, kIn[i], kInW[i]);
  static const char* kOut[] = {"araddr_i",   "awready_o",    "wready_o", "bvalid_o",    "bresp_o",
                               "arready_o",  "rvalid_o",     "rdata_o",  "msg_valid_o", "msg_addr_o",
                               "msg_data_o", "msg_vector_o", "intx_o",   "idle_o"};
  static const unsigned kOutW[] = {17, 1, 1, 1, 2, 1, 1, 64, 1, 64, 32, 11, 1, 1};
  for (int i = 0; i < 14; ++i) out_[i] = w.add_var(c, kOut[i], kOutW[i]);
  const LinkVars down = add_link("platform.link.downstream");
  const LinkVars up = add_link("platform.link.upstream");
  msi_[0] = w.add_var("platform.root_complex", "msi_addr", 64);
  msi_[1] = w.add_var("platform.root_complex", "msi_data", 32);
  msi_[2] = w.add_var("platform.root_complex", "msi_count", 32);
  for (const auto& cpu : p.cpus) {
    const std::string s = "platform.cpu" + std::to_string(cpu->index());
    const std::string n = "cpu" + std::to_string(cpu->index());
    cpu_.emplace_back(w.add_var(s, n + "_irq_pending", 1), w.add_var(s, n + "_apic_vector", 8));
  }

  hook_controller(p.controller);
  hook_link(p.downstream, down);
  hook_link(p.upstream, up);
  for (const auto& cpu : p.cpus) {
    const auto vars = cpu_[cpu->index()];
    // The local APIC's state: some vector requested in IRR, and the highest one.
    cpu->add_apic_listener([this, vars](bool any, uint8_t vector) {
      w_->change(pcie::now_ps(), vars.first, any);
      w_->change(pcie::now_ps(), vars.second, vector);
    });
  }
}

// Only what changed is written (this observer is the only writer of these variables and
// goes forward in time), and gpu_cycle only in a cycle where something did: a cycle the
// bridge skips changes nothing, so the waveform is the same with skipping on and off.
void PlatformTrace::record_cycle(uint64_t cyc, uint64_t period, const uint64_t (&iv)[14],
                                 const uint64_t (&ov)[14]) {
  auto& w = *w_;
  const uint64_t t = cyc * period, te = t + period;
  bool changed = false;
  for (int k = 0; k < 14; ++k) {
    if (last_in_[k] == iv[k]) continue;
    w.change(t, in_[k], iv[k]);
    last_in_[k] = iv[k];
    changed = true;
  }
  for (int k = 0; k < 14; ++k) {
    if (last_out_[k] == ov[k]) continue;
    w.change(k == 0 ? t : te, out_[k], ov[k]);  // araddr_i is an input: it shows from t
    last_out_[k] = ov[k];
    changed = true;
  }
  if (changed) w.change(t, cycle_, cyc);
  maybe_flush();
}

// The controller's ports, every stepped cycle (record_cycle writes only what changed).
void PlatformTrace::hook_controller(bridge::IrqCtrlBridge& c) {
  // Every variable reads 0 from time 0; the outputs' reset values are written there, so
  // later cycles write only changes whichever cycle is stepped first.
  const irqctrl::Outputs r = c.model().outputs();
  const uint64_t reset_out[] = {0,          r.awready,    r.wready, r.bvalid,    r.bresp,
                                r.arready,  r.rvalid,     r.rdata,  r.msg_valid, r.msg_addr,
                                r.msg_data, r.msg_vector, r.intx,   r.idle};
  for (int k = 0; k < 14; ++k) {
    last_out_[k] = reset_out[k];
    if (reset_out[k]) w_->change(0, out_[k], reset_out[k]);
  }
  const uint64_t period = c.period_ps();
  c.set_cycle_observer([this, period](uint64_t cyc, const irqctrl::Inputs& i, const irqctrl::Outputs& o) {
    const uint64_t iv[] = {i.dma_completed,
                           i.dma_preempted,
                           i.dma_faulted,
                           i.vsync,
                           i.pf,
                           i.cfg_msix_enable,
                           i.cfg_msix_func_mask,
                           i.cfg_intx_disable,
                           i.awvalid,
                           i.awaddr,
                           i.wvalid,
                           i.wdata,
                           i.wstrb,
                           i.arvalid};
    const uint64_t ov[] = {i.araddr, o.awready,   o.wready,   o.bvalid,   o.bresp,      o.arready, o.rvalid,
                           o.rdata,  o.msg_valid, o.msg_addr, o.msg_data, o.msg_vector, o.intx,    o.idle};
    record_cycle(cyc, period, iv, ov);
  });
}

PlatformTrace::LinkVars PlatformTrace::add_link(const std::string& scope) {
  LinkVars v;
  v.q[0] = w_->add_var(scope, "posted_queued", 16);
  v.q[1] = w_->add_var(scope, "nonposted_queued", 16);
  v.q[2] = w_->add_var(scope, "completion_queued", 16);
  // TlpType + 1; 0 while the wire is idle.
  v.type = w_->add_enum_var(
      scope, "tlp_on_wire", 3,
      {{0, "idle"}, {1, "MWr"}, {2, "MRd"}, {3, "CplD"}, {4, "Cpl"}, {5, "CfgRd"}, {6, "CfgWr"}, {7, "Msg"}});
  v.addr = w_->add_var(scope, "tlp_addr", 64);
  v.len = w_->add_var(scope, "tlp_len", 16);
  return v;
}

void PlatformTrace::hook_link(pcie::LinkDirection& l, const LinkVars& v) {
  l.set_depth_observer([this, v](pcie::TlpClass c, int delta, uint64_t t) {
    depth_[v.q[static_cast<int>(c)]].deltas[t] += delta;
    maybe_flush();
  });
  const bool upstream = &l == &p_.upstream;
  l.set_observer([this, v, &l, upstream](const pcie::Tlp& tlp, uint64_t start, uint64_t arrival) {
    const uint64_t end = start + l.timing().serialize_ps(tlp);
    w_->change(start, v.type, static_cast<uint64_t>(tlp.type) + 1);
    w_->change(start, v.addr, tlp.addr);
    w_->change(start, v.len, tlp.length);
    w_->change(end, v.type, 0);
    if (upstream && tlp.type == TlpType::kMWr && host::is_msi_address(tlp.addr)) {
      uint32_t data = 0;
      std::memcpy(&data, tlp.data.data(), std::min<size_t>(4, tlp.data.size()));
      w_->change(arrival, msi_[0], tlp.addr);
      w_->change(arrival, msi_[1], data);
      w_->change(arrival, msi_[2], ++msis_);
    }
  });
}

// Written a little behind SystemC time as changes come in (the controller never reports a
// cycle before the one containing `now`). Never from a process of its own: one waking on a
// timer would reorder processes due at the same instant and so change the run.
void PlatformTrace::maybe_flush() {
  const uint64_t period = p_.controller.period_ps();
  const uint64_t now = pcie::now_ps();
  if (now <= period || now - period < flushed_ + 20'000'000) return;
  flushed_ = now - period;
  write_depths(flushed_);
  w_->flush_before(flushed_);
}

// Queue depths from their +1/-1 changes before `until` (final: a TLP is never sent with a
// ready time in SystemC's past). Instants where the changes cancel write nothing.
void PlatformTrace::write_depths(uint64_t until) {
  for (auto& [var, d] : depth_) {
    auto end = d.deltas.lower_bound(until);
    for (auto it = d.deltas.begin(); it != end; ++it) {
      if (it->second == 0) continue;
      d.depth += it->second;
      w_->change(it->first, var, static_cast<uint64_t>(d.depth));
    }
    d.deltas.erase(d.deltas.begin(), end);
  }
}

void PlatformTrace::close() {
  if (!w_) return;
  write_depths(UINT64_MAX);
  w_->close();
}

PlatformTrace::~PlatformTrace() {
  close();
}

}  // namespace irqlab::platform
