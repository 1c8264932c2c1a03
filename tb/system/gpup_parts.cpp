#include "gpup_parts.hpp"

#include "adapter_start.hpp"
#include "function_wiring.hpp"
#include "rtl_model.hpp"
#include "scenario_settings.hpp"

namespace irqlab::gpup {

namespace regs = irqlab::regs::irq_ctrl;

VfAperture::VfAperture(sc_core::sc_module_name n)
    : sc_core::sc_module(n), socket("socket"), pf_messages("pf_messages") {
  socket.register_b_transport(this, &VfAperture::b_transport);
}

void VfAperture::b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const uint64_t a = gp.get_address();
  const uint64_t vf = a / kVfBar;
  if (vf >= vfs.size()) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  gp.set_address(a % kVfBar);
  vfs[vf]->privileged_transport(gp, delay);
  gp.set_address(a);
}

GpuInstance::GpuInstance(const platform::GpuSpec& spec, const pcie::LinkTiming& timing,
                         const pcie::PcieProfile& prof, bool idle_skip, bool broken_skip)
    : index(spec.index),
      down(("gpu" + std::to_string(spec.index) + "_down").c_str(), timing, prof.np_credits),
      up(("gpu" + std::to_string(spec.index) + "_up").c_str(), timing, prof.np_credits),
      aperture(("gpu" + std::to_string(spec.index) + "_aperture").c_str()) {
  uint32_t ap = kVfBar;
  while (ap < spec.vfs.size() * kVfBar) ap <<= 1;
  pf = std::make_unique<pcie::DeviceFunction>(("gpu" + std::to_string(index) + "_pf").c_str(), timing, up, ap,
                                              1, 0, spec.pf.requester);
  pf->bar0.bind(aperture.socket);
  aperture.pf_messages.bind(pf->msi_in);
  bridge::BridgeOptions bo;
  bo.gpu_period_ps = prof.gpu_period_ps;
  bo.lookahead_ps = timing.min_hop_ps();
  bo.idle_skip = idle_skip;
  bo.broken_skip_ignores_wake = broken_skip;
  for (const auto& vf : spec.vfs) add_vf(vf, timing, bo);
  down.set_announcer([this](const pcie::Tlp& t, uint64_t at) { route(t).on_announce(t, at); });
  down.set_receiver([this](const pcie::Tlp& t) { route(t).on_arrival(t); });
}

// A VF: its function (config space, BAR, requester ID), its controller, its engine context.
void GpuInstance::add_vf(const platform::FunctionSpec& vf, const pcie::LinkTiming& timing,
                         const bridge::BridgeOptions& bo) {
  const unsigned v = static_cast<unsigned>(slots.size());
  const std::string n = "gpu" + std::to_string(index) + "_vf" + std::to_string(v);
  VfSlot s;
  s.fn = std::make_unique<pcie::DeviceFunction>((n + "_fn").c_str(), timing, up, kVfBar, vf.msix_vectors,
                                                v + 1, vf.requester);
  s.ctrl = std::make_unique<bridge::IrqCtrlBridge>(
      (n + "_irq").c_str(), irqctrl::make_rtl_model(irqctrl::RtlBuild::kVirtualFunction), bo);
  platform::wire_function(*s.fn, *s.ctrl, false);
  s.engine = std::make_unique<gpu::EngineNode>((n + "_engine").c_str(), 0, *s.fn,
                                               platform::pulse_sink(*s.ctrl), 0, 0);
  s.name = vf.name;
  aperture.vfs.push_back(s.ctrl.get());
  slots.push_back(std::move(s));
}

pcie::DeviceFunction& GpuInstance::route(const pcie::Tlp& t) {
  switch (t.type) {
    case pcie::TlpType::kCfgRd:
    case pcie::TlpType::kCfgWr:
      return t.function >= 1 && t.function <= slots.size() ? *slots[t.function - 1].fn : *pf;
    case pcie::TlpType::kCplD:
    case pcie::TlpType::kCpl:
      for (auto& s : slots) {
        if (s.fn->requester() == t.requester) return *s.fn;
      }
      return *pf;
    default:
      for (auto& s : slots) {
        if (s.fn->claims(t.addr)) return *s.fn;
      }
      return *pf;
  }
}

bool GuestEnv::in_table(uint64_t a, uint32_t* offset) const {
  const uint64_t off = a - g_.guest_bar;
  const uint32_t bytes = regs::msix::kEntryBytes * irqctrl::vf_config().num_vectors;
  if (off < g_.table_offset || off >= g_.table_offset + bytes) return false;
  *offset = static_cast<uint32_t>(off - g_.table_offset);
  return true;
}

uint64_t GuestEnv::translate(uint64_t a) {
  while (g_.paused) wait(g_.resumed);
  return g_.slot->fn->bar0_base() + (a - g_.guest_bar);
}

uint32_t GuestEnv::READ_REGISTER_ULONG(uint64_t a) {
  uint32_t off = 0;
  if (in_table(a, &off)) return g_.host.guest_read(g_.vm, off);
  const uint32_t v = cpu().hw().read32(translate(a));
  if (a == g_.guest_bar + regs::INTR_PENDING::kOffset) g_.dx.device_pending_seen(cpu().index(), v);
  return v;
}

void GuestEnv::WRITE_REGISTER_ULONG(uint64_t a, uint32_t v) {
  uint32_t off = 0;
  if (in_table(a, &off)) {
    g_.host.guest_write(g_.vm, off, v);  // the trap
    return;
  }
  const uint64_t host_addr = translate(a);
  note_dismiss(a, v);
  cpu().hw().write32(host_addr, v);
}

void GuestSubmission::submit(uint32_t, uint32_t fence, uint64_t duration_ps, uint32_t bytes, Outcome o) {
  const gpu::Submission s = run::engine_work(fence, duration_ps, bytes, o);
  ++g_.record.submitted;
  if (g_.paused) {
    g_.held.push_back(s);  // the engine context is frozen: kept with its state
    return;
  }
  g_.slot->engine->submit(s);
}

Guest::Guest(unsigned i, dxgkrnl::GpupHost& host_side, const run::Scenario& sc)
    : vm(i),
      host(host_side),
      vcpu(("vm" + std::to_string(i) + "_vcpu").c_str(), 0),
      k(run::kernel_config(sc, "vm" + std::to_string(i) + "_kcpu"), {&vcpu}),
      env(*this, k),
      submission(*this),
      dx(k, submission, 1),
      kmd(env, run::driver_costs(sc)) {}

void Guest::boot(const run::Scenario& sc, uint64_t until_ps) {
  kmd::StartInfo si;
  si.bar0 = guest_bar;
  si.message_address = {host::msi_address(0), host::msi_address(0)};
  si.message_data = {host::msi_data(kGuestVector), host::msi_data(kGuestVector)};
  si.num_nodes = 1;
  si.num_heads = 0;
  run::start_display_adapter(kmd, dx, si);
  dxgkrnl::NodeLoad load;
  load.mean_gap_us = sc.gpup.guest_mean_gap_us;
  load.min_duration_us = sc.min_duration_us;
  load.max_duration_us = sc.max_duration_us;
  load.max_result_bytes = sc.max_result_bytes;
  load.preempt_per_ms = 0;
  load.fault_probability = 0;
  dx.start_scheduler({load}, sc.seed * 7919 + vm, until_ps);
  booted = true;
  up.notify(sc_core::SC_ZERO_TIME);
}

}  // namespace irqlab::gpup
