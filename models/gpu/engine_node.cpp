#include "engine_node.hpp"

#include <cmath>
#include <cstring>

namespace irqlab::gpu {

using pcie::now_ps;
using pcie::Tlp;
using pcie::TlpSource;
using pcie::TlpType;

EngineNode::EngineNode(sc_core::sc_module_name name, unsigned node, pcie::DeviceFunction& fn, PulseSink pulse,
                       uint64_t fence_addr, uint64_t result_addr)
    : sc_core::sc_module(name),
      node_(node),
      fn_(fn),
      pulse_(std::move(pulse)),
      fence_addr_(fence_addr),
      result_addr_(result_addr),
      timer_("timer") {}

uint64_t EngineNode::doorbell_ps() const {
  const auto& t = fn_.timing();
  Tlp db;
  db.type = TlpType::kMWr;
  db.length = 8;
  db.addr = 0xF000'0000;
  return t.profile().cpu_mmio_latency_ps + t.profile().rc_latency_ps + t.hop_ps(db);
}

uint64_t EngineNode::submit(const Submission& s) {
  return schedule(s, now_ps() + doorbell_ps(), false);
}

void EngineNode::enqueue(const Submission& s, uint64_t dispatch_ps) {
  lead_ps_ = dispatch_ps;
  queue_.push_back({s, now_ps() + dispatch_ps});
  pump();
}

// Commit the queue's head once it would start within one lead: its completion is then
// announced at least a lead ahead, as the controller's lookahead requires.
void EngineNode::pump() {
  while (!halted_ && !queue_.empty()) {
    const uint64_t start = std::max(queue_.front().ready_ps, busy_until_);
    if (start > now_ps() + lead_ps_) {
      const uint64_t when = start - lead_ps_;
      if (when < armed_at_) {  // an earlier wake-up than any pending one
        armed_at_ = when;
        timer_.at(when, [this, when] {
          if (armed_at_ == when) armed_at_ = UINT64_MAX;
          pump();
        });
      }
      return;
    }
    const Queued q = queue_.front();
    queue_.pop_front();
    schedule(q.s, q.ready_ps, true);
  }
}

size_t EngineNode::preempt(uint32_t fence) {
  const size_t dropped = halted_ ? 0 : queue_.size();
  if (!halted_) queue_.clear();
  // After the committed buffers; a lead ahead at least, so the pulse is announced in time.
  const uint64_t at = std::max(busy_until_ + 1, now_ps() + lead_ps_);
  busy_until_ = at;
  pulse_(at, kPulsePreempted, node_, fence);
  return dropped;
}

void EngineNode::reset(uint64_t at_ps) {
  queue_.clear();
  halted_ = false;
  busy_until_ = std::max(busy_until_, at_ps);
}

uint64_t EngineNode::schedule(const Submission& s, uint64_t ready_ps, bool halt_on_fault) {
  const uint64_t start = std::max(ready_ps, busy_until_);
  if (halt_on_fault && s.outcome == Outcome::kFault) {
    // The page fault stops the engine midway; nothing more runs until the OS resets it.
    const uint64_t fault_at = start + s.duration_ps / 2;
    busy_until_ = fault_at;
    halted_ = true;
    pulse_(fault_at, kPulseFaulted, node_, s.fence);
    return fault_at;
  }
  const uint64_t done = start + s.duration_ps;
  busy_until_ = done;
  const auto src = static_cast<TlpSource>(static_cast<uint16_t>(TlpSource::kEngine0) + node_);
  if (s.outcome == Outcome::kComplete) {
    // Results first, split at Max_Payload_Size, then the fence: one posted stream.
    const uint32_t mps = fn_.timing().profile().mps;
    for (uint32_t off = 0; off < s.result_bytes; off += mps) {
      Tlp w;
      w.type = TlpType::kMWr;
      w.addr = result_addr_ + off;
      w.length = std::min(mps, s.result_bytes - off);
      w.data.assign(w.length, static_cast<uint8_t>(s.fence));
      fn_.send(std::move(w), src, done);
    }
    Tlp f;
    f.type = TlpType::kMWr;
    f.addr = fence_addr_;
    f.length = 8;
    f.data.resize(8);
    const uint64_t value = s.fence;
    std::memcpy(f.data.data(), &value, 8);
    fn_.send(std::move(f), src, done);
  }
  const unsigned kind = s.outcome == Outcome::kComplete  ? kPulseCompleted
                        : s.outcome == Outcome::kPreempt ? kPulsePreempted
                                                         : kPulseFaulted;
  pulse_(done, kind, node_, s.fence);
  return done;
}

DisplayHead::DisplayHead(sc_core::sc_module_name name, unsigned head, double refresh_hz,
                         uint64_t lookahead_ps, PulseSink pulse, uint64_t phase_ps)
    : sc_core::sc_module(name),
      head_(head),
      period_ps_(static_cast<uint64_t>(std::llround(1e12 / refresh_hz))),
      lookahead_ps_(lookahead_ps),
      phase_ps_(phase_ps),
      pulse_(std::move(pulse)) {
  SC_THREAD(run);
}

void DisplayHead::run() {
  for (uint64_t k = 1;; ++k) {
    const uint64_t t = phase_ps_ + k * period_ps_;
    const uint64_t announce = t - lookahead_ps_;
    if (announce > now_ps()) wait(sc_core::sc_time::from_value(announce - now_ps()));
    pulse_(t, kPulseVsync, head_, 0);
    ++count_;
  }
}

}  // namespace irqlab::gpu
