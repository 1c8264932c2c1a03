#include "gpup_run.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <memory>

#include "display_miniport.hpp"
#include "engine_node.hpp"
#include "enumeration.hpp"
#include "gpup_host.hpp"
#include "gpup_miniport.hpp"
#include "host_cpu.hpp"
#include "host_memory.hpp"
#include "irq_ctrl_bridge.hpp"
#include "kernel.hpp"
#include "kernel_environment.hpp"
#include "lapic.hpp"
#include "link_direction.hpp"
#include "root_complex.hpp"
#include "rtl_model.hpp"
#include "scenario_settings.hpp"

namespace irqlab::gpup {

namespace regs = irqlab::regs::irq_ctrl;
using pcie::now_ps;
using pcie::ps;

namespace {

constexpr uint64_t kMmioWindow = 0xC000'0000;
constexpr uint64_t kGuestMemory = 0x4000'0000;  ///< guest v's fence at + v * kGuestStride
constexpr uint64_t kGuestStride = 0x10'0000;
constexpr uint8_t kGuestVector = 0x80;  ///< what each guest's OS assigns its message 0
constexpr uint8_t kFirstHostVector = 0x60;
constexpr uint32_t kVfBar = regs::kBarBytes;

uint16_t requester_id(unsigned gpu, unsigned function) {
  return static_cast<uint16_t>(((gpu + 1) << 8) | function);  // bus gpu+1, ARI function number
}

/// The PF's BAR0: VF n's registers at n * kVfBar, reached with privileged accesses.
class VfAperture : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<VfAperture> socket;
  /// The PF's own interrupt controller is not part of the GPU-P system: its message input
  /// is bound here and never used.
  tlm_utils::simple_initiator_socket<VfAperture> pf_messages;
  explicit VfAperture(sc_core::sc_module_name n)
      : sc_core::sc_module(n), socket("socket"), pf_messages("pf_messages") {
    socket.register_b_transport(this, &VfAperture::b_transport);
  }
  std::vector<bridge::IrqCtrlBridge*> vfs;

 private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
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
};

struct VfSlot {
  std::unique_ptr<pcie::DeviceFunction> fn;
  std::unique_ptr<bridge::IrqCtrlBridge> ctrl;
  std::unique_ptr<gpu::EngineNode> engine;
  unsigned fid = 0;
  int guest = -1;  ///< the VM running on this VF, or -1
  pcie::EnumeratedFunction enumerated;
};

/// One GPU instance behind its own root port: the PF (management aperture) and N VFs.
struct GpuInstance {
  GpuInstance(unsigned g, unsigned vfs, const pcie::LinkTiming& timing, const pcie::PcieProfile& prof)
      : index(g),
        down(("gpu" + std::to_string(g) + "_down").c_str(), timing, prof.np_credits),
        up(("gpu" + std::to_string(g) + "_up").c_str(), timing, prof.np_credits),
        aperture(("gpu" + std::to_string(g) + "_aperture").c_str()) {
    uint32_t ap = kVfBar;
    while (ap < vfs * kVfBar) ap <<= 1;
    pf = std::make_unique<pcie::DeviceFunction>(("gpu" + std::to_string(g) + "_pf").c_str(), timing, up, ap,
                                                1, 0, requester_id(g, 0));
    pf->bar0.bind(aperture.socket);
    aperture.pf_messages.bind(pf->msi_in);
    bridge::BridgeOptions bo;
    bo.gpu_period_ps = prof.gpu_period_ps;
    bo.lookahead_ps = timing.min_hop_ps();
    bo.keep_events = true;  // the exactly-once checks read each VF's port log after the run
    for (unsigned v = 0; v < vfs; ++v) {
      const std::string n = "gpu" + std::to_string(g) + "_vf" + std::to_string(v);
      VfSlot s;
      s.fn = std::make_unique<pcie::DeviceFunction>((n + "_fn").c_str(), timing, up, kVfBar,
                                                    irqctrl::vf_config().num_vectors, v + 1,
                                                    requester_id(g, v + 1));
      s.ctrl = std::make_unique<bridge::IrqCtrlBridge>(
          (n + "_irq").c_str(), irqctrl::make_rtl_model(irqctrl::RtlBuild::kVirtualFunction), bo);
      s.fn->bar0.bind(s.ctrl->mmio);
      s.ctrl->msi.bind(s.fn->msi_in);
      bridge::IrqCtrlBridge* c = s.ctrl.get();
      s.fn->set_config_listener([c](uint64_t at, const irqctrl::CfgInputs& cfg) { c->post_config(at, cfg); });
      s.engine =
          std::make_unique<gpu::EngineNode>((n + "_engine").c_str(), 0, *s.fn,
                                            [c](uint64_t at, unsigned kind, unsigned index, uint32_t fence) {
                                              bridge::SourcePulse p;
                                              p.kind = static_cast<bridge::SourceKind>(kind);
                                              p.index = index;
                                              p.fence = fence;
                                              c->post_pulse(at, p);
                                            },
                                            0, 0);
      aperture.vfs.push_back(c);
      slots.push_back(std::move(s));
    }
    // The device's functions share the link: requests by config target or BAR, completions
    // by requester ID.
    down.set_announcer([this](const pcie::Tlp& t, uint64_t at) { route(t).on_announce(t, at); });
    down.set_receiver([this](const pcie::Tlp& t) { route(t).on_arrival(t); });
  }
  pcie::DeviceFunction& route(const pcie::Tlp& t) {
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
  unsigned index;
  pcie::LinkDirection down, up;
  VfAperture aperture;
  std::unique_ptr<pcie::DeviceFunction> pf;
  std::vector<VfSlot> slots;
  pcie::EnumeratedFunction pf_enum;
  unsigned port = 0;
};

/// One guest VM: a vCPU with its own kernel, dxgkrnl and the unchanged #4 driver.
struct Guest;

/// The guest's register access: its BAR is mapped (second-level translation) onto the
/// VF it currently runs on; MSI-X table accesses trap to dxgkrnl on the host; while the
/// VM is paused for migration the vCPU stalls.
class GuestEnv : public run::KernelEnvironment {
 public:
  GuestEnv(Guest& g, kernel::Kernel& k) : run::KernelEnvironment(k), g_(g) {}
  uint32_t READ_REGISTER_ULONG(uint64_t a) override;
  void WRITE_REGISTER_ULONG(uint64_t a, uint32_t v) override;

 private:
  /// The offset into the guest's MSI-X table that `a` addresses, if it does.
  bool in_table(uint64_t a, uint32_t* offset) const;
  /// The VF's address for guest address `a`, once the VM runs (the vCPU stalls while paused).
  uint64_t translate(uint64_t a);
  Guest& g_;
};

/// Doorbells of the guest's engine context: to the VF it runs on, held while paused.
class GuestSubmission : public wddm::GpuSubmission {
 public:
  explicit GuestSubmission(Guest& g) : g_(g) {}
  void submit(uint32_t node, uint32_t fence, uint64_t duration_ps, uint32_t bytes, Outcome o) override;

 private:
  Guest& g_;
};

struct Guest {
  Guest(unsigned i, dxgkrnl::GpupHost& host_side, const run::Scenario& sc)
      : vm(i),
        host(host_side),
        vcpu(("vm" + std::to_string(i) + "_vcpu").c_str(), 0),
        k(run::kernel_config(sc, "vm" + std::to_string(i) + "_kcpu"), {&vcpu}),
        env(*this, k),
        submission(*this),
        dx(k, submission, 1),
        kmd(env, run::driver_costs(sc)) {}
  uint64_t fence_addr() const { return kGuestMemory + vm * kGuestStride; }
  uint64_t result_addr() const { return fence_addr() + 0x1000; }

  unsigned vm;
  dxgkrnl::GpupHost& host;
  host::HostCpu vcpu;
  kernel::Kernel k;
  GuestEnv env;
  GuestSubmission submission;
  dxgkrnl::Dxgkrnl dx;
  kmd::DisplayMiniport kmd;
  VfSlot* slot = nullptr;  ///< the VF it runs on now
  uint64_t guest_bar = 0;  ///< guest-physical BAR0 (the first VF's address, kept across migration)
  uint32_t table_offset = 0;
  bool paused = false;
  bool booted = false;  ///< the guest driver's StartDevice returned
  sc_core::sc_event resumed, up;
  std::deque<gpu::Submission> held;
  GuestRecord record;
  std::deque<std::pair<uint32_t, uint64_t>> pulse_ps;  ///< (fence, completion pulse time), in fence order
};

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

}  // namespace

GpupResult run_gpup(const run::Scenario& sc, std::function<void(const run::Hang&)> on_stall) {
  const auto& gp = sc.gpup;
  GpupResult r;
  r.scenario = sc;
  const pcie::PcieProfile prof = pcie::load_profile(pcie::default_profile_path(), sc.profile);
  pcie::LinkTiming timing(prof);
  host::HostMemory memory;
  host::Lapic lapic("lapic", prof.lapic_latency_ps, sc.cpus);

  std::vector<std::unique_ptr<GpuInstance>> gpus;
  for (unsigned g = 0; g < gp.gpus; ++g)
    gpus.push_back(std::make_unique<GpuInstance>(g, gp.vfs, timing, prof));
  pcie::RootComplex rc("rc", timing, gpus[0]->down, memory, lapic);
  // Upstream traffic goes to the root complex; messages are counted by requester ID.
  std::map<uint16_t, uint64_t> msis_by_rid;
  for (auto& g : gpus) {
    if (g->index > 0) g->port = rc.add_port(g->down);
    const unsigned port = g->port;
    rc.attach_upstream(port, g->up);
    g->up.set_receiver([&rc, &msis_by_rid, port](const pcie::Tlp& t) {
      if (t.type == pcie::TlpType::kMWr && host::is_msi_address(t.addr)) ++msis_by_rid[t.requester];
      rc.on_upstream(t, port);
    });
    for (auto& s : g->slots) r.requester_ids.push_back(s.fn->requester());
  }

  std::vector<std::unique_ptr<host::HostCpu>> cpus;
  std::vector<host::HostCpu*> hw;
  for (unsigned c = 0; c < sc.cpus; ++c) {
    cpus.push_back(std::make_unique<host::HostCpu>(("cpu" + std::to_string(c)).c_str(), c));
    cpus.back()->mmio.bind(rc.cpu_side);
    hw.push_back(cpus.back().get());
  }
  lapic.set_deliver([&](unsigned cpu, const host::MsiMessage& m, uint64_t at) { cpus[cpu]->deliver(m, at); });
  kernel::Kernel host_k(run::kernel_config(sc), hw);
  run::KernelEnvironment host_env(host_k);
  std::vector<std::unique_ptr<kmd::GpupMiniport>> adapters;
  std::vector<dxgkrnl::GpupHost::WriteDdi> ddis;
  for (unsigned g = 0; g < gp.gpus; ++g) {
    adapters.push_back(std::make_unique<kmd::GpupMiniport>(
        host_env, kmd::GpupCosts{},
        gp.kmd_skips_pending_restore ? kmd::GpupFault::kSkipPendingRestore : kmd::GpupFault::kNone));
    kmd::GpupMiniport* a = adapters.back().get();
    ddis.push_back([a](const wddm::DXGKARG_GPUP_WRITE_VIRTUALIZED_MSIX& args) {
      return a->DxgkDdiWriteVirtualizedInterrupt(a->adapter(), &args);
    });
  }
  std::vector<std::unique_ptr<Guest>> guests;
  unsigned next_host_vector = kFirstHostVector;
  const uint64_t vm_exit_cycles = static_cast<uint64_t>(gp.vm_exit_us * sc.cpu_ghz * 1000);
  dxgkrnl::GpupHost host_side(irqctrl::vf_config().num_vectors, ddis, [&](unsigned vm, unsigned entry) {
    // Interrupt remapping: a host vector on a host CPU whose ISR injects the guest's vector
    // (read from the guest-form entry at each interrupt: the guest may reprogram it).
    dxgkrnl::HostRoute route{(next_host_vector - kFirstHostVector) % sc.cpus,
                             static_cast<uint8_t>(next_host_vector++)};
    host_k.connect_interrupt("vm" + std::to_string(vm), route.vector, 0, [&, vm, entry] {
      host_k.current_cpu()->consume(vm_exit_cycles);
      host::MsiMessage m;
      m.vector = host_side.guest_vector(vm, entry);
      guests[vm]->vcpu.deliver(m, now_ps());
      return true;
    });
    return route;
  });

  for (unsigned v = 0; v < gp.guests; ++v) {
    guests.push_back(std::make_unique<Guest>(v, host_side, sc));
    Guest& g = *guests.back();
    g.slot = &gpus[0]->slots[v];
    g.slot->guest = static_cast<int>(v);
    g.vcpu.mmio.bind(rc.cpu_side);
    g.slot->engine->retarget(g.fence_addr(), g.result_addr());
    auto& io =
        g.k.connect_interrupt("guest", kGuestVector, 0, [&g] { return g.kmd.DxgkDdiInterruptRoutine(0); });
    g.dx.add_adapter_interrupt(&io);
    g.dx.set_dpc([&g] { g.kmd.DxgkDdiDpcRoutine(); });
    g.dx.set_config_reader([&g, &rc](uint32_t off) { return rc.cfg_read(g.slot->fid, off); });
    g.dx.set_callback_observer(
        [&g](const std::string& what, int, uint64_t t, const dxgkrnl::NotifyRecord* n, bool) {
          if (what != "notify_interrupt" || !n || n->type != wddm::DXGK_INTERRUPT_DMA_COMPLETED) return;
          // Fence IDs compare modulo 2^32: the order survives their wrap.
          while (!g.pulse_ps.empty() && !dxgkrnl::fence_after(g.pulse_ps.front().first, n->fence)) {
            g.record.handled_ps.emplace_back(g.pulse_ps.front().second, t);
            g.pulse_ps.pop_front();
          }
        });
  }
  // Completion pulses per VF slot, credited to the guest running there.
  for (auto& gpu : gpus) {
    for (auto& s : gpu->slots) {
      bridge::IrqCtrlBridge* c = s.ctrl.get();
      VfSlot* slot = &s;
      c->set_event_observer([&guests, c, slot](const bridge::BridgeEvent& e) {
        if (slot->guest < 0) return;
        if (e.kind == bridge::BridgeEvent::kMmioWrite && e.a == regs::INTR_STATUS::kOffset &&
            (e.b & 0xFFFFFFFFu) != 0) {  // the guest's W1C reached the VF (the dismiss check)
          guests[static_cast<size_t>(slot->guest)]->dx.dismiss_applied(e.cycle * c->period_ps());
          return;
        }
        if (e.kind != bridge::BridgeEvent::kPulse) return;
        Guest& g = *guests[static_cast<size_t>(slot->guest)];
        ++g.record.interrupts;
        g.pulse_ps.emplace_back(static_cast<uint32_t>(e.b), e.cycle * c->period_ps());
      });
    }
  }

  const uint64_t until = static_cast<uint64_t>(sc.duration_ms * 1e9);
  // Host PnP: enumerate every function, start the PF adapters, then boot the guests.
  sc_core::sc_spawn(
      [&] {
        uint64_t window = kMmioWindow;
        for (auto& g : gpus) {
          g->pf_enum = pcie::enumerate(rc, window, pcie::function_id(g->port, 0));
          window = g->pf_enum.bar0_base + g->pf_enum.bar0_bytes;
          for (unsigned v = 0; v < g->slots.size(); ++v) {
            VfSlot& s = g->slots[v];
            s.fid = pcie::function_id(g->port, v + 1);
            s.enumerated = pcie::enumerate(rc, window, s.fid);
            window = s.enumerated.bar0_base + s.enumerated.bar0_bytes;
            pcie::set_msix_control(rc, s.enumerated, true,
                                   false);  // the host owns the VF's real MSI-X Enable
          }
          kmd::GpupInfo info;
          info.aperture = g->pf_enum.bar0_base;
          info.vf_count = static_cast<uint32_t>(g->slots.size());
          info.vf_window_bytes = kVfBar;
          info.table_offset = g->slots[0].enumerated.table_offset;
          info.table_entries = g->slots[0].enumerated.msix_table_size;
          adapters[g->index]->Start(info);
        }
        for (auto& gptr : guests) {
          Guest& g = *gptr;
          host_side.add_vm(g.vm, {0, g.vm});
          g.guest_bar = g.slot->enumerated.bar0_base;
          g.env.watch_dismiss(&g.dx, g.guest_bar);
          g.table_offset = g.slot->enumerated.table_offset;
          sc_core::sc_spawn(
              [&g, &sc, until] {
                kmd::StartInfo si;
                si.bar0 = g.guest_bar;
                si.message_address = {host::msi_address(0), host::msi_address(0)};
                si.message_data = {host::msi_data(kGuestVector), host::msi_data(kGuestVector)};
                si.num_nodes = 1;
                si.num_heads = 0;
                g.kmd.DxgkDdiAddDevice();
                wddm::ULONG sources = 0;
                g.kmd.DxgkDdiStartDevice(si, g.dx.interface(), &sources);
                wddm::DXGK_DRIVERCAPS caps{};
                wddm::DXGKARG_QUERYADAPTERINFO q{};
                q.Type = wddm::DXGKQAITYPE_DRIVERCAPS;
                q.pOutputData = &caps;
                q.OutputDataSize = sizeof caps;
                g.kmd.DxgkDdiQueryAdapterInfo(&q);
                g.dx.set_driver_caps(caps);
                dxgkrnl::NodeLoad load;
                load.mean_gap_us = sc.gpup.guest_mean_gap_us;
                load.min_duration_us = sc.min_duration_us;
                load.max_duration_us = sc.max_duration_us;
                load.max_result_bytes = sc.max_result_bytes;
                load.preempt_per_ms = 0;
                load.fault_probability = 0;
                g.dx.start_scheduler({load}, sc.seed * 7919 + g.vm, until);
                g.booted = true;
                g.up.notify(sc_core::SC_ZERO_TIME);
              },
              ("vm" + std::to_string(g.vm) + "_boot").c_str());
        }
      },
      "pnp");

  // Live migration: pause, save, restore on the destination (paused), resume.
  auto migrations = gp.migrations;
  std::stable_sort(migrations.begin(), migrations.end(),
                   [](const auto& a, const auto& b) { return a.at_ms < b.at_ms; });
  sc_core::sc_spawn(
      [&] {
        for (const auto& m : migrations) {
          const uint64_t at = static_cast<uint64_t>(m.at_ms * 1e9);
          if (at > now_ps()) wait(ps(at - now_ps()));
          Guest& g = *guests[m.vf];
          // A VM is migrated once it runs: a migration asked for before its guest driver
          // started waits for it (pause_ps says when it began).
          while (!g.booted) wait(g.up);
          VfSlot& src = *g.slot;
          VfSlot& dst = gpus[m.to_gpu]->slots[m.to_vf];
          kmd::GpupMiniport& from = *adapters[host_side.binding(g.vm).gpu];
          kmd::GpupMiniport& to = *adapters[m.to_gpu];
          MigrationRecord rec;
          rec.vm = g.vm;
          rec.from_gpu = host_side.binding(g.vm).gpu;
          rec.from_vf = host_side.binding(g.vm).vf;
          rec.to_gpu = m.to_gpu;
          rec.to_vf = m.to_vf;
          // 1. pause: the VM's vCPU and engine context stop; running work drains.
          rec.pause_ps = now_ps();
          // The VF stops sending at once: completions of the draining work collect in its PBA.
          g.paused = true;
          from.PauseVf(rec.from_vf);
          const uint64_t drained =
              src.engine->busy_until_ps() + timing.min_hop_ps() + 64 * prof.gpu_period_ps;
          if (drained > now_ps()) wait(ps(drained - now_ps()));
          from.PauseVf(rec.from_vf);  // again: quiesced with the drained work's events latched
          rec.quiesced_ps = now_ps();
          // 2. save: controller state (the KMD), guest-form table (dxgkrnl keeps it), engine state.
          kmd::VfSavedState st;
          from.SaveVf(rec.from_vf, &st);
          rec.status_at_pause = st.status;
          for (uint32_t w : st.pending) rec.pending_at_pause += static_cast<unsigned>(__builtin_popcount(w));
          rec.saved_ps = now_ps();
          // 3. restore on the destination, paused; every table entry through the DDI.
          to.PauseVf(m.to_vf);
          to.RestoreVf(m.to_vf, st);
          const uint64_t calls = host_side.ddi_calls();
          host_side.rebind_and_rewrite(g.vm, {m.to_gpu, m.to_vf});
          rec.ddi_writes = static_cast<unsigned>(host_side.ddi_calls() - calls);
          dst.engine->retarget(src.engine->fence_addr(), src.engine->result_addr());
          rec.restored_ps = now_ps();
          // 4. resume: remap the guest's BAR, release the VF, the vCPU and held doorbells.
          src.guest = -1;
          dst.guest = static_cast<int>(g.vm);
          g.slot = &dst;
          to.ResumeVf(m.to_vf);
          rec.resumed_ps = now_ps();
          g.paused = false;
          g.resumed.notify(sc_core::SC_ZERO_TIME);
          rec.held_submissions = static_cast<unsigned>(g.held.size());
          while (!g.held.empty()) {
            dst.engine->submit(g.held.front());
            g.held.pop_front();
          }
          from.ResetVf(rec.from_vf);
          r.migrations.push_back(rec);
        }
      },
      "migrator");

  run::Watchdog watchdog("watchdog", run::watchdog_limits(sc), std::move(on_stall));
  watchdog.watch(host_k);
  for (auto& g : guests) watchdog.watch(g->k);
  watchdog.watch(rc, "the root complex");
  auto advance = [&](uint64_t t) {
    watchdog.arm(true);
    sc_core::sc_start(ps(t));
    watchdog.arm(false);
    return !watchdog.hang();
  };
  const uint64_t drain = static_cast<uint64_t>(sc.drain_ms * 1e9);
  auto idle = [&] {
    return std::all_of(guests.begin(), guests.end(), [](const auto& g) { return g->dx.idle(); });
  };
  bool ok = advance(until);
  for (uint64_t waited = 0; ok && !idle() && waited < 100 * drain; waited += drain / 10)
    ok = advance(drain / 10);
  ok = ok && advance(drain);
  r.end_ps = now_ps();
  if (!ok) {  // a hung run is judged by the hang alone
    r.failures.push_back("HANG (" + watchdog.hang().kind + "): " + watchdog.hang().detail);
    return r;
  }

  // Exactly-once checks per migration, from the controllers' own port logs.
  for (auto& rec : r.migrations) {
    VfSlot& src = gpus[rec.from_gpu]->slots[rec.from_vf];
    VfSlot& dst = gpus[rec.to_gpu]->slots[rec.to_vf];
    const uint64_t period = src.ctrl->period_ps();
    for (const auto& e : src.ctrl->events()) {
      if (e.kind == bridge::BridgeEvent::kMsi && e.cycle * period > rec.quiesced_ps)
        ++rec.source_msis_after_quiesce;
    }
    for (const auto& e : dst.ctrl->events()) {
      if (e.cycle * period < rec.resumed_ps) continue;
      if (e.kind == bridge::BridgeEvent::kPulse) break;
      if (e.kind == bridge::BridgeEvent::kMsi) ++rec.replayed_after_resume;
    }
    const std::string who = "vm " + std::to_string(rec.vm) + ": ";
    if (rec.source_msis_after_quiesce)
      r.failures.push_back(who + std::to_string(rec.source_msis_after_quiesce) +
                           " message(s) from the source VF after it quiesced");
    if (rec.replayed_after_resume != rec.pending_at_pause)
      r.failures.push_back(who + std::to_string(rec.pending_at_pause) + " message(s) pending at pause but " +
                           std::to_string(rec.replayed_after_resume) + " delivered after resume");
    if (rec.ddi_writes != irqctrl::vf_config().num_vectors)
      r.failures.push_back(who + "the restore wrote " + std::to_string(rec.ddi_writes) + " table entries");
  }
  for (auto& g : guests) {
    g->dx.finish();
    for (const auto& v : g->dx.violations()) {
      auto copy = v;
      copy.detail = "vm " + std::to_string(g->vm) + ": " + v.detail;
      r.violations.push_back(copy);
    }
    g->record.vm = g->vm;
    g->record.notifies = g->dx.notify_count();
    r.guests.push_back(g->record);
  }
  // Straddling interrupts: completions before a migration's resume reported after it.
  for (auto& rec : r.migrations) {
    for (const auto& [pulse, notify] : guests[rec.vm]->record.handled_ps) {
      if (pulse < rec.resumed_ps && notify >= rec.pause_ps)
        rec.straddling_latency_ps.push_back(notify - pulse);
    }
  }
  r.ddi_calls = host_side.ddi_calls();
  r.ddi_failures = host_side.ddi_failures();
  for (auto& g : gpus) {
    for (auto& s : g->slots) r.msis_by_requester.push_back(msis_by_rid[s.fn->requester()]);
  }
  return r;
}

}  // namespace irqlab::gpup
