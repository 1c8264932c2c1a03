#include "link_direction.hpp"

#include "process_stream.hpp"

#include <cstdio>
#include <string>

namespace irqlab::pcie {

LinkDirection::LinkDirection(sc_core::sc_module_name name, const LinkTiming& timing, unsigned np_credits)
    : sc_core::sc_module(name), timing_(timing), np_credits_(np_credits) {
  SC_THREAD(transmit_thread);
  SC_THREAD(deliver_thread);
}

void LinkDirection::send(Tlp tlp) {
  tlp.key.stream = current_process_stream();
  if (tlp.key.ready_ps < now_ps()) {
    SC_REPORT_FATAL(name(), ("TLP queued in the past: ready " + std::to_string(tlp.key.ready_ps) +
                             " ps < now " + std::to_string(now_ps()) + " ps")
                                .c_str());
  }
  const TlpClass cls = tlp_class(tlp.type);
  auto& q = queues_[static_cast<int>(cls)];
  const OrderKey key = tlp.key;
  if (!q.emplace(key, std::move(tlp)).second) SC_REPORT_FATAL(name(), "duplicate TLP order key");
  if (depth_observer_) depth_observer_(cls, +1, key.ready_ps);
  size_t total = 0;
  for (const auto& qq : queues_) total += qq.size();
  if (total > stats_.max_queued) stats_.max_queued = total;
  queued_.notify(sc_core::SC_ZERO_TIME);
}

void LinkDirection::return_np_credit() {
  ++np_credits_;
  credit_.notify(sc_core::SC_ZERO_TIME);
}

void LinkDirection::return_posted_credit() {
  if (max_posted_credits_ == 0 || posted_credits_ >= max_posted_credits_) return;
  ++posted_credits_;
  credit_.notify(sc_core::SC_ZERO_TIME);
}

// The next TLP allowed to start now, or null.
LinkDirection::Queue* LinkDirection::choose(uint64_t now) {
  Queue& p = queues_[static_cast<int>(TlpClass::kPosted)];
  Queue& np = queues_[static_cast<int>(TlpClass::kNonPosted)];
  Queue& c = queues_[static_cast<int>(TlpClass::kCompletion)];
  auto ready = [now](const Queue& q) { return !q.empty() && q.begin()->first.ready_ps <= now; };
  // NP and completions wait behind any earlier posted TLP, ready or not yet.
  auto behind_posted = [&p](const Queue& q) { return !p.empty() && p.begin()->first < q.begin()->first; };

  Queue* best = nullptr;
  auto consider = [&best](Queue& q) {
    if (!best || q.begin()->first < best->begin()->first) best = &q;
  };
  const bool posted_credit = max_posted_credits_ == 0 || posted_credits_ > 0;
  if (ready(p) && posted_credit) consider(p);
  if (ready(np) && np_credits_ > 0 && !behind_posted(np)) consider(np);
  if (ready(c) && !behind_posted(c)) consider(c);
  if (best == &p && ready(np) && np.begin()->first < p.begin()->first) ++stats_.posted_passed_nonposted;
  return best;
}

void LinkDirection::transmit_thread() {
  for (;;) {
    const uint64_t now = now_ps();
    Queue* q = choose(now);
    if (!q) {
      uint64_t next = UINT64_MAX;
      for (const auto& qq : queues_) {
        if (!qq.empty() && qq.begin()->first.ready_ps > now)
          next = std::min(next, qq.begin()->first.ready_ps);
      }
      if (next == UINT64_MAX) {
        wait(queued_ | credit_);
      } else {
        wait(ps(next - now), queued_ | credit_);
      }
      continue;
    }
    Tlp tlp = std::move(q->begin()->second);
    q->erase(q->begin());
    if (depth_observer_) depth_observer_(tlp_class(tlp.type), -1, now);
    if (tlp_class(tlp.type) == TlpClass::kNonPosted) --np_credits_;
    if (tlp_class(tlp.type) == TlpClass::kPosted && max_posted_credits_ != 0) --posted_credits_;
    const uint64_t ser = timing_.serialize_ps(tlp);
    if (corrupt_every_ && ++transmitted_ % corrupt_every_ == 0 && !survive_corruption(tlp, ser)) continue;
    const uint64_t start = now_ps();
    const uint64_t arrival = start + ser + timing_.profile().phy_latency_ps;
    ++stats_.tlps[static_cast<int>(tlp_class(tlp.type))];
    stats_.wire_ps_busy += ser;
    if (tlp.type == TlpType::kMWr || tlp.type == TlpType::kCplD) stats_.payload_bytes += tlp.length;
    if (announcer_) announcer_(tlp, arrival);
    if (observer_) observer_(tlp, start, arrival);
    for (const auto& l : start_listeners_) l(tlp, start);
    const OrderKey key = tlp.key;
    in_flight_.emplace(std::make_pair(arrival, key), std::move(tlp));
    arrival_.notify(ps(in_flight_.begin()->first.first - start));
    wait(ps(ser));  // the serializer is busy
  }
}

// The bad TLP goes out whole; the receiver checks its LCRC at the end, discards it and
// sends a NAK DLLP back; the transmitter replays from its retry buffer once the NAK is in.
// TLPs behind it would be discarded and replayed too (go-back-N), so the link carries
// nothing new until then.
bool LinkDirection::survive_corruption(const Tlp& tlp, uint64_t ser) {
  ++stats_.corrupted;
  stats_.wire_ps_busy += ser;
  const uint64_t phy = timing_.profile().phy_latency_ps;
  const auto nak_ps = static_cast<uint64_t>(LinkTiming::kDllpBytes * 8 * 1000.0 / timing_.raw_gbps() + 0.5);
  char msg[160];
  std::snprintf(msg, sizeof msg, "TLP (type %d, tag %u) corrupted on the wire: %s",
                static_cast<int>(tlp.type), tlp.tag, replay_ ? "NAK, replayed" : "lost (replay disabled)");
  SC_REPORT_INFO_VERB(name(), msg, sc_core::SC_HIGH);
  if (!replay_) {
    ++stats_.lost;
    wait(ps(ser));
    return false;
  }
  const uint64_t wait_ps = ser + phy + nak_ps + phy;
  stats_.replay_ps += wait_ps;
  ++stats_.replays;
  wait(ps(wait_ps));
  return true;
}

void LinkDirection::deliver_thread() {
  for (;;) {
    wait(arrival_);
    const uint64_t now = now_ps();
    while (!in_flight_.empty() && in_flight_.begin()->first.first <= now) {
      Tlp tlp = std::move(in_flight_.begin()->second);
      in_flight_.erase(in_flight_.begin());
      if (receiver_) receiver_(tlp);
    }
    if (!in_flight_.empty()) arrival_.notify(ps(in_flight_.begin()->first.first - now));
  }
}

}  // namespace irqlab::pcie
