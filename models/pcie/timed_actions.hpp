// Deferred actions at exact future times, run in (time, insertion) order by one thread:
// the fixed pipeline delays of a root complex or endpoint.
#pragma once

#include <systemc>

#include <cstdint>
#include <functional>
#include <map>

namespace irqlab::pcie {

class TimedActions : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(TimedActions);
  explicit TimedActions(sc_core::sc_module_name name) : sc_core::sc_module(name) { SC_THREAD(run); }

  /// Run `f` when SystemC time reaches `at_ps` (not in the past).
  void at(uint64_t at_ps, std::function<void()> f) {
    const uint64_t now = sc_core::sc_time_stamp().value();
    if (at_ps < now) SC_REPORT_FATAL(name(), "action scheduled in the past");
    actions_.emplace(std::make_pair(at_ps, seq_++), std::move(f));
    wake_.notify(sc_core::sc_time::from_value(actions_.begin()->first.first - now));
  }

 private:
  void run() {
    for (;;) {
      wait(wake_);
      const uint64_t now = sc_core::sc_time_stamp().value();
      while (!actions_.empty() && actions_.begin()->first.first <= now) {
        auto f = std::move(actions_.begin()->second);
        actions_.erase(actions_.begin());
        f();
      }
      if (!actions_.empty()) wake_.notify(sc_core::sc_time::from_value(actions_.begin()->first.first - now));
    }
  }

  std::map<std::pair<uint64_t, uint64_t>, std::function<void()>> actions_;
  uint64_t seq_ = 0;
  sc_core::sc_event wake_;
};

}  // namespace irqlab::pcie
