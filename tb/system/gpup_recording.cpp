#include "gpup_recording.hpp"

#include "source_info.hpp"

namespace irqlab::gpup {

using pcie::now_ps;

namespace {
constexpr const char* kGuestDpc = "dxgk_adapter_dpc";  ///< each guest dxgkrnl's DPC object
}  // namespace

/// A guest kernel's ISRs and DPCs to its interrupt tracker and to events.jsonl. The guest
/// has one vCPU (index 0 in its kernel); the tracker sees it as trace track `track`.
class GpupRecorder::GuestObserver : public kernel::KernelObserver {
 public:
  GuestObserver(GpupRecorder& rec, Guest& g, run::InterruptTracker& t, unsigned track)
      : rec_(rec), g_(g), t_(t), track_(track) {}
  void isr_enter(unsigned, const kernel::InterruptObject& io, uint64_t delivered) override {
    t_.isr_enter(track_, io.vector, io.message_number, delivered, now_ps());
    rec_.log_.event(now_ps(), "\"ev\":\"isr_enter\"," + rec_.origin(g_) +
                                  ",\"cpu\":0,\"message\":" + std::to_string(io.message_number));
  }
  void isr_exit(unsigned, const kernel::InterruptObject& io, bool claimed) override {
    t_.isr_exit(track_, claimed, now_ps());
    rec_.log_.event(now_ps(), "\"ev\":\"isr_exit\"," + rec_.origin(g_) +
                                  ",\"cpu\":0,\"message\":" + std::to_string(io.message_number) +
                                  ",\"claimed\":" + (claimed ? "true" : "false"));
  }
  void dpc_queued(unsigned, const kernel::Kdpc& d, bool) override {
    if (d.name == kGuestDpc) t_.dpc_queued(track_, &d);
  }
  void dpc_enter(unsigned, const kernel::Kdpc& d) override {
    if (d.name != kGuestDpc) return;
    t_.dpc_enter(track_, &d, now_ps());
    rec_.log_.event(now_ps(), "\"ev\":\"dpc_enter\"," + rec_.origin(g_) + ",\"cpu\":0");
  }
  void dpc_exit(unsigned, const kernel::Kdpc& d) override {
    if (d.name != kGuestDpc) return;
    t_.dpc_exit(track_, now_ps());
    rec_.log_.event(now_ps(), "\"ev\":\"dpc_exit\"," + rec_.origin(g_) + ",\"cpu\":0");
  }

 private:
  GpupRecorder& rec_;
  Guest& g_;
  run::InterruptTracker& t_;
  unsigned track_;
};

GpupRecorder::GpupRecorder(run::RunResult& r, const run::RunOptions& opt, uint64_t gpu_period_ps,
                           uint64_t margin_ps)
    : r_(r), sc_(r.scenario), period_(gpu_period_ps), margin_(margin_ps), log_(r) {
  r_.latencies.open(opt.spool_dir);
  r_.isr_to_dpc_us.open(opt.spool_dir);
  r_.nic.isr_to_dpc_us.open(opt.spool_dir);
  r_.trace_events.open(opt.spool_dir);
  if (!opt.events_path.empty()) log_.stream_to(opt.events_path);
  log_.set_tick([this] { tick(); });
  if (opt.waves.format != waves::Format::kNone)
    w_ = std::make_unique<waves::WaveWriter>(opt.waves.path, opt.waves.format, opt.waves.start_ps,
                                             opt.waves.end_ps);
}

GpupRecorder::~GpupRecorder() = default;

// Per VF its source pulses and messages (counters) and the VM on it; per VM whether it is
// paused and its vCPU's IRQL, ISR and DPC; per host CPU its VM-exit ISRs.
void GpupRecorder::add_waves(std::vector<std::unique_ptr<GpuInstance>>& gpus, kernel::Kernel& host_k,
                             unsigned host_cpus, const std::vector<std::unique_ptr<Guest>>& guests) {
  if (!w_) return;
  for (auto& g : gpus) {
    for (auto& s : g->slots) {
      const std::string scope = "gpup." + s.name, n = s.name.substr(s.name.find('.') + 1);
      vf_vars_[&s] = {w_->add_var(scope, n + "_source_pulses", 16), w_->add_var(scope, n + "_messages", 16),
                      w_->add_var(scope, n + "_vm", 8)};
    }
  }
  std::vector<std::string> vms;
  for (const auto& g : guests) {
    const std::string vm = "vm" + std::to_string(g->vm);
    vms.push_back(vm);
    on_slot_.push_back(g->slot);
    w_->change(0, vf_vars_.at(g->slot).vm, g->vm + 1);
    paused_vars_.push_back(w_->add_var("gpup." + vm, vm + "_paused", 1));
    tracks_.at(g->vm).waves =
        std::make_unique<run::KernelTrace>(*w_, g->k, 1, std::vector<std::string>{"guest"},
                                           std::vector<std::string>{kGuestDpc}, "gpup." + vm, vm + "_vcpu");
    g->k.add_observer(tracks_.at(g->vm).waves.get());
  }
  host_waves_ = std::make_unique<run::KernelTrace>(*w_, host_k, host_cpus, vms, std::vector<std::string>{});
  host_k.add_observer(host_waves_.get());
}

void GpupRecorder::add_guest(Guest& g, unsigned track) {
  Track t;
  t.tracker = std::make_unique<run::InterruptTracker>(
      r_, sc_, period_, [this](uint64_t t, std::string e) { trace_lines_.add(t, std::move(e)); });
  t.tracker->set_origin(g.slot->fn->requester(), static_cast<int16_t>(g.vm));
  t.tracker->set_numbering(g.vm, sc_.gpup.guests);
  t.track = track;
  // The tracker knows the vCPU by its trace track; the record names it as the guest does.
  t.tracker->set_latency_out([this](uint64_t t, const run::Latency& l) {
    run::Latency copy = l;
    copy.cpu = copy.dpc_cpu = 0;
    latency_lines_.add(t, copy);
  });
  t.observer = std::make_unique<GuestObserver>(*this, g, *t.tracker, track);
  g.k.add_observer(t.observer.get());
  if (tracks_.size() <= g.vm) tracks_.resize(g.vm + 1);
  tracks_[g.vm] = std::move(t);
}

std::string GpupRecorder::origin(const Guest& g) const {
  return "\"function\":\"" + g.slot->name + "\",\"guest\":" + std::to_string(g.vm);
}

void GpupRecorder::vf_event(Guest& g, const bridge::BridgeEvent& e, uint64_t period) {
  run::InterruptTracker& t = *tracks_.at(g.vm).tracker;
  const uint64_t at = e.cycle * period;
  if (e.kind == bridge::BridgeEvent::kPulse) {
    const unsigned bit = static_cast<unsigned>(e.a);
    // irq_id = guests * n + vm: unique, and the same whichever VF's process ran first.
    const uint64_t irq = tracks_.at(g.vm).sources++ * sc_.gpup.guests + g.vm;
    t.source(irq, e.cycle, bit, static_cast<uint32_t>(e.b));
    log_.event(at, "\"ev\":\"source\"," + origin(g) + ",\"irq_id\":" + std::to_string(irq) +
                       ",\"source\":\"" + run::describe_source(bit).name +
                       "\",\"fence\":" + std::to_string(e.b));
    if (w_) {
      VfVars& v = vf_vars_.at(g.slot);
      wave(at, v.sources, ++v.pulses_seen & 0xFFFF);
    }
  } else if (e.kind == bridge::BridgeEvent::kMsi) {
    t.msi(e.cycle, static_cast<unsigned>(e.a));
    log_.event(at, "\"ev\":\"msi\"," + origin(g) + ",\"message\":" + std::to_string(e.a) +
                       ",\"addr\":" + std::to_string(e.b) + ",\"data\":" + std::to_string(e.c));
    if (w_) {
      VfVars& v = vf_vars_.at(g.slot);
      wave(at, v.messages, ++v.messages_seen & 0xFFFF);
    }
  }
}

void GpupRecorder::injected(Guest& g, unsigned host_cpu, uint8_t vector, uint64_t t) {
  tracks_.at(g.vm).tracker->delivery(t);
  log_.event(t, "\"ev\":\"msi_delivered\"," + origin(g) + ",\"host_cpu\":" + std::to_string(host_cpu) +
                    ",\"vector\":" + std::to_string(vector));
}

void GpupRecorder::callback(Guest& g, const std::string& what, uint64_t t, const dxgkrnl::NotifyRecord* n,
                            bool queued) {
  if (what == "notify_interrupt" && n) {
    std::string ids;
    Track& k = tracks_.at(g.vm);
    for (const uint64_t id : k.tracker->notify(*n, static_cast<int>(k.track), t))
      ids += (ids.empty() ? "" : ",") + std::to_string(id);
    log_.event(t, "\"ev\":\"notify_interrupt\"," + origin(g) + ",\"cpu\":0,\"type\":\"" +
                      run::interrupt_type_name(n->type) + "\",\"fence\":" + std::to_string(n->fence) +
                      ",\"irq_ids\":[" + ids + "]");
  } else if (what == "queue_dpc") {
    log_.event(t,
               "\"ev\":\"queue_dpc\"," + origin(g) + ",\"cpu\":0,\"queued\":" + (queued ? "true" : "false"));
  } else if (what == "notify_dpc") {
    log_.event(t, "\"ev\":\"notify_dpc\"," + origin(g) + ",\"cpu\":0");
  }
}

void GpupRecorder::migration(Guest& g, const char* stage) {
  log_.event(now_ps(), std::string("\"ev\":\"migration_") + stage + "\"," + origin(g));
  if (std::string(stage) == "resumed") tracks_.at(g.vm).tracker->set_origin(g.slot->fn->requester(), g.vm);
  if (!w_ || g.vm >= paused_vars_.size()) return;
  wave(now_ps(), paused_vars_[g.vm], g.paused ? 1 : 0);
  if (on_slot_[g.vm] != g.slot) {  // resumed on another VF
    wave(now_ps(), vf_vars_.at(on_slot_[g.vm]).vm, 0);
    wave(now_ps(), vf_vars_.at(g.slot).vm, g.vm + 1);
    on_slot_[g.vm] = g.slot;
  }
}

// Streams events.jsonl and the waveform a little behind SystemC time (as the PF run does).
void GpupRecorder::tick() {
  const uint64_t now = now_ps();
  if (now <= margin_ + last_flush_ + 20'000'000) return;
  last_flush_ = now - margin_;
  log_.flush_before(last_flush_);
  trace_lines_.flush_before(last_flush_);
  latency_lines_.flush_before(last_flush_);
  if (w_) w_->flush_before(last_flush_);
}

void GpupRecorder::finish() {
  log_.close_stream();
  trace_lines_.flush_before(UINT64_MAX);
  latency_lines_.flush_before(UINT64_MAX);
  for (auto& t : tracks_) {
    if (t.tracker) t.tracker->finish();
  }
  if (w_) w_->close();
}

}  // namespace irqlab::gpup
