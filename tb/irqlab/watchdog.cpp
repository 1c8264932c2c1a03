#include "watchdog.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace irqlab::run {

namespace {
std::string ms(uint64_t ps) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3f ms", ps / 1e9);
  return b;
}
std::string hex(uint64_t v) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}
const char* type_name(pcie::TlpType t) {
  switch (t) {
    case pcie::TlpType::kMRd: return "memory read";
    case pcie::TlpType::kCfgRd: return "config read";
    case pcie::TlpType::kCfgWr: return "config write";
    default: return "request";
  }
}
}  // namespace

Watchdog::Watchdog(sc_core::sc_module_name name, const WatchdogLimits& limits,
                   std::function<void(const Hang&)> on_stall)
    : sc_core::sc_module(name), limits_(limits), on_stall_(std::move(on_stall)) {
  SC_THREAD(check_thread);
  stall_ = std::thread([this] { stall_thread(); });
}

Watchdog::~Watchdog() {
  {
    std::lock_guard<std::mutex> l(m_);
    quit_ = true;
  }
  cv_.notify_all();
  stall_.join();
}

void Watchdog::arm(bool on) {
  std::lock_guard<std::mutex> l(m_);
  armed_ = on;
  ++beats_;  // time between sc_start calls never counts as a stall
}

// A CPU whose outermost ISR or DPC has run past the limit is stuck; the innermost routine
// is what it is executing now (an ISR that preempted a DPC and never returns, say), so
// that one is named first.
std::string Watchdog::check_routines(uint64_t now) const {
  for (const auto* k : kernels_) {
    for (unsigned c = 0; c < k->num_cpus(); ++c) {
      const auto& acts = k->cpu(c).activities();
      if (acts.empty() || now - acts.front().since_ps <= limits_.routine_ps) continue;
      const auto& in = acts.back();
      std::string d = "CPU " + std::to_string(c) + " (" + k->config().name + std::to_string(c) +
                      ") is stuck in " + in.what + ", running for " + ms(now - in.since_ps) +
                      " (since t=" + ms(in.since_ps) + "; limit " + ms(limits_.routine_ps) + ")";
      if (acts.size() > 1)
        d += ", which preempted " + acts.front().what + " (running for " + ms(now - acts.front().since_ps) +
             ")";
      return d;
    }
  }
  return {};
}

std::string Watchdog::check_completions(uint64_t now) const {
  for (const auto& [rc, label] : roots_) {
    const auto o = rc->oldest_outstanding();
    if (!o || now - o->issued_ps <= limits_.completion_ps) continue;
    const std::string who = o->cpu >= 0 ? "CPU " + std::to_string(o->cpu) : std::string("the PnP thread");
    return "completion timeout: " + std::string(type_name(o->type)) + " from " + who + " through " + label +
           " (requester: root complex, tag " + std::to_string(o->tag) + ", address " + hex(o->addr) +
           ") has had no completion for " + ms(now - o->issued_ps) + " (issued at t=" + ms(o->issued_ps) +
           "; completion timeout " + ms(limits_.completion_ps) + ")";
  }
  return {};
}

std::string Watchdog::state(uint64_t now) const {
  std::string s;
  for (const auto* k : kernels_) {
    for (unsigned c = 0; c < k->num_cpus(); ++c) {
      const auto& acts = k->cpu(c).activities();
      s += "\n  " + k->config().name + std::to_string(c) + ": ";
      s += acts.empty() ? "idle" : acts.back().what + " since t=" + ms(acts.back().since_ps);
    }
  }
  for (const auto& [rc, label] : roots_) {
    if (const auto o = rc->oldest_outstanding())
      s += "\n  " + label + ": oldest request tag " + std::to_string(o->tag) + " at " + hex(o->addr) +
           " for " + ms(now - o->issued_ps);
  }
  return s;
}

void Watchdog::check_thread() {
  // Checks a few times per limit, and at least every 100 us so the stall detector's
  // last state is recent.
  const uint64_t period =
      std::clamp<uint64_t>(std::min(limits_.routine_ps, limits_.completion_ps) / 4, 1'000'000, 100'000'000);
  for (;;) {
    wait(sc_core::sc_time::from_value(period));
    const uint64_t now = sc_core::sc_time_stamp().value();
    {
      std::lock_guard<std::mutex> l(m_);
      ++beats_;
      last_ps_ = now;
      last_state_ = state(now);
    }
    std::string d = check_routines(now);
    const char* kind = "routine";
    if (d.empty()) {
      d = check_completions(now);
      kind = "completion-timeout";
    }
    if (!d.empty()) {
      hang_ = {kind, d, now};
      sc_core::sc_stop();
      return;
    }
  }
}

// Wall-clock side: while armed, simulated time must advance within stall_wall_s.
void Watchdog::stall_thread() {
  std::unique_lock<std::mutex> l(m_);
  uint64_t seen = beats_;
  auto since = std::chrono::steady_clock::now();
  while (!quit_) {
    cv_.wait_for(l, std::chrono::milliseconds(100));
    if (beats_ != seen || !armed_) {
      seen = beats_;
      since = std::chrono::steady_clock::now();
      continue;
    }
    const double idle = std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
    if (idle < limits_.stall_wall_s) continue;
    char head[200];
    std::snprintf(
        head, sizeof head,
        "the simulation stopped advancing: no progress past t=%s for %.1f s of wall time (a process "
        "loops without letting simulated time pass); last state:",
        ms(last_ps_).c_str(), idle);
    const Hang h{"stalled", head + last_state_, last_ps_};
    l.unlock();
    std::fprintf(stderr, "irqlab: HANG: %s\n", h.detail.c_str());
    if (on_stall_) on_stall_(h);
    std::fflush(nullptr);
    std::_Exit(1);
  }
}

}  // namespace irqlab::run
