#include "platform.hpp"

#include <string>

#include "enumeration.hpp"
#include "function_wiring.hpp"
#include "irq_ctrl_ref.hpp"

namespace irqlab::platform {

namespace regs = irqlab::regs::irq_ctrl;

namespace {
std::unique_ptr<irqctrl::PortModel> make_model(const PlatformOptions& opt) {
  irqctrl::Config cfg;
  cfg.num_vectors = opt.msix_vectors;
  if (opt.reference_model) return std::make_unique<irqctrl::IrqCtrlRef>(cfg);
  irqctrl::TraceOptions t = opt.rtl_trace;
  t.clock_period_ps = opt.profile.gpu_period_ps;
  if (opt.msix_vectors == regs::kNumVectorsMax)
    return irqctrl::make_rtl_model(irqctrl::RtlBuild::kTable2048, t);
  return irqctrl::make_rtl_model(
      t.path.empty() ? irqctrl::RtlBuild::kDefaultFst : irqctrl::build_for_trace_path(t.path), t);
}

bridge::BridgeOptions bridge_options(const PlatformOptions& opt, uint64_t lookahead) {
  bridge::BridgeOptions b;
  b.gpu_period_ps = opt.profile.gpu_period_ps;
  b.lookahead_ps = lookahead;
  b.quantum_cycles = opt.quantum_cycles;
  b.idle_skip = opt.idle_skip;
  b.broken_skip_ignores_wake = opt.broken_skip_ignores_wake;
  b.keep_events = opt.keep_bridge_events;
  return b;
}
}  // namespace

Platform::Platform(const PlatformOptions& o)
    : opt(o),
      timing(o.profile),
      downstream("downstream", timing, o.profile.np_credits),
      upstream("upstream", timing, o.profile.np_credits),
      host(timing, o.profile, o.num_cpus),
      memory(host.memory),
      lapic(host.lapic),
      rc(host.rc),
      ioapic(host.ioapic),
      cpus(host.cpus),
      function("gpu_fn", timing, upstream, static_cast<uint32_t>(regs::front_end::kDeviceBarBytes),
               o.msix_vectors),
      controller("irq_ctrl", make_model(o), bridge_options(o, timing.min_hop_ps())),
      bypass_path("msi_bypass_path") {
  host.add_port(downstream, upstream);
  downstream.set_announcer([this](const pcie::Tlp& t, uint64_t at) { function.on_announce(t, at); });
  downstream.set_receiver([this](const pcie::Tlp& t) { function.on_arrival(t); });
  wire_function(function, controller);
  // INTx: the controller's level travels as Assert/Deassert_INTA messages to the IOAPIC.
  controller.set_intx_sink([this](uint64_t at, bool level) { function.send_intx(level, at); });
  rc.set_intx_handler([this](uint8_t code) {
    ioapic.set_level(Layout::kIntxLine, Layout::kGpuIntxSource, code == pcie::kMsgAssertIntA);
  });
  function.set_intx_status_source([this](uint64_t t) { return controller.intx_status_at(t); });
  if (o.msi_bypass) {
    // The MSI still crosses the wire (serialization + PHY), but in no queue.
    function.set_msi_bypass([this](const pcie::Tlp& t) {
      bypass_path.at(t.key.ready_ps + timing.hop_ps(t), [this, t] { rc.on_upstream(t); });
    });
  }
  host.add_cpus(o.num_cpus);
  for (unsigned n = 0; n < regs::kNumNodesDefault; ++n) {
    engines.push_back(std::make_unique<gpu::EngineNode>(("engine" + std::to_string(n)).c_str(), n, function,
                                                        pulse_sink(), Layout::fence_addr(n),
                                                        Layout::kResultBase + n * Layout::kResultStride));
  }
  std::vector<gpu::EngineNode*> nodes;
  for (auto& e : engines) nodes.push_back(e.get());
  front_end = std::make_unique<gpu::GpuFrontEnd>("front_end", function, nodes, timing.min_hop_ps());
  if (o.nic_queues) {
    bridge::BridgeOptions nb = bridge_options(o, timing.min_hop_ps());
    nb.keep_events = false;
    nic = std::make_unique<NicEndpoint>(timing, o.profile, host, o.nic_queues, nb);
  }
}

void Platform::limit_message_slots(unsigned slots, bool drop_when_full) {
  controller.set_message_slots(slots, drop_when_full);
  upstream.add_start_listener([this](const pcie::Tlp& t, uint64_t start_ps) {
    if (function.is_controller_message(t)) controller.return_message_slot(start_ps + lookahead_ps());
  });
}

gpu::PulseSink Platform::pulse_sink() {
  return platform::pulse_sink(controller);
}

uint64_t bring_up(Platform& p, host::HostCpu& cpu) {
  namespace x = regs::msix;
  const auto f = pcie::enumerate(p.rc, Layout::kMmioWindow);
  if (!f.present || f.msix_cap == 0)
    SC_REPORT_FATAL("bring_up", "GPU function or its MSI-X capability not found");
  const uint64_t bar = f.bar0_base;
  const unsigned nodes = regs::kNumNodesDefault, heads = regs::kNumHeadsDefault;
  auto program = [&](unsigned v) {  // table found through the capability, as a driver does
    const uint64_t e = bar + f.table_offset + uint64_t{v} * x::kEntryBytes;
    const uint8_t apic = static_cast<uint8_t>(v % p.cpus.size());
    cpu.write32(e + x::MSG_ADDR_LO::kOffset, static_cast<uint32_t>(host::msi_address(apic)));
    cpu.write32(e + x::MSG_ADDR_HI::kOffset, static_cast<uint32_t>(host::msi_address(apic) >> 32));
    cpu.write32(e + x::MSG_DATA::kOffset, host::msi_data(VectorPlan::apic_vector(v)));
    cpu.write32(e + x::VECTOR_CTRL::kOffset, 0);
  };
  for (unsigned n = 0; n < nodes; ++n) {
    const unsigned v = VectorPlan::node_vector(n);
    program(v);
    for (const auto& field :
         {regs::sources::DMA_COMPLETED, regs::sources::DMA_PREEMPTED, regs::sources::DMA_FAULTED}) {
      cpu.write32(bar + regs::ROUTE::offset(field.lsb + n), v);
    }
  }
  for (unsigned h = 0; h < heads; ++h) {
    const unsigned v = VectorPlan::head_vector(nodes, h);
    program(v);
    cpu.write32(bar + regs::ROUTE::offset(regs::sources::CRTC_VSYNC.lsb + h), v);
  }
  const unsigned pf_vector = nodes + heads;
  program(pf_vector);
  cpu.write32(bar + regs::ROUTE::offset(regs::sources::PAGE_FAULT.lsb), pf_vector);
  cpu.write32(bar + regs::INTR_ENABLE::kOffset, 0xFFFFFFFFu);
  cpu.write32(bar + regs::INTR_MASTER::kOffset, regs::INTR_MASTER::ENABLE.put(1));
  pcie::set_msix_control(p.rc, f, /*enable=*/true, /*function_mask=*/false);
  return bar;
}

}  // namespace irqlab::platform
