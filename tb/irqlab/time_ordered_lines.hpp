// Lines recorded out of time order put back in (time, recording) order. The controller
// runs ahead of SystemC time, so a pulse is recorded before CPU activity that happens
// earlier; each line is held until nothing earlier can be recorded any more (nothing is
// recorded earlier than SystemC time minus a GPU cycle), then handed on.
//
// Lines go into a few lanes, each already in order (the CPU's lines in one, the
// controller's in another: patience sorting), and are merged when handed on: O(lanes) per
// line where a map cost a tree node and a rebalance.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace irqlab::run {

class TimeOrderedLines {
 public:
  using Sink = std::function<void(uint64_t t_ps, const std::string& line)>;
  explicit TimeOrderedLines(Sink sink) : sink_(std::move(sink)) {}
  void add(uint64_t t_ps, std::string line) {
    for (auto& lane : lanes_) {
      if (lane.empty() || lane.back().t <= t_ps) {
        lane.push_back({t_ps, seq_++, std::move(line)});
        return;
      }
    }
    lanes_.emplace_back().push_back({t_ps, seq_++, std::move(line)});
  }
  /// Hands on every line before `t_ps`, in (time, recording) order.
  void flush_before(uint64_t t_ps) {
    for (;;) {
      std::deque<Line>* first = nullptr;
      for (auto& lane : lanes_) {
        if (!lane.empty() && lane.front().t < t_ps && (!first || earlier(lane.front(), first->front())))
          first = &lane;
      }
      if (!first) break;
      late_ |= first->front().t < flushed_;  // would break time order: never expected
      sink_(first->front().t, first->front().text);
      first->pop_front();
    }
    flushed_ = std::max(flushed_, t_ps);
  }
  /// A line came after later ones had been handed on.
  bool out_of_order() const { return late_; }

 private:
  struct Line {
    uint64_t t, seq;
    std::string text;
  };
  static bool earlier(const Line& a, const Line& b) { return a.t != b.t ? a.t < b.t : a.seq < b.seq; }
  Sink sink_;
  std::vector<std::deque<Line>> lanes_;
  uint64_t seq_ = 0, flushed_ = 0;
  bool late_ = false;
};

}  // namespace irqlab::run
