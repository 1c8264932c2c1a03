// One direction of a PCIe link: a transmitter with separate posted, non-posted and
// completion queues, a serializer, and delivery at the far end after the hop latency.
//
// Ordering (PCIe 2.4.1, relaxed ordering off): a posted TLP never passes an earlier
// posted TLP; a non-posted request or a completion never passes an earlier posted TLP.
// Posted TLPs may pass non-posted ones blocked by flow control (non-posted credits), which
// is what keeps the link deadlock-free. "Earlier" is by OrderKey, never by call order.
//
// The transmitter announces each TLP's arrival time when it starts serialization, so a
// receiver that runs ahead of SystemC time (the Verilated controller) learns of inputs
// at least LinkTiming::min_hop_ps() before they arrive.
#pragma once

#include <systemc>

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "link_timing.hpp"
#include "tlp.hpp"

namespace irqlab::pcie {

struct LinkStats {
  uint64_t tlps[3] = {0, 0, 0};  ///< by TlpClass
  uint64_t wire_ps_busy = 0;
  uint64_t payload_bytes = 0;
  uint64_t posted_passed_nonposted = 0;
  size_t max_queued = 0;
  uint64_t corrupted = 0;  ///< TLPs that arrived with a bad LCRC (fault injection)
  uint64_t replays = 0;    ///< of those, retransmitted after the receiver's NAK
  uint64_t lost = 0;       ///< of those, never retransmitted (only a broken link loses any)
  uint64_t replay_ps = 0;  ///< time the transmitter spent waiting for NAKs
};

class LinkDirection : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(LinkDirection);
  using Receiver = std::function<void(const Tlp&)>;
  using Announcer = std::function<void(const Tlp&, uint64_t arrival_ps)>;
  /// Observer of every transmission (for waveforms and tests): start, arrival.
  using Observer = std::function<void(const Tlp&, uint64_t start_ps, uint64_t arrival_ps)>;

  LinkDirection(sc_core::sc_module_name name, const LinkTiming& timing, unsigned np_credits);

  void set_receiver(Receiver r) { receiver_ = std::move(r); }
  void set_announcer(Announcer a) { announcer_ = std::move(a); }
  void set_observer(Observer o) { observer_ = std::move(o); }
  /// Called for each change of a queue's depth: class, +1 or -1, and the time it takes
  /// effect. A TLP joins its queue at its ready time (it may be sent earlier, by a model
  /// running ahead of SystemC time) and leaves when it starts on the wire; the +1 may come
  /// later than a -1 of a later time, so an observer orders them by time (for waveforms).
  void set_depth_observer(std::function<void(TlpClass, int, uint64_t)> o) { depth_observer_ = std::move(o); }

  /// Queue a TLP; it may start once SystemC time reaches tlp.key.ready_ps, which must
  /// not be in the past.
  void send(Tlp tlp);
  /// A completion for one of this direction's non-posted requests has fully arrived.
  void return_np_credit();
  /// Limits posted TLPs in flight to the receiver's posted header credits (0: unlimited).
  void set_posted_credits(unsigned n) { posted_credits_ = max_posted_credits_ = n; }
  /// The receiver freed a posted buffer (its UpdateFC arrived). Never above the limit.
  void return_posted_credit();

  /// Called when a TLP starts its (final) transmission: it has left the transmit queue.
  void add_start_listener(std::function<void(const Tlp&, uint64_t start_ps)> f) {
    start_listeners_.push_back(std::move(f));
  }
  /// Fault injection: every `every`th TLP arrives with a bad LCRC. The receiver NAKs it and
  /// the transmitter replays it (PCIe 3.6.2, Data Link Layer retry); `replay` false is a
  /// broken link that loses it instead (tests).
  void corrupt_every(uint64_t every, bool replay = true) {
    corrupt_every_ = every;
    replay_ = replay;
  }

  const LinkStats& stats() const { return stats_; }
  const LinkTiming& timing() const { return timing_; }

 private:
  using Queue = std::map<OrderKey, Tlp>;
  void transmit_thread();
  void deliver_thread();
  Queue* choose(uint64_t now);
  /// A corrupted TLP: wait for the NAK and replay it (true), or lose it (false).
  bool survive_corruption(const Tlp& tlp, uint64_t ser);

  const LinkTiming& timing_;
  unsigned np_credits_;
  unsigned posted_credits_ = 0, max_posted_credits_ = 0;
  Queue queues_[3];
  std::multimap<std::pair<uint64_t, OrderKey>, Tlp> in_flight_;
  sc_core::sc_event queued_, arrival_, credit_;
  Receiver receiver_;
  Announcer announcer_;
  Observer observer_;
  std::function<void(TlpClass, int, uint64_t)> depth_observer_;
  LinkStats stats_;
  std::vector<std::function<void(const Tlp&, uint64_t)>> start_listeners_;
  uint64_t corrupt_every_ = 0, transmitted_ = 0;
  bool replay_ = true;
};

/// Current SystemC time in ps (the simulation's resolution).
inline uint64_t now_ps() {
  return sc_core::sc_time_stamp().value();
}
inline sc_core::sc_time ps(uint64_t v) {
  return sc_core::sc_time::from_value(v);
}

}  // namespace irqlab::pcie
