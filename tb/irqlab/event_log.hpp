// events.jsonl as a run makes it: each event is held until nothing earlier can be recorded
// (TimeOrderedLines), then streamed to the file, so nothing per event stays in memory.
// Without a file the events stay in RunResult::events (directed tests read them there).
// Every run (a PF run, a GPU-P run) records through one of these.
#pragma once

#include <cstdint>
#include <fstream>
#include <functional>
#include <memory>
#include <string>

#include "run_model.hpp"
#include "time_ordered_lines.hpp"

namespace irqlab::run {

class EventLog {
 public:
  explicit EventLog(RunResult& r) : r_(r) {}
  /// One event at `t` (ps): `fields` are its JSON members after t_ps and gpu_cycle.
  void event(uint64_t t, const std::string& fields) {
    if (out_)
      lines_.add(t, fields);
    else
      r_.events.push_back({t, pcie::current_process_stream(), seq_++, fields});
    if (tick_) tick_();
  }
  /// Called after each event (streaming, progress).
  void set_tick(std::function<void()> f) { tick_ = std::move(f); }
  /// Stream events.jsonl to `path`.
  void stream_to(const std::string& path) {
    out_ = std::make_unique<std::ofstream>(path);
    r_.events_file = path;
    if (!*out_) r_.events_write_failed = true;
  }
  /// Writes every event before `t_ps` in (time, recording) order (see TimeOrderedLines).
  void flush_before(uint64_t t_ps) {
    if (!out_) return;
    lines_.flush_before(t_ps);
    if (lines_.out_of_order()) r_.events_write_failed = true;
  }
  void close_stream() {
    if (!out_) return;
    flush_before(UINT64_MAX);
    out_->close();
    if (!*out_) r_.events_write_failed = true;
  }

 private:
  RunResult& r_;
  uint64_t seq_ = 0;
  std::unique_ptr<std::ofstream> out_;
  std::function<void()> tick_;
  TimeOrderedLines lines_{[this](uint64_t t, const std::string& fields) {
    *out_ << "{\"t_ps\":" << t << ",\"gpu_cycle\":" << t / r_.gpu_period_ps << "," << fields << "}\n";
  }};
};

}  // namespace irqlab::run
