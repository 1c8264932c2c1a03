// Records made out of time order put back in (time, process, recording) order. The
// controller runs ahead of SystemC time, so a pulse is recorded before CPU activity that
// happens earlier; each record is held until nothing earlier can be recorded any more
// (nothing is recorded earlier than SystemC time minus a GPU cycle), then handed on. Equal
// times are ordered by the recording process (pcie::current_process_stream), then by that
// process's own order: never by which process SystemC happened to run first.
//
// Records go into a few lanes, each already in order (the CPUs' records in one, the
// controller's in another: patience sorting), and are merged when handed on: O(lanes) per
// record where a map cost a tree node and a rebalance.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "process_stream.hpp"

namespace irqlab::run {

template <typename T>
class TimeOrdered {
 public:
  using Sink = std::function<void(uint64_t t_ps, const T& record)>;
  explicit TimeOrdered(Sink sink) : sink_(std::move(sink)) {}
  void add(uint64_t t_ps, T record) {
    Entry e{t_ps, pcie::current_process_stream(), seq_++, std::move(record)};
    for (auto& lane : lanes_) {
      if (lane.empty() || !earlier(e, lane.back())) {
        lane.push_back(std::move(e));
        return;
      }
    }
    lanes_.emplace_back().push_back(std::move(e));
  }
  /// Hands on every record before `t_ps`, in order.
  void flush_before(uint64_t t_ps) {
    for (;;) {
      std::deque<Entry>* first = nullptr;
      for (auto& lane : lanes_) {
        if (!lane.empty() && lane.front().t < t_ps && (!first || earlier(lane.front(), first->front())))
          first = &lane;
      }
      if (!first) break;
      late_ |= first->front().t < flushed_;  // would break time order: never expected
      sink_(first->front().t, first->front().record);
      first->pop_front();
    }
    flushed_ = std::max(flushed_, t_ps);
  }
  /// A record came after later ones had been handed on.
  bool out_of_order() const { return late_; }

 private:
  struct Entry {
    uint64_t t, stream, seq;
    T record;
  };
  static bool earlier(const Entry& a, const Entry& b) {
    if (a.t != b.t) return a.t < b.t;
    return a.stream != b.stream ? a.stream < b.stream : a.seq < b.seq;
  }
  Sink sink_;
  std::vector<std::deque<Entry>> lanes_;
  uint64_t seq_ = 0, flushed_ = 0;
  bool late_ = false;
};

using TimeOrderedLines = TimeOrdered<std::string>;

}  // namespace irqlab::run
