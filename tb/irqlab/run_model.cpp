#include "run_model.hpp"

#include <cmath>
#include <map>
#include <random>
#include <sstream>

#include "display_miniport.hpp"
#include "enumeration.hpp"
#include "kernel.hpp"
#include "kernel_environment.hpp"
#include "platform.hpp"
#include "scenario_settings.hpp"
#include "shared_line_device.hpp"
#include "source_info.hpp"

namespace irqlab::run {

namespace regs = irqlab::regs::irq_ctrl;
using pcie::now_ps;

namespace {

constexpr uint8_t kAdapterVector = 0x80;   ///< message 0 (IRQL 8)
constexpr uint8_t kMessage1Vector = 0x98;  ///< only faulty drivers use message 1 (IRQL 9)

kmd::DriverFault parse_fault(const std::string& s) {
  static const std::map<std::string, kmd::DriverFault> k = {
      {"none", kmd::DriverFault::kNone},
      {"calls-synchronize-from-isr", kmd::DriverFault::kCallsSynchronizeFromIsr},
      {"notify-from-wrong-message", kmd::DriverFault::kNotifyFromWrongMessage},
      {"notify-reentrant", kmd::DriverFault::kNotifyReentrant},
      {"crtc-before-dma", kmd::DriverFault::kCrtcBeforeDma},
      {"no-queue-dpc", kmd::DriverFault::kNoQueueDpc},
      {"dpc-skips-notify-dpc", kmd::DriverFault::kDpcSkipsNotifyDpc},
      {"no-dismiss", kmd::DriverFault::kNoDismiss},
      {"report-unsubmitted-fence", kmd::DriverFault::kReportUnsubmittedFence},
      {"report-fence-twice", kmd::DriverFault::kReportFenceTwice},
      {"drop-fences", kmd::DriverFault::kDropFences},
      {"claims-foreign-interrupts", kmd::DriverFault::kClaimsForeignInterrupts},
  };
  const auto it = k.find(s);
  if (it == k.end()) {
    std::string list;
    for (const auto& [n, f] : k) list += (list.empty() ? "" : ", ") + n;
    throw ScenarioError("driver.fault: '" + s + "' is not one of " + list);
  }
  return it->second;
}

class EngineSubmission : public wddm::GpuSubmission {
 public:
  explicit EngineSubmission(platform::Platform& p) : p_(p) {}
  void submit(uint32_t node, uint32_t fence, uint64_t duration_ps, uint32_t bytes, Outcome o) override {
    p_.engines[node]->submit(engine_work(fence, duration_ps, bytes, o));
  }

 private:
  platform::Platform& p_;
};

double sample_us(const Distribution& d, std::mt19937_64& rng) {
  switch (d.kind) {
    case Distribution::kFixed: return d.a;
    case Distribution::kUniform: return std::uniform_real_distribution<double>(d.a, d.b)(rng);
    case Distribution::kExponential: return std::exponential_distribution<double>(1.0 / d.a)(rng);
  }
  return d.a;
}

/// Records kernel and dxgkrnl activity as events and as records for the latency report.
class Recorder : public kernel::KernelObserver {
 public:
  Recorder(RunResult& r, const std::set<const kernel::InterruptObject*>& adapter)
      : r_(r), adapter_(adapter) {}
  void event(uint64_t t, const std::string& json) { r_.events.push_back({t, seq_++, json}); }
  void isr_enter(unsigned cpu, const kernel::InterruptObject& io, uint64_t delivered) override {
    if (!adapter_.count(&io)) return;
    stack_[cpu].push_back(r_.isrs.size());
    r_.isrs.push_back({r_.isrs.size() + 1, cpu, io.vector, io.message_number, delivered, now_ps()});
    event(now_ps(), "\"ev\":\"isr_enter\",\"cpu\":" + std::to_string(cpu) +
                        ",\"message\":" + std::to_string(io.message_number));
  }
  void isr_exit(unsigned cpu, const kernel::InterruptObject& io, bool claimed) override {
    if (!adapter_.count(&io)) return;
    IsrRecord& rec = r_.isrs[stack_[cpu].back()];
    stack_[cpu].pop_back();
    rec.exit_ps = now_ps();
    rec.claimed = claimed;
    event(now_ps(), "\"ev\":\"isr_exit\",\"cpu\":" + std::to_string(cpu) + ",\"message\":" +
                        std::to_string(io.message_number) + ",\"claimed\":" + (claimed ? "true" : "false"));
  }
  void dpc_enter(unsigned cpu, const kernel::Kdpc& d) override {
    if (d.name != "dxgk_adapter_dpc") return;
    r_.dpcs.push_back({cpu, now_ps()});
    event(now_ps(), "\"ev\":\"dpc_enter\",\"cpu\":" + std::to_string(cpu));
  }
  void dpc_exit(unsigned cpu, const kernel::Kdpc& d) override {
    if (d.name != "dxgk_adapter_dpc") return;
    r_.dpcs.back().exit_ps = now_ps();
    event(now_ps(), "\"ev\":\"dpc_exit\",\"cpu\":" + std::to_string(cpu));
  }
  /// The innermost adapter ISR on `cpu` (index into isrs), or -1.
  int64_t current_isr(unsigned cpu) const {
    auto it = stack_.find(cpu);
    return it == stack_.end() || it->second.empty() ? -1 : static_cast<int64_t>(it->second.back());
  }

 private:
  RunResult& r_;
  const std::set<const kernel::InterruptObject*>& adapter_;
  std::map<unsigned, std::vector<size_t>> stack_;
  uint64_t seq_ = 0;
};

/// PnP manager: start the adapter, then stop it when asked (after the drain).
class Pnp : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Pnp);
  Pnp(sc_core::sc_module_name n, std::function<void()> start, std::function<void()> stop)
      : sc_core::sc_module(n), start_(std::move(start)), stop_(std::move(stop)) {
    SC_THREAD(run);
  }
  sc_core::sc_event stop_requested;

 private:
  void run() {
    start_();
    wait(stop_requested);
    stop_();
  }
  std::function<void()> start_, stop_;
};

}  // namespace

RunResult run_scenario(const RunOptions& opt) {
  const Scenario& sc = opt.scenario;
  const kmd::DriverFault fault = parse_fault(sc.driver_fault);
  RunResult r;
  r.scenario = sc;
  r.cpu_ghz = sc.cpu_ghz;
  r.adapter_vector = kAdapterVector;

  platform::PlatformOptions po;
  po.profile = pcie::load_profile(pcie::default_profile_path(), sc.profile);
  po.num_cpus = sc.cpus;
  po.reference_model = opt.reference_model;
  po.quantum_cycles = sc.quantum_cycles;
  platform::Platform p(po);
  r.gpu_period_ps = p.controller.period_ps();

  std::vector<host::HostCpu*> hw;
  for (auto& c : p.cpus) hw.push_back(c.get());
  kernel::Kernel k(kernel_config(sc), hw);

  EngineSubmission submission(p);
  dxgkrnl::Dxgkrnl dx(k, submission, sc.nodes);
  KernelEnvironment env(k);
  kmd::DisplayMiniport kmd(env, driver_costs(sc), fault);

  std::set<const kernel::InterruptObject*> adapter_ios;
  Recorder rec(r, adapter_ios);
  k.add_observer(&rec);
  platform::PlatformTrace trace("trace", p, opt.waves);

  // Controller activity: sources get their irq_id at the pulse; MSIs with their cycle.
  uint64_t next_irq = 0;
  const uint64_t period = r.gpu_period_ps;
  p.controller.set_event_observer([&](const bridge::BridgeEvent& e) {
    if (e.kind == bridge::BridgeEvent::kPulse) {
      const unsigned bit = static_cast<unsigned>(e.a);
      r.sources.push_back({next_irq, e.cycle, bit, static_cast<uint32_t>(e.b)});
      const SourceInfo info = describe_source(bit);
      rec.event(e.cycle * period, "\"ev\":\"source\",\"irq_id\":" + std::to_string(next_irq) +
                                      ",\"source\":\"" + info.name + "\",\"" + (info.head ? "head" : "node") +
                                      "\":" + std::to_string(info.index) +
                                      ",\"fence\":" + std::to_string(e.b));
      ++next_irq;
    } else if (e.kind == bridge::BridgeEvent::kIntx) {
      if (e.a) r.intx_asserts.push_back(e.cycle);
      rec.event(e.cycle * period, std::string("\"ev\":\"intx\",\"level\":") + (e.a ? "1" : "0"));
    } else if (e.kind == bridge::BridgeEvent::kMsi) {
      r.msis.emplace_back(e.cycle, static_cast<unsigned>(e.a));
      std::ostringstream os;
      os << "\"ev\":\"msi\",\"vector\":" << e.a << ",\"addr\":" << e.b << ",\"data\":" << e.c;
      rec.event(e.cycle * period, os.str());
    }
  });
  p.memory.set_observer([&](uint64_t addr, uint32_t len, uint64_t t) {
    for (unsigned n = 0; n < sc.nodes; ++n) {
      if (addr == platform::Layout::fence_addr(n) && len == 8) {
        rec.event(t, "\"ev\":\"fence_write\",\"node\":" + std::to_string(n) +
                         ",\"fence\":" + std::to_string(p.memory.read64(addr)));
      }
    }
  });
  for (auto& c : p.cpus) {
    const unsigned idx = c->index();
    c->add_interrupt_listener([&, idx](const host::HostCpu::Delivery& d) {
      if (d.vector != kAdapterVector && d.vector != kMessage1Vector) return;
      if (d.vector == kAdapterVector) r.deliveries.emplace_back(d.delivered_ps, idx);
      rec.event(d.delivered_ps, "\"ev\":\"msi_delivered\",\"cpu\":" + std::to_string(idx) +
                                    ",\"vector\":" + std::to_string(d.vector));
    });
  }
  dx.set_submit_observer([&](unsigned node, uint32_t fence, uint64_t t) {
    rec.event(t,
              "\"ev\":\"submit\",\"node\":" + std::to_string(node) + ",\"fence\":" + std::to_string(fence));
  });
  // Each notification gets the irq_ids it reports: DMA types every unreported pulse of its
  // source with a fence up to the reported one; vsync every unreported pulse of its head.
  dx.set_callback_observer([&](const std::string& what, int cpu, uint64_t t, const dxgkrnl::NotifyRecord* n,
                               bool q) {
    if (what == "notify_interrupt" && n) {
      namespace s = regs::sources;
      unsigned bit = 0;
      switch (n->type) {
        case wddm::DXGK_INTERRUPT_DMA_COMPLETED: bit = s::DMA_COMPLETED.lsb + n->index; break;
        case wddm::DXGK_INTERRUPT_DMA_PREEMPTED: bit = s::DMA_PREEMPTED.lsb + n->index; break;
        case wddm::DXGK_INTERRUPT_DMA_FAULTED: bit = s::DMA_FAULTED.lsb + n->index; break;
        case wddm::DXGK_INTERRUPT_CRTC_VSYNC: bit = s::CRTC_VSYNC.lsb + n->index; break;
        default: bit = s::PAGE_FAULT.lsb; break;
      }
      const bool fenced = n->type != wddm::DXGK_INTERRUPT_CRTC_VSYNC;
      std::string ids;
      const int64_t ni = static_cast<int64_t>(r.notifies.size());
      for (auto& src : r.sources) {
        if (src.notify >= 0 || src.bit != bit || src.cycle * period > t) continue;
        if (fenced && src.fence > n->fence) continue;
        src.notify = ni;
        ids += (ids.empty() ? "" : ",") + std::to_string(src.irq_id);
      }
      r.notifies.push_back(*n);
      r.notify_isr_index.push_back(static_cast<uint64_t>(rec.current_isr(static_cast<unsigned>(cpu))));
      const bool head = n->type == wddm::DXGK_INTERRUPT_CRTC_VSYNC;
      rec.event(t, "\"ev\":\"notify_interrupt\",\"cpu\":" + std::to_string(cpu) +
                       ",\"type\":" + std::to_string(n->type) + ",\"" + (head ? "head" : "node") +
                       "\":" + std::to_string(n->index) + ",\"fence\":" + std::to_string(n->fence) +
                       ",\"irq_ids\":[" + ids + "]");
    } else if (what == "queue_dpc") {
      rec.event(
          t, "\"ev\":\"queue_dpc\",\"cpu\":" + std::to_string(cpu) + ",\"queued\":" + (q ? "true" : "false"));
    } else if (what == "notify_dpc") {
      rec.event(t, "\"ev\":\"notify_dpc\",\"cpu\":" + std::to_string(cpu));
    }
  });

  // Background devices: their own vectors, ISRs and DPCs on the chosen CPUs.
  std::vector<std::unique_ptr<kernel::Kdpc>> bg_dpcs;
  std::vector<std::unique_ptr<std::mt19937_64>> bg_rngs;
  for (size_t i = 0; i < sc.background.size(); ++i) {
    const BackgroundSource& b = sc.background[i];
    for (unsigned c = 0; c < sc.cpus; ++c) {
      if (b.cpu >= 0 && static_cast<unsigned>(b.cpu) != c) continue;
      bg_rngs.push_back(std::make_unique<std::mt19937_64>(sc.seed * 1'000'003 + i * 131 + c));
      std::mt19937_64* rng = bg_rngs.back().get();
      auto dpc = std::make_unique<kernel::Kdpc>();
      dpc->name = b.name + "_dpc";
      dpc->target_cpu = c;
      kernel::Kdpc* d = dpc.get();
      dpc->routine = [&k, &b, rng] {
        k.current_cpu()->consume(
            static_cast<uint64_t>(sample_us(b.dpc_us, *rng) * k.config().cpu_ghz * 1000));
      };
      bg_dpcs.push_back(std::move(dpc));
      // Generator: Poisson arrivals; the interrupt carries its own ISR and DPC cost.
      sc_core::sc_spawn(
          [&k, &b, c, rng, d, &r, &sc] {
            if (b.rate_hz <= 0) return;
            std::exponential_distribution<double> gap(b.rate_hz);
            const uint64_t end = static_cast<uint64_t>(sc.duration_ms * 1e9);
            for (;;) {
              wait(sc_core::sc_time::from_value(static_cast<uint64_t>(gap(*rng) * 1e12)));
              if (now_ps() >= end) return;
              ++r.bg_interrupts;
              const uint64_t isr_cycles =
                  static_cast<uint64_t>(sample_us(b.isr_us, *rng) * k.config().cpu_ghz * 1000);
              k.cpu(c).inject(static_cast<uint8_t>(b.vector), [&k, d, isr_cycles] {
                k.current_cpu()->consume(isr_cycles);
                k.insert_queue_dpc(*d);
                return true;
              });
            }
          },
          (b.name + "_gen" + std::to_string(c)).c_str());
    }
  }

  // INTx mode: the GPU's INTA# and, optionally, a second device share IOAPIC line 0.
  r.intx_mode = sc.intx_mode;
  k.set_eoi_hook([&p](uint8_t vector) { p.ioapic.eoi(vector); });
  std::unique_ptr<host::SharedLineDevice> peer;
  std::mt19937_64 peer_rng(sc.seed * 31 + 7);
  if (sc.intx_mode && sc.shared_line_rate_hz > 0) {
    peer = std::make_unique<host::SharedLineDevice>("peer", p.ioapic, platform::Layout::kIntxLine, 1,
                                                    sc.shared_line_rate_hz, sc.seed * 17 + 3,
                                                    static_cast<uint64_t>(sc.duration_ms * 1e9));
  }

  // PnP: enumerate, StartDevice, connect the interrupt, enable MSI-X and vsync, schedule.
  Pnp pnp(
      "pnp",
      [&] {
        const auto f = pcie::enumerate(p.rc, platform::Layout::kMmioWindow);
        env.watch_dismiss(&dx, f.bar0_base);
        kmd::StartInfo si;
        si.bar0 = f.bar0_base;
        si.message_address = {host::msi_address(static_cast<uint8_t>(sc.interrupt_cpu)),
                              host::msi_address(static_cast<uint8_t>(sc.interrupt_cpu))};
        si.message_data = {host::msi_data(kAdapterVector), host::msi_data(kMessage1Vector)};
        si.num_nodes = sc.nodes;
        si.num_heads = static_cast<uint32_t>(sc.head_hz.size());
        si.moderation_cycles = sc.moderation_cycles;
        adapter_ios.insert(
            &k.connect_interrupt("gpu", kAdapterVector, 0, [&] { return kmd.DxgkDdiInterruptRoutine(0); }));
        if (peer) {  // connected after the GPU: our ISR is asked first and must decline foreign interrupts
          k.connect_interrupt("peer", kAdapterVector, 0, [&] {
            k.current_cpu()->consume(
                static_cast<uint64_t>(sample_us(sc.shared_line_isr_us, peer_rng) * sc.cpu_ghz * 1000));
            return peer->service();
          });
        }
        adapter_ios.insert(
            &k.connect_interrupt("gpu", kMessage1Vector, 1, [&] { return kmd.DxgkDdiInterruptRoutine(1); }));
        for (const auto* io : adapter_ios) dx.add_adapter_interrupt(io);
        dx.set_dpc([&] { kmd.DxgkDdiDpcRoutine(); }, sc.dpc_cpu);
        dx.set_config_reader([&](uint32_t off) { return p.rc.cfg_read(0, off); });
        kmd.DxgkDdiAddDevice();
        wddm::ULONG sources = 0;
        kmd.DxgkDdiStartDevice(si, dx.interface(), &sources);
        wddm::DXGK_DRIVERCAPS caps{};
        wddm::DXGKARG_QUERYADAPTERINFO q{wddm::DXGKQAITYPE_DRIVERCAPS, &caps, sizeof caps};
        kmd.DxgkDdiQueryAdapterInfo(&q);
        dx.set_driver_caps(caps);
        if (sc.intx_mode) {
          p.ioapic.route(platform::Layout::kIntxLine, kAdapterVector, sc.interrupt_cpu);  // MSI-X stays off
        } else if (sc.msi_mode) {
          // MSI: vectors kAdapterVector + 0..N-1 (the base's low bits are 0, as MSI requires).
          unsigned log2n = 0;
          while ((1u << log2n) < sc.msi_messages) ++log2n;
          pcie::enable_msi(p.rc, f, host::msi_address(static_cast<uint8_t>(sc.interrupt_cpu)), kAdapterVector,
                           log2n);
        } else {
          pcie::set_msix_control(p.rc, f, true, false);
        }
        if (!sc.head_hz.empty()) kmd.DxgkDdiControlInterrupt(wddm::DXGK_INTERRUPT_CRTC_VSYNC, wddm::TRUE);
        std::vector<dxgkrnl::NodeLoad> load(sc.nodes);
        for (auto& l : load) {
          l.mean_gap_us = sc.mean_gap_us;
          l.min_duration_us = sc.min_duration_us;
          l.max_duration_us = sc.max_duration_us;
          l.max_result_bytes = sc.max_result_bytes;
          l.preempt_probability = sc.preempt_probability;
          l.fault_probability = sc.fault_probability;
        }
        dx.start_scheduler(load, sc.seed, static_cast<uint64_t>(sc.duration_ms * 1e9));
      },
      [&] {
        kmd.DxgkDdiStopDevice();
        r.stopped_ps = now_ps();
        rec.event(now_ps(), "\"ev\":\"stop_device\"");
      });
  std::vector<std::unique_ptr<gpu::DisplayHead>> heads;
  for (unsigned h = 0; h < sc.head_hz.size(); ++h) {
    heads.push_back(std::make_unique<gpu::DisplayHead>(("head" + std::to_string(h)).c_str(), h, sc.head_hz[h],
                                                       p.lookahead_ps(), p.pulse_sink()));
  }

  // Submissions stop at duration_ms; the drain runs until every buffer has been reported
  // (or a hung driver is given up on) and then drain_ms more, so late DPCs finish.
  const uint64_t stop = static_cast<uint64_t>(sc.duration_ms * 1e9);
  const uint64_t drain = static_cast<uint64_t>(sc.drain_ms * 1e9);
  sc_core::sc_start(sc_core::sc_time::from_value(stop));
  for (uint64_t waited = 0; !dx.idle() && waited < 100 * drain; waited += drain / 10) {
    sc_core::sc_start(sc_core::sc_time::from_value(drain / 10));
  }
  sc_core::sc_start(sc_core::sc_time::from_value(drain));
  // StopDevice masks and drains; nothing may interrupt afterwards (vsync keeps running).
  pnp.stop_requested.notify(sc_core::SC_ZERO_TIME);
  sc_core::sc_start(sc_core::sc_time::from_value(drain / 2));
  const uint64_t end = now_ps();
  trace.close();
  dx.finish();
  r.end_ps = end;
  r.violations = dx.violations();
  r.submitted = dx.submitted();
  r.isr_over_25us = dx.isr_over_25us();
  r.dpc_over_100us = dx.dpc_over_100us();
  r.cycles_stepped = p.controller.stats().cycles_stepped;
  if (peer) {
    r.peer_raised = peer->raised();
    r.peer_serviced = peer->serviced();
    r.peer_merged = peer->merged();
    r.peer_max_wait_ps = peer->max_wait_ps();
  }
  for (const auto& i : r.isrs) r.isrs_declined += i.message == 0 && !i.claimed;
  r.cycles_skipped = p.controller.stats().cycles_skipped;
  return r;
}

}  // namespace irqlab::run
