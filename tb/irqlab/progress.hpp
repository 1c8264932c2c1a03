// Progress on stderr, only when stderr is a terminal (logs and pipes stay clean): long
// work says how far it is. At most a line every half second of wall time; a carriage
// return overwrites the line while it runs, a newline ends it.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

namespace irqlab::run {

class Progress {
 public:
  explicit Progress(std::string what) : what_(std::move(what)), on_(isatty(STDERR_FILENO) == 1) {}
  ~Progress() { done(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  bool enabled() const { return on_; }
  /// "what: <text>", shown if half a second passed since the last one (or `force`).
  void update(const std::string& text, bool force = false) {
    if (!on_) return;
    const auto now = std::chrono::steady_clock::now();
    if (!force && shown_ && now - last_ < std::chrono::milliseconds(500)) return;
    last_ = now;
    shown_ = true;
    std::fprintf(stderr, "\r%s: %s\033[K", what_.c_str(), text.c_str());
    std::fflush(stderr);
  }
  /// A line of its own that stays (a finished sweep point).
  void line(const std::string& text) {
    if (!on_) return;
    std::fprintf(stderr, "\r%s: %s\033[K\n", what_.c_str(), text.c_str());
    shown_ = false;
  }
  void done() {
    if (on_ && shown_) std::fprintf(stderr, "\n");
    shown_ = false;
  }

 private:
  std::string what_;
  bool on_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace irqlab::run
