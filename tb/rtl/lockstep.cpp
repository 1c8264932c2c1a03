#include "lockstep.hpp"

#include <chrono>
#include <cstdio>
#include <sstream>

#include "random_stimulus.hpp"

namespace irqlab::irqctrl {

LockstepResult run_lockstep(const LockstepOptions& opt) {
  LockstepResult r;
  r.seed = opt.seed;
  auto rtl = make_rtl_model(opt.build, opt.trace);
  IrqCtrlRef ref(rtl->config(), opt.fault);
  RandomStimulus stim(opt.seed, rtl->config());

  const auto t0 = std::chrono::steady_clock::now();
  for (uint64_t c = 0; c < opt.cycles; ++c) {
    const Outputs out_rtl = rtl->outputs();
    auto diff = compare(out_rtl, ref.outputs());
    r.cycles = c + 1;
    if (!diff.empty()) {
      r.divergence = Divergence{c, std::move(diff)};
      break;
    }
    const Inputs in = stim.next(out_rtl);
    rtl->step(in);
    ref.step(in);
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.coverage = ref.coverage();
  return r;
}

std::string format_divergence(const LockstepResult& r) {
  if (!r.divergence) return {};
  std::ostringstream os;
  char buf[160];
  os << "DIVERGENCE at cycle " << r.divergence->cycle << " (seed " << r.seed << ")\n";
  for (const auto& m : r.divergence->mismatches) {
    std::snprintf(buf, sizeof buf, "  %-14s rtl=0x%llx ref=0x%llx\n", m.signal.c_str(),
                  static_cast<unsigned long long>(m.a), static_cast<unsigned long long>(m.b));
    os << buf;
  }
  os << "replay: irq_lockstep --seed " << r.seed << " --cycles " << r.divergence->cycle + 1
     << " --trace divergence.fst\n";
  return os.str();
}

namespace {

struct Counter {
  const char* name;
  uint64_t Coverage::*field;
};

constexpr Counter kCounters[] = {
    {"source_events", &Coverage::source_events},
    {"messages_issued", &Coverage::messages_issued},
    {"messages_backpressured", &Coverage::messages_backpressured},
    {"masked_to_pba", &Coverage::masked_to_pba},
    {"pba_replays", &Coverage::pba_replays},
    {"pba_cleared_by_service", &Coverage::pba_cleared_by_service},
    {"merged_triggers", &Coverage::merged_triggers},
    {"moderation_holds", &Coverage::moderation_holds},
    {"w1c_clear_with_event", &Coverage::w1c_clear_with_event},
    {"writes_ok", &Coverage::writes_ok},
    {"writes_refused", &Coverage::writes_refused},
    {"reads", &Coverage::reads},
    {"table_writes", &Coverage::table_writes},
    {"intx_cycles", &Coverage::intx_cycles},
    {"function_mask_cycles", &Coverage::function_mask_cycles},
    {"idle_cycles", &Coverage::idle_cycles},
    {"msi_messages", &Coverage::msi_messages},
    {"paused_cycles", &Coverage::paused_cycles},
    {"restores", &Coverage::restores},
};

}  // namespace

std::vector<std::string> uncovered(const Coverage& c) {
  std::vector<std::string> out;
  for (const auto& k : kCounters) {
    if (c.*k.field == 0) out.emplace_back(k.name);
  }
  return out;
}

std::string format_speed(const LockstepResult& r) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "wall time       %.2f s, %.2f M cycles/s (both models)\n", r.seconds,
                r.seconds > 0 ? r.cycles / r.seconds / 1e6 : 0.0);
  return buf;
}

std::string format_summary(const LockstepResult& r, const LockstepOptions& opt) {
  std::ostringstream os;
  os << "irq_ctrl lockstep: RTL (Verilated) vs C++ reference model\n";
  os << "seed            " << r.seed << "\n";
  os << "cycles compared " << r.cycles << " of " << opt.cycles << "\n";
  os << "table entries   " << rtl_build_config(opt.build).num_vectors << "\n";
  char buf[96];
  os << "result          " << (r.divergence ? "DIVERGED" : "identical outputs every cycle") << "\n";
  os << "coverage (events the stimulus caused in the reference model):\n";
  for (const auto& k : kCounters) {
    std::snprintf(buf, sizeof buf, "  %-24s %llu\n", k.name,
                  static_cast<unsigned long long>(r.coverage.*k.field));
    os << buf;
  }
  if (!opt.trace.path.empty()) os << "waveform        " << opt.trace.path << "\n";
  if (r.divergence) os << format_divergence(r);
  return os.str();
}

}  // namespace irqlab::irqctrl
