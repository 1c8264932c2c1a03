// The GPU-P topology assembled from its Topology and run: the host (HostComplex, one root
// port per GPU instance), the GPU instances (PF aperture + VFs, gpup_parts), the host's
// kernel with the GPU-P KMD per GPU and dxgkrnl's host side, a guest VM per GuestSpec, and
// the scenario's live migrations.
#include <algorithm>
#include <map>
#include <memory>

#include "gpup_miniport.hpp"
#include "gpup_parts.hpp"
#include "gpup_recording.hpp"
#include "host_complex.hpp"
#include "scenario_settings.hpp"

namespace irqlab::gpup {

namespace regs = irqlab::regs::irq_ctrl;
using pcie::now_ps;
using pcie::ps;

namespace {

class GpupSystem {
 public:
  GpupSystem(const run::RunOptions& opt, const platform::Topology& topo, GpupResult& r);
  void run();

 private:
  void connect_root_complex();
  void build_host();
  dxgkrnl::HostRoute route_guest_entry(unsigned vm, unsigned entry);
  void build_guest(const platform::GuestSpec& spec);
  void observe_vfs();
  static void watch_event(VfSlot& s, uint64_t t, bool pulse);
  static void count(VfSlot::Watch& w, uint64_t t, bool pulse);
  void enumerate_and_boot();
  void migrate(const run::Scenario::Migration& m);
  void pause_and_save(Guest& g, MigrationRecord& rec, kmd::VfSavedState& st);
  void restore_and_resume(Guest& g, MigrationRecord& rec, const kmd::VfSavedState& st);
  bool advance(uint64_t t);
  void check_migrations();
  void collect();

  const run::Scenario& sc_;
  const platform::Topology& topo_;
  GpupResult& r_;
  pcie::PcieProfile prof_;
  pcie::LinkTiming timing_;
  platform::HostComplex host_;  ///< GPU instance g on root port g
  std::vector<std::unique_ptr<GpuInstance>> gpus_;
  std::map<uint16_t, uint64_t> msis_by_rid_;
  std::unique_ptr<kernel::Kernel> host_k_;
  std::unique_ptr<run::KernelEnvironment> host_env_;
  std::vector<std::unique_ptr<kmd::GpupMiniport>> adapters_;
  std::unique_ptr<dxgkrnl::GpupHost> host_side_;
  std::vector<std::unique_ptr<Guest>> guests_;
  unsigned next_host_vector_ = kFirstHostVector;
  uint64_t vm_exit_cycles_;
  GpupRecorder rec_;
  std::function<void(const run::Hang&)> on_stall_;
  std::string spool_dir_;
  std::unique_ptr<run::Watchdog> watchdog_;  ///< made after the guests' processes (their start order)
};

GpupSystem::GpupSystem(const run::RunOptions& opt, const platform::Topology& topo, GpupResult& r)
    : sc_(opt.scenario),
      topo_(topo),
      r_(r),
      prof_(pcie::load_profile(pcie::default_profile_path(), topo.profile)),
      timing_(prof_),
      host_(timing_, prof_, topo.cpus),
      vm_exit_cycles_(static_cast<uint64_t>(sc_.gpup.vm_exit_us * sc_.cpu_ghz * 1000)),
      rec_(r.run, opt, prof_.gpu_period_ps, 2 * (timing_.min_hop_ps() + prof_.gpu_period_ps)),
      on_stall_(opt.on_stall),
      spool_dir_(opt.spool_dir) {
  for (const auto& g : topo.gpus)
    gpus_.push_back(
        std::make_unique<GpuInstance>(g, timing_, prof_, opt.idle_skip, opt.broken_skip_ignores_wake));
  connect_root_complex();
  build_host();
  for (const auto& g : topo.guests) build_guest(g);
  observe_vfs();
  rec_.add_waves(gpus_, *host_k_, topo.cpus, guests_);
}

// Each GPU instance on a root port of its own; messages are counted by requester ID.
void GpupSystem::connect_root_complex() {
  for (auto& g : gpus_) {
    g->port = host_.add_port(g->down, g->up, [this](const pcie::Tlp& t) {
      if (t.type == pcie::TlpType::kMWr && host::is_msi_address(t.addr)) ++msis_by_rid_[t.requester];
    });
    for (auto& s : g->slots) r_.requester_ids.push_back(s.fn->requester());
  }
}

// The host: CPUs, its kernel, a GPU-P KMD per GPU instance, and dxgkrnl's host side.
void GpupSystem::build_host() {
  host_.add_cpus(topo_.cpus);
  host_k_ = std::make_unique<kernel::Kernel>(run::kernel_config(sc_), host_.cpu_pointers());
  host_env_ = std::make_unique<run::KernelEnvironment>(*host_k_);
  std::vector<dxgkrnl::GpupHost::WriteDdi> ddis;
  for (size_t g = 0; g < topo_.gpus.size(); ++g) {
    adapters_.push_back(std::make_unique<kmd::GpupMiniport>(
        *host_env_, kmd::GpupCosts{},
        sc_.gpup.kmd_skips_pending_restore ? kmd::GpupFault::kSkipPendingRestore : kmd::GpupFault::kNone));
    kmd::GpupMiniport* a = adapters_.back().get();
    ddis.push_back([a](const wddm::DXGKARG_GPUP_WRITE_VIRTUALIZED_MSIX& args) {
      return a->DxgkDdiWriteVirtualizedInterrupt(a->adapter(), &args);
    });
  }
  host_side_ = std::make_unique<dxgkrnl::GpupHost>(
      irqctrl::vf_config().num_vectors, ddis,
      [this](unsigned vm, unsigned entry) { return route_guest_entry(vm, entry); });
}

// Interrupt remapping: a host vector on a host CPU whose ISR injects the guest's vector
// (read from the guest-form entry at each interrupt: the guest may reprogram it).
dxgkrnl::HostRoute GpupSystem::route_guest_entry(unsigned vm, unsigned entry) {
  dxgkrnl::HostRoute route{(next_host_vector_ - kFirstHostVector) % sc_.cpus,
                           static_cast<uint8_t>(next_host_vector_++)};
  host_k_->connect_interrupt("vm" + std::to_string(vm), route.vector, 0, [this, vm, entry] {
    host_k_->current_cpu()->consume(vm_exit_cycles_);
    host::MsiMessage m;
    m.vector = host_side_->guest_vector(vm, entry);
    rec_.injected(*guests_[vm], host_k_->current_cpu()->index(), m.vector, now_ps());
    guests_[vm]->vcpu.deliver(m, now_ps());
    return true;
  });
  return route;
}

// A guest on the VF it starts on: its vCPU, its driver's interrupt and DPC, its dxgkrnl.
void GpupSystem::build_guest(const platform::GuestSpec& spec) {
  const unsigned v = spec.vm;
  guests_.push_back(std::make_unique<Guest>(v, *host_side_, sc_));
  Guest& g = *guests_.back();
  g.record.handled.open(spool_dir_);
  g.slot = &gpus_[spec.gpu]->slots[spec.vf];
  g.slot->guest = static_cast<int>(v);
  g.vcpu.mmio.bind(host_.rc.cpu_side);
  g.slot->engine->retarget(g.fence_addr(), g.result_addr());
  auto& io =
      g.k.connect_interrupt("guest", kGuestVector, 0, [&g] { return g.kmd.DxgkDdiInterruptRoutine(0); });
  g.dx.add_adapter_interrupt(&io);
  g.dx.set_dpc([&g] { g.kmd.DxgkDdiDpcRoutine(); });
  g.dx.set_config_reader([&g, this](uint32_t off) { return host_.rc.cfg_read(g.slot->fid, off); });
  rec_.add_guest(g, topo_.cpus + v);
  g.dx.set_callback_observer(
      [&g, this](const std::string& what, int, uint64_t t, const dxgkrnl::NotifyRecord* n, bool q) {
        rec_.callback(g, what, t, n, q);
        if (what != "notify_interrupt" || !n || n->type != wddm::DXGK_INTERRUPT_DMA_COMPLETED) return;
        // Fence IDs compare modulo 2^32: the order survives their wrap.
        while (!g.pulse_ps.empty() && !dxgkrnl::fence_after(g.pulse_ps.front().first, n->fence)) {
          g.record.handled.push_back({g.pulse_ps.front().second, t});
          g.pulse_ps.pop_front();
        }
      });
  g.dx.set_submit_observer([&g, this](unsigned, uint32_t fence, uint64_t t) {
    rec_.log().event(t, "\"ev\":\"submit\",\"function\":\"" + g.slot->name +
                            "\",\"guest\":" + std::to_string(g.vm) + ",\"fence\":" + std::to_string(fence));
  });
}

// Completion pulses and messages per VF slot, credited to the guest running there.
void GpupSystem::observe_vfs() {
  for (auto& gpu : gpus_) {
    for (auto& s : gpu->slots) {
      bridge::IrqCtrlBridge* c = s.ctrl.get();
      VfSlot* slot = &s;
      c->set_event_observer([this, c, slot](const bridge::BridgeEvent& e) {
        if (e.kind == bridge::BridgeEvent::kMsi || e.kind == bridge::BridgeEvent::kPulse)
          watch_event(*slot, e.cycle * c->period_ps(), e.kind == bridge::BridgeEvent::kPulse);
        if (slot->guest < 0) return;
        Guest& g = *guests_[static_cast<size_t>(slot->guest)];
        if (e.kind == bridge::BridgeEvent::kMmioWrite && e.a == regs::INTR_STATUS::kOffset &&
            (e.b & 0xFFFFFFFFu) != 0) {  // the guest's W1C reached the VF (the dismiss check)
          g.dx.dismiss_applied(e.cycle * c->period_ps());
          return;
        }
        rec_.vf_event(g, e, c->period_ps());
        if (e.kind != bridge::BridgeEvent::kPulse) return;
        ++g.record.interrupts;
        g.pulse_ps.emplace_back(static_cast<uint32_t>(e.b), e.cycle * c->period_ps());
      });
    }
  }
}

// The exactly-once checks of a migration, as the VF's controller reports: a source's
// messages after it quiesced, a destination's messages from the resume to its first new
// pulse (the replay of what was pending at the pause).
void GpupSystem::watch_event(VfSlot& s, uint64_t t, bool pulse) {
  auto& ahead = s.watch.ahead;
  while (!ahead.empty() && ahead.front().first < now_ps()) ahead.pop_front();
  if (t >= now_ps()) ahead.emplace_back(t, pulse);
  count(s.watch, t, pulse);
}

void GpupSystem::count(VfSlot::Watch& w, uint64_t t, bool pulse) {
  if (!pulse && w.after_quiesce && t > w.quiesced_ps) ++*w.after_quiesce;
  if (!w.replay_open || t < w.resumed_ps) return;
  if (pulse)
    w.replay_open = false;
  else
    ++*w.replayed;
}

// Host PnP: enumerate every function, start the PF adapters, then boot the guests.
void GpupSystem::enumerate_and_boot() {
  uint64_t window = kMmioWindow;
  for (auto& g : gpus_) {
    g->pf_enum = pcie::enumerate(host_.rc, window, pcie::function_id(g->port, 0));
    window = g->pf_enum.bar0_base + g->pf_enum.bar0_bytes;
    for (unsigned v = 0; v < g->slots.size(); ++v) {
      VfSlot& s = g->slots[v];
      s.fid = pcie::function_id(g->port, v + 1);
      s.enumerated = pcie::enumerate(host_.rc, window, s.fid);
      window = s.enumerated.bar0_base + s.enumerated.bar0_bytes;
      pcie::set_msix_control(host_.rc, s.enumerated, true,
                             false);  // the host owns the VF's real MSI-X Enable
    }
    kmd::GpupInfo info;
    info.aperture = g->pf_enum.bar0_base;
    info.vf_count = static_cast<uint32_t>(g->slots.size());
    info.vf_window_bytes = kVfBar;
    info.table_offset = g->slots[0].enumerated.table_offset;
    info.table_entries = g->slots[0].enumerated.msix_table_size;
    adapters_[g->index]->Start(info);
  }
  const uint64_t until = static_cast<uint64_t>(sc_.duration_ms * 1e9);
  for (auto& gptr : guests_) {
    Guest& g = *gptr;
    const platform::GuestSpec& spec = topo_.guests.at(g.vm);
    host_side_->add_vm(g.vm, {spec.gpu, spec.vf});
    g.guest_bar = g.slot->enumerated.bar0_base;
    g.env.watch_dismiss(&g.dx, g.guest_bar);
    g.table_offset = g.slot->enumerated.table_offset;
    sc_core::sc_spawn([&g, this, until] { g.boot(sc_, until); },
                      ("vm" + std::to_string(g.vm) + "_boot").c_str());
  }
}

// Live migration: pause, save, restore on the destination (paused), resume.
void GpupSystem::migrate(const run::Scenario::Migration& m) {
  const uint64_t at = static_cast<uint64_t>(m.at_ms * 1e9);
  if (at > now_ps()) wait(ps(at - now_ps()));
  Guest& g = *guests_[m.vf];
  // A VM is migrated once it runs: a migration asked for before its guest driver
  // started waits for it (pause_ps says when it began).
  while (!g.booted) wait(g.up);
  MigrationRecord rec;
  rec.vm = g.vm;
  rec.from_gpu = host_side_->binding(g.vm).gpu;
  rec.from_vf = host_side_->binding(g.vm).vf;
  rec.to_gpu = m.to_gpu;
  rec.to_vf = m.to_vf;
  kmd::VfSavedState st;
  pause_and_save(g, rec, st);
  restore_and_resume(g, rec, st);
  r_.migrations.push_back(rec);
}

void GpupSystem::pause_and_save(Guest& g, MigrationRecord& rec, kmd::VfSavedState& st) {
  VfSlot& src = *g.slot;
  kmd::GpupMiniport& from = *adapters_[rec.from_gpu];
  // 1. pause: the VM's vCPU and engine context stop; running work drains.
  rec.pause_ps = now_ps();
  // The VF stops sending at once: completions of the draining work collect in its PBA.
  g.paused = true;
  rec_.migration(g, "pause");
  from.PauseVf(rec.from_vf);
  const uint64_t drained = src.engine->busy_until_ps() + timing_.min_hop_ps() + 64 * prof_.gpu_period_ps;
  if (drained > now_ps()) wait(ps(drained - now_ps()));
  from.PauseVf(rec.from_vf);  // again: quiesced with the drained work's events latched
  rec.quiesced_ps = now_ps();
  rec_.migration(g, "quiesced");
  VfSlot::Watch& w = src.watch;  // its messages from now on (and those already reported ahead)
  w.quiesced_ps = rec.quiesced_ps;
  w.after_quiesce = &g.source_msis_after_quiesce;
  for (const auto& [t, pulse] : w.ahead) {
    if (!pulse && t > w.quiesced_ps) ++*w.after_quiesce;
  }
  // 2. save: controller state (the KMD), guest-form table (dxgkrnl keeps it), engine state.
  from.SaveVf(rec.from_vf, &st);
  rec.status_at_pause = st.status;
  for (uint32_t w : st.pending) rec.pending_at_pause += static_cast<unsigned>(__builtin_popcount(w));
  rec.saved_ps = now_ps();
  rec_.migration(g, "saved");
}

void GpupSystem::restore_and_resume(Guest& g, MigrationRecord& rec, const kmd::VfSavedState& st) {
  VfSlot& src = *g.slot;
  VfSlot& dst = gpus_[rec.to_gpu]->slots[rec.to_vf];
  kmd::GpupMiniport& from = *adapters_[rec.from_gpu];
  kmd::GpupMiniport& to = *adapters_[rec.to_gpu];
  // 3. restore on the destination, paused; every table entry through the DDI.
  to.PauseVf(rec.to_vf);
  to.RestoreVf(rec.to_vf, st);
  const uint64_t calls = host_side_->ddi_calls();
  host_side_->rebind_and_rewrite(g.vm, {rec.to_gpu, rec.to_vf});
  rec.ddi_writes = static_cast<unsigned>(host_side_->ddi_calls() - calls);
  dst.engine->retarget(src.engine->fence_addr(), src.engine->result_addr());
  rec.restored_ps = now_ps();
  rec_.migration(g, "restored");
  // 4. resume: remap the guest's BAR, release the VF, the vCPU and held doorbells.
  src.guest = -1;
  dst.guest = static_cast<int>(g.vm);
  g.slot = &dst;
  to.ResumeVf(rec.to_vf);
  rec.resumed_ps = now_ps();
  VfSlot::Watch& w = dst.watch;  // its replay, with what it has already reported ahead
  w.resumed_ps = rec.resumed_ps;
  w.replayed = &g.replayed_after_resume;
  w.replay_open = true;
  for (const auto& [t, pulse] : w.ahead) {
    if (w.replay_open) count(w, t, pulse);
  }
  g.paused = false;
  rec_.migration(g, "resumed");
  g.resumed.notify(sc_core::SC_ZERO_TIME);
  rec.held_submissions = static_cast<unsigned>(g.held.size());
  while (!g.held.empty()) {
    dst.engine->submit(g.held.front());
    g.held.pop_front();
  }
  from.ResetVf(rec.from_vf);
}

bool GpupSystem::advance(uint64_t t) {
  watchdog_->arm(true);
  sc_core::sc_start(ps(t));
  watchdog_->arm(false);
  return !watchdog_->hang();
}

// Submissions stop at duration_ms; the drain runs until every guest's work is reported
// (or gives up after 100 drains), then drain_ms more.
void GpupSystem::run() {
  sc_core::sc_spawn([this] { enumerate_and_boot(); }, "pnp");
  auto migrations = sc_.gpup.migrations;
  std::stable_sort(migrations.begin(), migrations.end(),
                   [](const auto& a, const auto& b) { return a.at_ms < b.at_ms; });
  sc_core::sc_spawn(
      [this, migrations] {
        for (const auto& m : migrations) migrate(m);
      },
      "migrator");
  watchdog_ = std::make_unique<run::Watchdog>("watchdog", run::watchdog_limits(sc_), on_stall_);
  watchdog_->watch(*host_k_);
  for (auto& g : guests_) watchdog_->watch(g->k);
  watchdog_->watch(host_.rc, "the root complex");
  const uint64_t drain = static_cast<uint64_t>(sc_.drain_ms * 1e9);
  auto idle = [this] {
    return std::all_of(guests_.begin(), guests_.end(), [](const auto& g) { return g->dx.idle(); });
  };
  bool ok = advance(static_cast<uint64_t>(sc_.duration_ms * 1e9));
  for (uint64_t waited = 0; ok && !idle() && waited < 100 * drain; waited += drain / 10)
    ok = advance(drain / 10);
  ok = ok && advance(drain);
  r_.end_ps = now_ps();
  r_.run.end_ps = r_.end_ps;
  rec_.finish();
  if (!ok) {  // a hung run is judged by the hang alone
    r_.run.hang = watchdog_->hang();
    r_.failures.push_back("HANG (" + watchdog_->hang().kind + "): " + watchdog_->hang().detail);
    return;
  }
  check_migrations();
  collect();
}

// Exactly-once checks per migration, counted as the controllers reported (watch_event).
void GpupSystem::check_migrations() {
  for (auto& rec : r_.migrations) {
    rec.source_msis_after_quiesce = guests_[rec.vm]->source_msis_after_quiesce;
    rec.replayed_after_resume = guests_[rec.vm]->replayed_after_resume;
    const std::string who = "vm " + std::to_string(rec.vm) + ": ";
    if (rec.source_msis_after_quiesce)
      r_.failures.push_back(who + std::to_string(rec.source_msis_after_quiesce) +
                            " message(s) from the source VF after it quiesced");
    if (rec.replayed_after_resume != rec.pending_at_pause)
      r_.failures.push_back(who + std::to_string(rec.pending_at_pause) + " message(s) pending at pause but " +
                            std::to_string(rec.replayed_after_resume) + " delivered after resume");
    if (rec.ddi_writes != irqctrl::vf_config().num_vectors)
      r_.failures.push_back(who + "the restore wrote " + std::to_string(rec.ddi_writes) + " table entries");
  }
}

// Every guest's verifier and records; the straddling interrupts of each migration.
void GpupSystem::collect() {
  for (auto& g : guests_) {
    g->dx.finish();
    for (const auto& v : g->dx.violations()) {
      auto copy = v;
      copy.detail = "vm " + std::to_string(g->vm) + ": " + v.detail;
      r_.violations.push_back(copy);
    }
    g->record.vm = g->vm;
    g->record.notifies = g->dx.notify_count();
    r_.run.submitted += g->dx.submitted();
    r_.run.spurious_interrupts += g->dx.spurious_interrupts();
    r_.run.isr_over_25us += g->dx.isr_over_25us();
    r_.run.dpc_over_100us += g->dx.dpc_over_100us();
    r_.guests.push_back(g->record);
  }
  r_.run.violations = r_.violations;
  // Straddling interrupts: completions before a migration's resume reported after it.
  for (auto& rec : r_.migrations) {
    guests_[rec.vm]->record.handled.for_each([&rec](const GuestRecord::Handled& h) {
      if (h.pulse_ps < rec.resumed_ps && h.notify_ps >= rec.pause_ps)
        rec.straddling_latency_ps.push_back(h.notify_ps - h.pulse_ps);
    });
  }
  r_.ddi_calls = host_side_->ddi_calls();
  r_.ddi_failures = host_side_->ddi_failures();
  for (auto& g : gpus_) {
    for (auto& s : g->slots) {
      r_.msis_by_requester.push_back(msis_by_rid_[s.fn->requester()]);
      r_.run.cycles_stepped += s.ctrl->stats().cycles_stepped;
      r_.run.cycles_skipped += s.ctrl->stats().cycles_skipped;
    }
  }
}

}  // namespace

GpupResult run_gpup(const run::RunOptions& opt, const platform::Topology& topo) {
  GpupResult r;
  r.scenario = opt.scenario;
  r.run.scenario = opt.scenario;
  r.run.cpu_ghz = opt.scenario.cpu_ghz;
  r.run.adapter_vector = kGuestVector;
  r.run.gpu_period_ps = pcie::load_profile(pcie::default_profile_path(), topo.profile).gpu_period_ps;
  GpupSystem s(opt, topo, r);
  s.run();
  return r;
}

GpupResult run_gpup(const run::Scenario& s, std::function<void(const run::Hang&)> on_stall) {
  run::RunOptions opt;
  opt.scenario = s;
  opt.on_stall = std::move(on_stall);
  return run_gpup(opt, platform::topology_of(s));
}

}  // namespace irqlab::gpup
