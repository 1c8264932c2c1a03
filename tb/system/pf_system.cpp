// The PF topology assembled and run: Platform (the host, the GPU function on root port 0,
// the NIC on port 1 when asked for), the kernel with dxgkrnl and the display miniport (or
// the video port and the XPDM miniport), NDIS for the NIC, background and shared-line
// devices, the fault injection, the recorders and the watchdog.
#include "run_model.hpp"

#include "kernel_recorder.hpp"
#include "pf_parts.hpp"

#include "adapter_start.hpp"
#include "event_log.hpp"
#include "fault_injection.hpp"
#include "interrupt_tracker.hpp"
#include "kernel_trace.hpp"
#include "nic_stack.hpp"
#include "progress.hpp"
#include "time_ordered_lines.hpp"
#include "trace_events.hpp"
#include "xpdm_stack.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "display_miniport.hpp"
#include "enumeration.hpp"
#include "kernel.hpp"
#include "kernel_environment.hpp"
#include "platform.hpp"
#include "scenario_settings.hpp"
#include "shared_line_device.hpp"
#include "source_info.hpp"
#include "topology.hpp"

namespace irqlab::run {

namespace regs = irqlab::regs::irq_ctrl;
using pcie::now_ps;

namespace {

/// One `irqlab run`: the platform, the kernel and drivers on it, the observers that record
/// the run, and the watchdog. Elaborated in the constructor, run by run().
class RunAssembly {
 public:
  RunAssembly(const RunOptions& opt, const platform::Topology& topo, RunResult& r);
  void run();

 private:
  static platform::PlatformOptions platform_options(const RunOptions& opt, const platform::Topology& topo);
  void observe_controller();
  void observe_host();
  void observe_dxgkrnl();
  void attribute(const dxgkrnl::NotifyRecord& n, int cpu, uint64_t t, const char* ev = "notify_interrupt");
  void open_spools(const std::string& dir);
  void start_xpdm(uint64_t bar0);
  void bugcheck(const std::string& detail);
  bool driver_idle() const { return xpdm_ ? xpdm_->idle() : dx_.idle(); }
  void start_adapter();
  void stop_adapter();
  void start_intx_peer();
  void connect_peer();
  void inject_faults();
  void on_event();
  uint64_t last_flush_ = 0;
  bool advance(uint64_t ps);
  void collect();

  const Scenario& sc_;
  RunResult& r_;
  platform::Platform p_;
  std::vector<host::HostCpu*> hw_;
  kernel::Kernel k_;
  EngineSubmission submission_;
  SystemMemoryOf system_memory_;
  dxgkrnl::Dxgkrnl dx_;
  KernelEnvironment env_;
  kmd::DisplayMiniport kmd_;
  std::set<const kernel::InterruptObject*> adapter_ios_;
  std::vector<std::string> held_trace_;  ///< only with broken_hold_trace
  TimeOrderedLines trace_lines_;         ///< trace.json's events, put in time order
  TimeOrdered<Latency> latency_lines_;   ///< latency records, put in order like the trace's events
  InterruptTracker tracker_;
  KernelRecorder rec_;
  platform::PlatformTrace trace_;
  Watchdog watchdog_;
  std::vector<std::unique_ptr<BackgroundDevice>> background_;
  std::unique_ptr<host::SharedLineDevice> peer_;
  std::mt19937_64 peer_rng_;
  std::unique_ptr<PnpManager> pnp_;
  std::unique_ptr<FaultInjection> faults_;
  std::unique_ptr<XpdmStack> xpdm_;  ///< driver.model xpdm: the video port stack instead of dxgkrnl's
  std::unique_ptr<NicStack> nic_;    ///< nic: NDIS and the NIC's miniport
  Progress progress_{"irqlab run"};
  std::unique_ptr<KernelTrace> kernel_trace_;
  std::vector<std::unique_ptr<gpu::DisplayHead>> heads_;
  uint64_t next_irq_ = 0;
};

// The hardware's settings from the topology; the run's own (the RTL or the reference
// model, idle skipping) from the command.
platform::PlatformOptions RunAssembly::platform_options(const RunOptions& opt,
                                                        const platform::Topology& topo) {
  platform::PlatformOptions po;
  po.profile = pcie::load_profile(pcie::default_profile_path(), topo.profile);
  po.num_cpus = topo.cpus;
  po.reference_model = opt.reference_model;
  po.idle_skip = opt.idle_skip;
  po.broken_skip_ignores_wake = opt.broken_skip_ignores_wake;
  po.quantum_cycles = opt.scenario.quantum_cycles;
  po.msix_vectors = topo.gpus.at(0).pf.msix_vectors;
  po.nic_queues = topo.nic_queues;
  return po;
}

RunAssembly::RunAssembly(const RunOptions& opt, const platform::Topology& topo, RunResult& r)
    : sc_(opt.scenario),
      r_(r),
      p_(platform_options(opt, topo)),
      k_(kernel_config(opt.scenario), p_.host.cpu_pointers()),
      submission_(p_),
      system_memory_(p_.memory),
      dx_(k_, submission_, opt.scenario.nodes, opt.scenario.first_fence),
      env_(k_),
      kmd_(env_, driver_costs(opt.scenario),
           parse_fault(opt.scenario.driver_model == "xpdm" ? "none" : opt.scenario.driver_fault)),
      trace_lines_([&r, this, hold = opt.broken_hold_trace](uint64_t, const std::string& e) {
        r.trace_events.append("," + e);
        if (hold) held_trace_.push_back(e);
      }),
      latency_lines_([&r](uint64_t, const Latency& l) { r.latencies.push_back(l); }),
      tracker_(r, opt.scenario, p_.controller.period_ps(),
               [this](uint64_t t, std::string e) { trace_lines_.add(t, std::move(e)); }),
      rec_(r, adapter_ios_, tracker_,
           [this](uint64_t t, std::string e) { trace_lines_.add(t, std::move(e)); }),
      trace_("trace", p_, opt.waves),
      watchdog_("watchdog", watchdog_limits(opt.scenario), opt.on_stall),
      peer_rng_(opt.scenario.seed * 31 + 7) {
  r_.scenario = sc_;
  r_.cpu_ghz = sc_.cpu_ghz;
  r_.adapter_vector = kAdapterVector;
  r_.gpu_period_ps = p_.controller.period_ps();
  r_.intx_mode = sc_.intx_mode;
  open_spools(opt.spool_dir);
  tracker_.set_latency_out([this](uint64_t t, const Latency& l) { latency_lines_.add(t, l); });
  dx_.set_costs(dxgkrnl_costs(sc_));
  k_.add_observer(&rec_);
  if (trace_.writer()) {  // the software's signals beside the hardware's
    std::vector<std::string> isrs = {"gpu msg 0", "gpu msg 1", "peer"},
                             dpcs = {sc_.driver_model == "xpdm" ? videoport::VideoPortModel::kDpcName
                                                                : kAdapterDpc};
    for (const auto& b : sc_.background) {
      isrs.push_back(b.name);
      dpcs.push_back(b.name + "_dpc");
    }
    if (sc_.nic.enabled) {  // the NIC under NDIS (its ISRs are "nic", its DPCs NDIS's)
      isrs.push_back("nic");
      dpcs.push_back(ndis::NdisModel::kDpcName);
    }
    kernel_trace_ = std::make_unique<KernelTrace>(*trace_.writer(), k_, sc_.cpus, isrs, dpcs);
    k_.add_observer(kernel_trace_.get());
  }
  watchdog_.watch(k_);
  watchdog_.watch(p_.rc, "root port 0");
  observe_controller();
  observe_host();
  observe_dxgkrnl();
  for (size_t i = 0; i < sc_.background.size(); ++i)
    background_.push_back(
        std::make_unique<BackgroundDevice>(k_, sc_.background[i], sc_, i, r_.bg_interrupts));
  start_intx_peer();
  inject_faults();
  faults_ = std::make_unique<FaultInjection>("faults", sc_, p_, r_, tracker_);
  if (p_.nic) nic_ = std::make_unique<NicStack>(sc_, r_, k_, *p_.nic);
  if (sc_.driver_model == "xpdm") {
    xpdm_ = std::make_unique<XpdmStack>(
        sc_, r_, k_, env_, submission_, tracker_,
        [this](const dxgkrnl::NotifyRecord& n, int cpu, uint64_t t) { attribute(n, cpu, t, "isr_report"); },
        [this](const std::string& d) { bugcheck(d); });
  }
  env_.set_access_observer(
      [this](unsigned cpu, bool write, uint64_t off, uint32_t v) { faults_->access(cpu, write, off, v); });
  if (!opt.events_path.empty()) rec_.log().stream_to(opt.events_path);
  rec_.log().set_tick([this] { on_event(); });
  pnp_ = std::make_unique<PnpManager>(
      "pnp", [this] { start_adapter(); }, [this] { stop_adapter(); });
  for (unsigned h = 0; h < sc_.head_hz.size(); ++h) {
    heads_.push_back(std::make_unique<gpu::DisplayHead>(("head" + std::to_string(h)).c_str(), h,
                                                        sc_.head_hz[h], p_.lookahead_ps(), p_.pulse_sink()));
  }
}

// Controller activity: sources get their irq_id at the pulse; MSIs with their cycle.
void RunAssembly::observe_controller() {
  const uint64_t period = r_.gpu_period_ps;
  p_.controller.set_event_observer([this, period](const bridge::BridgeEvent& e) {
    if (e.kind == bridge::BridgeEvent::kPulse) {
      const unsigned bit = static_cast<unsigned>(e.a);
      tracker_.source(next_irq_, e.cycle, bit, static_cast<uint32_t>(e.b));
      const SourceInfo info = describe_source(bit);
      rec_.event(e.cycle * period, "\"ev\":\"source\",\"irq_id\":" + std::to_string(next_irq_) +
                                       ",\"source\":\"" + info.name + "\",\"" +
                                       (info.head ? "head" : "node") + "\":" + std::to_string(info.index) +
                                       ",\"fence\":" + std::to_string(e.b));
      ++next_irq_;
    } else if (e.kind == bridge::BridgeEvent::kIntx) {
      if (e.a) tracker_.intx_assert(e.cycle);
      rec_.event(e.cycle * period, std::string("\"ev\":\"intx\",\"level\":") + (e.a ? "1" : "0"));
    } else if (e.kind == bridge::BridgeEvent::kMmioWrite) {
      if (e.a == regs::INTR_STATUS::kOffset && (e.b & 0xFFFFFFFFu) != 0)
        dx_.dismiss_applied(e.cycle * period);
    } else if (e.kind == bridge::BridgeEvent::kMsi) {
      tracker_.msi(e.cycle, static_cast<unsigned>(e.a));
      faults_->message_emitted(e.b, e.c);
      std::ostringstream os;
      os << "\"ev\":\"msi\",\"vector\":" << e.a << ",\"addr\":" << e.b << ",\"data\":" << e.c;
      rec_.event(e.cycle * period, os.str());
    }
  });
}

void RunAssembly::observe_host() {
  p_.memory.set_observer([this](uint64_t addr, uint32_t len, uint64_t t) {
    for (unsigned n = 0; n < sc_.nodes; ++n) {
      if (addr == platform::Layout::fence_addr(n) && len == 8) {
        rec_.event(t, "\"ev\":\"fence_write\",\"node\":" + std::to_string(n) +
                          ",\"fence\":" + std::to_string(p_.memory.read64(addr)));
      }
    }
  });
  for (auto& c : p_.cpus) {
    const unsigned idx = c->index();
    c->add_interrupt_listener([this, idx](const host::HostCpu::Delivery& d) {
      if (d.vector != kAdapterVector && d.vector != kMessage1Vector) return;
      if (d.vector == kAdapterVector) tracker_.delivery(d.delivered_ps);
      rec_.event(d.delivered_ps, "\"ev\":\"msi_delivered\",\"cpu\":" + std::to_string(idx) + ",\"vector\":" +
                                     std::to_string(d.vector) + (d.merged ? ",\"merged\":true" : ""));
    });
  }
}

// Each notification names the irq_ids it reports (InterruptTracker::notify).
void RunAssembly::attribute(const dxgkrnl::NotifyRecord& n, int cpu, uint64_t t, const char* ev) {
  std::string ids;
  for (const uint64_t id : tracker_.notify(n, cpu, t)) ids += (ids.empty() ? "" : ",") + std::to_string(id);
  const bool head = n.type == wddm::DXGK_INTERRUPT_CRTC_VSYNC;
  rec_.event(t, std::string("\"ev\":\"") + ev + "\",\"cpu\":" + std::to_string(cpu) + ",\"type\":\"" +
                    interrupt_type_name(n.type) + "\",\"" + (head ? "head" : "node") +
                    "\":" + std::to_string(n.index) + ",\"fence\":" + std::to_string(n.fence) +
                    ",\"irq_ids\":[" + ids + "]");
}

// The run's per-interrupt records and trace events go to files (nothing per event is held).
void RunAssembly::open_spools(const std::string& dir) {
  r_.latencies.open(dir);
  r_.isr_to_dpc_us.open(dir);
  r_.nic.isr_to_dpc_us.open(dir);
  r_.trace_events.open(dir);
}

void RunAssembly::observe_dxgkrnl() {
  dx_.set_submit_observer([this](unsigned node, uint32_t fence, uint64_t t) {
    rec_.event(t,
               "\"ev\":\"submit\",\"node\":" + std::to_string(node) + ",\"fence\":" + std::to_string(fence));
  });
  dx_.set_callback_observer([this](const std::string& what, int cpu, uint64_t t,
                                   const dxgkrnl::NotifyRecord* n, bool q) {
    if (what == "notify_interrupt" && n) {
      attribute(*n, cpu, t);
    } else if (what == "queue_dpc") {
      rec_.event(
          t, "\"ev\":\"queue_dpc\",\"cpu\":" + std::to_string(cpu) + ",\"queued\":" + (q ? "true" : "false"));
    } else if (what == "notify_dpc") {
      rec_.event(t, "\"ev\":\"notify_dpc\",\"cpu\":" + std::to_string(cpu));
    }
  });
}

// INTx mode: the GPU's INTA# and, optionally, a second device share IOAPIC line 0.
void RunAssembly::start_intx_peer() {
  if (sc_.intx_mode && sc_.shared_line_rate_hz > 0) {
    peer_ = std::make_unique<host::SharedLineDevice>("peer", p_.ioapic, platform::Layout::kIntxLine, 1,
                                                     sc_.shared_line_rate_hz, sc_.seed * 17 + 3,
                                                     static_cast<uint64_t>(sc_.duration_ms * 1e9));
  }
}

// The line's other device's ISR on the shared vector (none without one).
void RunAssembly::connect_peer() {
  if (peer_) {
    k_.connect_interrupt("peer", kAdapterVector, 0, [this] {
      k_.cost(static_cast<uint64_t>(sample_us(sc_.shared_line_isr_us, peer_rng_) * sc_.cpu_ghz * 1000));
      return peer_->service();
    });
  }
}

// Test knobs of the watchdog: a lost completion, a zero-time loop.
void RunAssembly::inject_faults() {
  if (sc_.drop_read_completion) p_.function.drop_read_completion(sc_.drop_read_completion);
  if (sc_.stall_at_ms >= 0) {
    const uint64_t at = static_cast<uint64_t>(sc_.stall_at_ms * 1e9);
    sc_core::sc_spawn(
        [at] {
          sc_core::wait(sc_core::sc_time::from_value(at));
          for (;;) sc_core::wait(sc_core::SC_ZERO_TIME);  // never lets time pass
        },
        "fault_zero_time_loop");
  }
}

// PnP: enumerate, StartDevice, connect the interrupt, enable MSI-X and vsync, schedule.
void RunAssembly::start_adapter() {
  const auto f = pcie::enumerate(p_.rc, platform::Layout::kMmioWindow);
  if (nic_) nic_->start(p_.rc);
  if (xpdm_) return start_xpdm(f.bar0_base);
  env_.watch_dismiss(&dx_, f.bar0_base);
  kmd::StartInfo si;
  si.bar0 = f.bar0_base;
  const auto apic = static_cast<uint8_t>(sc_.interrupt_cpu);
  si.message_address = {host::msi_address(apic), host::msi_address(apic)};
  si.message_data = {host::msi_data(kAdapterVector), host::msi_data(kMessage1Vector)};
  si.num_nodes = sc_.nodes;
  si.num_heads = static_cast<uint32_t>(sc_.head_hz.size());
  si.moderation_cycles = sc_.moderation_cycles;
  si.line_based = sc_.intx_mode;
  si.front_end = sc_.doorbell_mmio;
  adapter_ios_.insert(
      &k_.connect_interrupt("gpu", kAdapterVector, 0, [this] { return kmd_.DxgkDdiInterruptRoutine(0); }));
  connect_peer();  // after the GPU: our ISR is asked first and must decline foreign interrupts
  adapter_ios_.insert(
      &k_.connect_interrupt("gpu", kMessage1Vector, 1, [this] { return kmd_.DxgkDdiInterruptRoutine(1); }));
  for (const auto* io : adapter_ios_) dx_.add_adapter_interrupt(io);
  dx_.set_dpc([this] { kmd_.DxgkDdiDpcRoutine(); }, dpc_policy(sc_));
  dx_.set_config_reader([this](uint32_t off) { return p_.rc.cfg_read(0, off); });
  if (sc_.doorbell_mmio) {
    dx_.set_submit_ddi([this](const wddm::DXGKARG_SUBMITCOMMAND& a) { return kmd_.DxgkDdiSubmitCommand(&a); },
                       system_memory_, platform::Layout::kDescriptorBase);
    dx_.set_reset_ddi([this](wddm::DXGKARG_RESETENGINE& a) { return kmd_.DxgkDdiResetEngine(&kmd_, &a); });
    dx_.set_preempt_ddi(
        [this](const wddm::DXGKARG_PREEMPTCOMMAND& a) { return kmd_.DxgkDdiPreemptCommand(&kmd_, &a); });
  }
  start_display_adapter(kmd_, dx_, si);
  if (sc_.intx_mode) {
    p_.ioapic.route(platform::Layout::kIntxLine, kAdapterVector, sc_.interrupt_cpu);  // MSI-X stays off
  } else if (sc_.msi_mode) {
    // MSI: vectors kAdapterVector + 0..N-1 (the base's low bits are 0, as MSI requires).
    unsigned log2n = 0;
    while ((1u << log2n) < sc_.msi_messages) ++log2n;
    pcie::enable_msi(p_.rc, f, host::msi_address(apic), kAdapterVector, log2n);
  } else {
    pcie::set_msix_control(p_.rc, f, true, false);
  }
  if (!sc_.intx_mode) faults_->adapter_started(si.message_address[0], si.message_data[0]);
  if (!sc_.head_hz.empty()) kmd_.DxgkDdiControlInterrupt(&kmd_, wddm::DXGK_INTERRUPT_CRTC_VSYNC, wddm::TRUE);
  dx_.start_scheduler(std::vector<dxgkrnl::NodeLoad>(sc_.nodes, node_load(sc_)), sc_.seed,
                      static_cast<uint64_t>(sc_.duration_ms * 1e9));
}

// XPDM: videoprt connects HwVidInterrupt to the line's vector (our ISR asked first, then
// the peer's), the miniport initializes, the display driver starts submitting.
void RunAssembly::start_xpdm(uint64_t bar0) {
  env_.watch_dismiss(nullptr, bar0);
  adapter_ios_.insert(&xpdm_->start(bar0, kAdapterVector));
  connect_peer();
  p_.ioapic.route(platform::Layout::kIntxLine, kAdapterVector, sc_.interrupt_cpu);
}

// KeBugCheckEx: the run ends here; the verdict names the call (seed 004: "system failure").
void RunAssembly::bugcheck(const std::string& detail) {
  if (r_.hang) return;
  r_.hang = {"bugcheck", detail, now_ps()};
  rec_.event(now_ps(), "\"ev\":\"bugcheck\",\"detail\":" + nlohmann::json(detail).dump());
  sc_core::sc_stop();
}

void RunAssembly::stop_adapter() {
  faults_->adapter_stopping();
  if (nic_) nic_->stop();
  if (xpdm_) {
    xpdm_->stop();
  } else {
    dx_.stop_begins();
    kmd_.DxgkDdiStopDevice();
  }
  r_.stopped_ps = now_ps();
  tracker_.stopped(now_ps());
  rec_.event(now_ps(), "\"ev\":\"stop_device\"");
}

// Work done as events are recorded, never by a process of its own: a process waking
// on a timer of its own would reorder processes due at the same instant and so change
// the run. Streams events.jsonl a little behind SystemC time and shows progress.
void RunAssembly::on_event() {
  const uint64_t now = now_ps();
  const uint64_t margin = 2 * (p_.lookahead_ps() + r_.gpu_period_ps);
  if (now > margin + last_flush_ + 20'000'000) {
    last_flush_ = now - margin;
    rec_.log().flush_before(last_flush_);
    trace_lines_.flush_before(last_flush_);
    latency_lines_.flush_before(last_flush_);
  }
  if (progress_.enabled()) {
    char b[96];
    std::snprintf(b, sizeof b, "simulated %.1f of %.1f ms", now / 1e9, sc_.duration_ms);
    progress_.update(b);
  }
}

// One stretch of simulated time; false once the watchdog has stopped the run.
bool RunAssembly::advance(uint64_t ps) {
  watchdog_.arm(true);
  sc_core::sc_start(sc_core::sc_time::from_value(ps));
  watchdog_.arm(false);
  return !watchdog_.hang() && !r_.hang;
}

// Submissions stop at duration_ms; the drain runs until every buffer has been reported
// (or a hung driver is given up on) and then drain_ms more, so late DPCs finish. Then
// StopDevice masks and drains; nothing of the adapter may interrupt afterwards.
void RunAssembly::run() {
  const uint64_t drain = static_cast<uint64_t>(sc_.drain_ms * 1e9);
  bool ok = advance(static_cast<uint64_t>(sc_.duration_ms * 1e9));
  // The drain waits for the driver to report what the GPU finished. Time in which an engine
  // is still executing a buffer (however long) is the GPU's, not the driver's, so it does
  // not count against the limit; only time with every engine idle does.
  for (uint64_t waited = 0; ok && !driver_idle() && waited < 100 * drain;) {
    uint64_t busy_until = 0;
    for (const auto& e : p_.engines) busy_until = std::max(busy_until, e->busy_until_ps());
    if (busy_until > now_ps()) {
      ok = advance(busy_until - now_ps());
    } else {
      ok = advance(drain / 10);
      waited += drain / 10;
    }
  }
  ok = ok && advance(drain);
  if (ok) {
    pnp_->stop_requested.notify(sc_core::SC_ZERO_TIME);
    advance(drain / 2);
  }
  collect();
}

void RunAssembly::collect() {
  progress_.done();
  rec_.log().close_stream();
  trace_lines_.flush_before(UINT64_MAX);
  latency_lines_.flush_before(UINT64_MAX);
  tracker_.finish();
  r_.end_ps = now_ps();
  if (!r_.hang) r_.hang = watchdog_.hang();  // (a bugcheck is already there)
  trace_.close();
  dx_.finish();
  r_.violations = dx_.violations();
  r_.violations.insert(r_.violations.end(), rec_.violations().begin(), rec_.violations().end());
  r_.submitted = dx_.submitted();
  r_.isr_over_25us += dx_.isr_over_25us();  // (XPDM: counted by its verifier)
  r_.dpc_over_100us = dx_.dpc_over_100us();
  r_.cycles_stepped = p_.controller.stats().cycles_stepped;
  r_.cycles_skipped = p_.controller.stats().cycles_skipped;
  if (peer_) {
    r_.peer_raised = peer_->raised();
    r_.peer_serviced = peer_->serviced();
    r_.peer_merged = peer_->merged();
    r_.peer_max_wait_ps = peer_->max_wait_ps();
  }
  r_.spurious_interrupts = xpdm_ ? rec_.unclaimed_adapter() : dx_.spurious_interrupts();
  if (xpdm_) xpdm_->collect();
  if (nic_) nic_->collect(r_.end_ps);
  r_.dispatch.ipis = k_.ipis();
  r_.engine_wait = dx_.engine_wait_for_dpc();
  r_.gpu_faults = dx_.faults();
  r_.preemptions = dx_.preemptions();
  r_.doorbells = p_.front_end->doorbells();
  faults_->collect();
  for (const auto& c : p_.cpus) {
    for (unsigned v = 0; v < 256; ++v) {
      if (const uint64_t m = c->apic().merged(static_cast<uint8_t>(v))) r_.dispatch.merged_by_vector[v] += m;
    }
  }
}

}  // namespace

RunResult run_scenario(const RunOptions& opt, const platform::Topology& topo) {
  // A bad fault name fails before elaboration.
  if (opt.scenario.driver_model == "xpdm")
    parse_xpdm_fault(opt.scenario.driver_fault);
  else
    parse_fault(opt.scenario.driver_fault);
  RunResult r;
  RunAssembly a(opt, topo, r);
  a.run();
  return r;
}

}  // namespace irqlab::run
