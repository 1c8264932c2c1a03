#include "interrupt_tracker.hpp"

#include <algorithm>

#include "fence_id.hpp"
#include "irq_ctrl_regs.hpp"
#include "source_info.hpp"
#include "trace_events.hpp"

namespace irqlab::run {

namespace {
// How long a delivery's MSI and an INTx assert are kept for the ISR they lead to. An ISR
// starts microseconds after its delivery; one 100 ms late has long failed the DPC bound.
constexpr uint64_t kKeepPs = 100'000'000'000;
}  // namespace

InterruptTracker::InterruptTracker(RunResult& r, const Scenario& sc, uint64_t gpu_period_ps, TraceOut trace)
    : r_(r), trace_(std::move(trace)), P_(gpu_period_ps) {
  if (sc.stuck_source_bit >= 0) stuck_from_ps_ = static_cast<uint64_t>(sc.stuck_at_ms * 1e9);
}

void InterruptTracker::source(uint64_t irq_id, uint64_t cycle, unsigned bit, uint32_t fence) {
  unreported_[bit].push_back({irq_id, cycle, bit, fence, function_});
  ++r_.sources_raised;
  trace_(cycle * P_, trace_events::pulse(irq_id, bit, fence, cycle * P_));
}

void InterruptTracker::msi(uint64_t cycle, unsigned message) {
  ++r_.msi_count;
  const uint64_t t = cycle * P_;
  r_.faults.msis_since_stuck += t >= stuck_from_ps_;
  if (stop_ps_) r_.msis_after_stop += t > stop_ps_;
  // The controller runs ahead of SystemC time by far less than a millisecond: the MSIs of
  // the last one are enough to count those issued after StopDevice once it returns.
  recent_msis_.push_back(cycle);
  while (recent_msis_.front() * P_ + 1'000'000'000 < t) recent_msis_.pop_front();
  if (message == 0) unpaired_msis_.push_back(cycle);
}

void InterruptTracker::msi_lost() {
  if (!unpaired_msis_.empty()) unpaired_msis_.pop_front();
}

void InterruptTracker::delivery(uint64_t delivered_ps) {
  if (!unpaired_msis_.empty()) {
    issued_by_delivery_.emplace(delivered_ps, unpaired_msis_.front());
    unpaired_msis_.pop_front();
  }
  while (!issued_by_delivery_.empty() && issued_by_delivery_.begin()->first + kKeepPs < delivered_ps)
    issued_by_delivery_.erase(issued_by_delivery_.begin());
}

void InterruptTracker::intx_assert(uint64_t cycle) {
  intx_asserts_.push_back(cycle);
  while (intx_asserts_.size() > 1 && intx_asserts_[1] * P_ + kKeepPs < cycle * P_) intx_asserts_.pop_front();
}

// The MSI (or, line-based, the INTx assert edge) a delivery came from.
int64_t InterruptTracker::issued_ps_for(uint64_t delivered_ps) const {
  if (r_.intx_mode) {
    const auto a = std::upper_bound(intx_asserts_.begin(), intx_asserts_.end(), delivered_ps / P_);
    return a == intx_asserts_.begin() ? -1 : static_cast<int64_t>(*std::prev(a) * P_);
  }
  const auto d = issued_by_delivery_.find(delivered_ps);
  return d == issued_by_delivery_.end() ? -1 : static_cast<int64_t>(d->second * P_);
}

void InterruptTracker::isr_enter(unsigned cpu, uint8_t vector, uint32_t message, uint64_t delivered_ps,
                                 uint64_t now) {
  const uint64_t seq = next_number(r_.isr_count, own_isrs_);
  Isr& i = isrs_[seq];
  i.seq = seq;
  i.cpu = cpu;
  i.vector = vector;
  i.message = message;
  i.delivered_ps = delivered_ps;
  i.enter_ps = now;
  i.issued_ps = issued_ps_for(delivered_ps);
  r_.faults.stuck_isrs += now >= stuck_from_ps_;
  stack_[cpu].push_back(seq);
}

// What the checks count of an ISR that has ended (or never will: at the run's end).
void InterruptTracker::account_exit(const Isr& i) {
  if (i.message == 0 && !i.claimed) {
    ++r_.isrs_declined;
    if (i.exited) r_.declined_max_ps = std::max(r_.declined_max_ps, i.exit_ps - i.enter_ps);
  }
  if (i.marks.pending != 0) return;
  EmptyIsrs& e = r_.faults.empty_isrs;
  ++e.found_nothing;
  if ((i.marks.dismissed || !i.reported.empty()) && e.acted++ == 0) {
    e.first_seq = i.seq;
    e.first_cpu = i.cpu;
    e.first_enter_ps = i.enter_ps;
    e.first_dismissed = i.marks.dismissed;
  }
}

void InterruptTracker::isr_exit(unsigned cpu, bool claimed, uint64_t now) {
  auto& st = stack_[cpu];
  Isr& i = isrs_.at(st.back());
  st.pop_back();
  i.exit_ps = now;
  i.exited = true;
  i.claimed = claimed;
  account_exit(i);
  std::string args = "{\"claimed\":" + std::string(claimed ? "true" : "false") +
                     ",\"isr\":" + std::to_string(i.seq) + ",\"message\":" + std::to_string(i.message) +
                     ",\"pending\":" + std::to_string(i.marks.pending) +
                     ",\"queued_dpc\":" + (i.queued_dpc ? "true" : "false") + ",\"reported\":[" + i.reported +
                     "],\"vector\":" + std::to_string(unsigned{i.vector}) + "}";
  trace_(now, trace_events::slice(cpu, "ISR gpu", i.enter_ps, now, args));
  if (i.dpc_done) {
    complete(i);
  } else if (!i.queued_dpc) {
    retire(i);
  }
}

// An ISR no DPC will serve: what it reported stays unfinished.
void InterruptTracker::retire(Isr& i) {
  orphans_.insert(orphans_.end(), i.sources.begin(), i.sources.end());
  isrs_.erase(i.seq);
}

void InterruptTracker::dpc_queued(unsigned cpu, const void* dpc) {
  const auto st = stack_.find(cpu);
  if (st == stack_.end() || st->second.empty()) return;
  Isr& i = isrs_.at(st->second.back());
  i.queued_dpc = true;
  if (i.waiting || i.dpc) return;  // served by the first run after it asked
  i.waiting = true;
  waiting_[dpc].push_back(i.seq);
}

void InterruptTracker::dpc_enter(unsigned cpu, const void* dpc, uint64_t now) {
  const uint64_t run = next_number(r_.dpc_count, own_dpcs_);
  Dpc& d = dpcs_[run];
  d.cpu = cpu;
  d.enter_ps = now;
  for (const uint64_t seq : waiting_[dpc]) {
    Isr& i = isrs_.at(seq);
    i.waiting = false;
    i.dpc = run;
    r_.isr_to_dpc_us.push_back((now - i.enter_ps) / 1e6);  // LatencyMon's ISR-to-DPC measure
    d.isrs.push_back(seq);
  }
  waiting_[dpc].clear();
  dpc_stack_[cpu].push_back(run);
}

void InterruptTracker::dpc_exit(unsigned cpu, uint64_t now) {
  auto& st = dpc_stack_[cpu];
  const uint64_t run = st.back();
  st.pop_back();
  Dpc d = std::move(dpcs_.at(run));
  dpcs_.erase(run);
  std::vector<uint64_t> ids;  // the irq_ids this run finished
  for (const uint64_t seq : d.isrs) {
    Isr& i = isrs_.at(seq);
    for (const Source& s : i.sources) ids.push_back(s.irq_id);
    i.dpc_done = true;
    i.dpc_cpu = cpu;
    i.dpc_enter_ps = d.enter_ps;
    i.dpc_exit_ps = now;
    if (i.exited) complete(i);
  }
  std::sort(ids.begin(), ids.end());
  std::string list;
  for (const uint64_t id : ids) list += (list.empty() ? "" : ",") + std::to_string(id);
  trace_(now, trace_events::slice(cpu, "DPC gpu", d.enter_ps, now,
                                  "{\"dpc\":" + std::to_string(run) + ",\"irq_ids\":[" + list + "]}"));
}

// The ISR and its DPC have both ended: each source it reported has all its stamps.
void InterruptTracker::complete(Isr& i) {
  const uint64_t now = std::max(i.exit_ps, i.dpc_exit_ps);
  for (const Source& s : i.sources) {
    const SourceInfo info = describe_source(s.bit);
    Latency l{s.irq_id, info.name, info.index, i.message, i.cpu, i.dpc_cpu, {}, s.function, guest_};
    const uint64_t t0 = s.cycle * P_;
    const uint64_t t[7] = {t0,
                           i.issued_ps < 0 ? t0 : static_cast<uint64_t>(i.issued_ps),
                           i.delivered_ps,
                           i.enter_ps,
                           i.exit_ps,
                           i.dpc_enter_ps,
                           i.dpc_exit_ps};
    l.t_ps[0] = t[0];
    for (int k = 1; k < 7; ++k) l.t_ps[k] = std::max(t[k], l.t_ps[k - 1]);  // an event can join a later stage
    if (latency_out_)
      latency_out_(now, l);
    else
      r_.latencies.push_back(l);
    trace_(now, trace_events::flow(s.irq_id, "s", info.head ? 3 : 2, info.index, l.t_ps[0]));
    trace_(now, trace_events::flow(s.irq_id, "t", 1, i.cpu, l.t_ps[3]));
    trace_(now, trace_events::flow(s.irq_id, "f", 1, i.dpc_cpu, l.t_ps[5]));
  }
  isrs_.erase(i.seq);
}

// DXGK_INTERRUPT_TYPE and index -> the INTR_STATUS bit whose pulses the report covers.
unsigned InterruptTracker::report_bit(const dxgkrnl::NotifyRecord& n) const {
  namespace s = regs::irq_ctrl::sources;
  switch (n.type) {
    case wddm::DXGK_INTERRUPT_DMA_COMPLETED: return s::DMA_COMPLETED.lsb + n.index;
    case wddm::DXGK_INTERRUPT_DMA_PREEMPTED: return s::DMA_PREEMPTED.lsb + n.index;
    case wddm::DXGK_INTERRUPT_DMA_FAULTED: return s::DMA_FAULTED.lsb + n.index;
    case wddm::DXGK_INTERRUPT_CRTC_VSYNC: return s::CRTC_VSYNC.lsb + n.index;
    case wddm::DXGK_INTERRUPT_DMA_PAGE_FAULTED: {
      // From a node's DMA_FAULTED bit (an engine's fault) or from the PAGE_FAULT source.
      const auto q = unreported_.find(s::DMA_FAULTED.lsb + n.index);
      if (q != unreported_.end() && !q->second.empty() &&
          !dxgkrnl::fence_after(q->second.front().fence, n.fence))
        return s::DMA_FAULTED.lsb + n.index;
      return s::PAGE_FAULT.lsb;
    }
    default: return s::PAGE_FAULT.lsb;
  }
}

// DMA types report every unreported pulse of their source with a fence up to the reported
// one (modulo 2^32); vsync every unreported pulse of its head raised by then.
std::vector<uint64_t> InterruptTracker::notify(const dxgkrnl::NotifyRecord& n, int cpu, uint64_t t) {
  const bool fenced = n.type != wddm::DXGK_INTERRUPT_CRTC_VSYNC;
  const auto st = stack_.find(static_cast<unsigned>(cpu));
  Isr* isr = st == stack_.end() || st->second.empty() ? nullptr : &isrs_.at(st->second.back());
  if (isr) isr->reported += (isr->reported.empty() ? "" : ",") + trace_events::notify(n);
  std::vector<uint64_t> ids;
  auto& q = unreported_[report_bit(n)];
  while (!q.empty()) {
    const Source& s = q.front();
    if (s.cycle * P_ > t) break;
    if (fenced && dxgkrnl::fence_after(s.fence, n.fence)) break;
    ids.push_back(s.irq_id);
    for (auto& p : r_.faults.pending_at_drop) {
      if (p.irq_id == s.irq_id && !p.reported_ps) p.reported_ps = n.t_ps;
    }
    (isr ? isr->sources : orphans_).push_back(s);
    q.pop_front();
  }
  return ids;
}

IsrMarks* InterruptTracker::current_isr(unsigned cpu) {
  const auto st = stack_.find(cpu);
  return st == stack_.end() || st->second.empty() ? nullptr : &isrs_.at(st->second.back()).marks;
}

std::vector<PendingSource> InterruptTracker::pending_sources(uint64_t now) const {
  std::vector<PendingSource> v;
  for (const auto& [bit, q] : unreported_) {
    for (const Source& s : q) {
      if (s.cycle * P_ <= now) v.push_back({s.irq_id, s.cycle, s.bit});
    }
  }
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.irq_id < b.irq_id; });
  return v;
}

void InterruptTracker::stopped(uint64_t stop_ps) {
  stop_ps_ = stop_ps;
  for (const uint64_t c : recent_msis_) r_.msis_after_stop += c * P_ > stop_ps;
}

void InterruptTracker::finish() {
  auto& u = r_.unfinished;
  for (const auto& [bit, q] : unreported_) {
    for (const Source& s : q) u.push_back({s.irq_id, s.cycle, s.bit, false});
  }
  for (const Source& s : orphans_) u.push_back({s.irq_id, s.cycle, s.bit, true});
  for (auto& [seq, i] : isrs_) {
    for (const Source& s : i.sources) u.push_back({s.irq_id, s.cycle, s.bit, true});
    if (!i.exited) account_exit(i);
    r_.isr_to_dpc_censored += i.queued_dpc && !i.dpc;
  }
  std::sort(u.begin(), u.end(), [](const auto& a, const auto& b) { return a.irq_id < b.irq_id; });
}

}  // namespace irqlab::run
