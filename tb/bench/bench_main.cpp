// irq_bench: one workload through (a) the raw Verilated cycle loop, (b) a naive
// co-simulation (the --sc model clocked by sc_clock) and (c) the platform's bridge.
// Prints M cycles/s for each, the ratios, and the event checksum, which must be
// identical across the three (exit 1 otherwise). SystemC elaborates once per process,
// so (b) and (c) run as child processes of this one invocation.
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "bench_schedule.hpp"
#include "rtl_model.hpp"

namespace {

using namespace irqlab;

nlohmann::json run_raw(const bench::WorkloadSpec& spec) {
  auto dut = irqctrl::make_rtl_model(irqctrl::RtlBuild::kDefaultFst);
  const auto schedule = bench::make_schedule(spec, dut->config());
  bench::Checksum sum;
  const auto t0 = std::chrono::steady_clock::now();
  bench::replay(*dut, schedule, spec.cycles, sum);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  char hex[32];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(sum.value()));
  return {{"mcycles_per_s", spec.cycles / s / 1e6}, {"checksum", hex}, {"messages", sum.count()}};
}

nlohmann::json run_child(const std::string& exe, const bench::WorkloadSpec& spec) {
  const std::string cmd =
      exe + " " + std::to_string(spec.cycles) + " " + std::to_string(spec.seed) + " 2>/dev/null";
  FILE* f = popen(cmd.c_str(), "r");
  std::string out;
  char buf[512];
  while (f && fgets(buf, sizeof buf, f)) out += buf;
  if (!f || pclose(f) != 0) throw std::runtime_error("failed: " + cmd);
  return nlohmann::json::parse(out.substr(out.rfind('{')));
}

}  // namespace

int main(int argc, char** argv) {
  bench::WorkloadSpec spec;
  bool json = false;
  // The two child benches sit beside this one (build tree: tb/; installed: libexec/irqlab/).
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::string dir = ec ? std::string(IRQLAB_BENCH_DIR) : self.parent_path().string();
  CLI::App app{"Raw Verilator vs naive sc_clock co-simulation vs the irqlab platform, same workload"};
  app.add_option("--cycles", spec.cycles, "GPU cycles")->check(CLI::PositiveNumber);
  app.add_option("--interval", spec.interval, "mean cycles between interrupts")
      ->check(CLI::Range(2u, 1u << 30));
  app.add_option("--seed", spec.seed, "workload seed");
  app.add_flag("--json", json, "print one JSON object");
  CLI11_PARSE(app, argc, argv);
  nlohmann::json modes;
  // Each phase takes a while: say which one runs (on a terminal only, stdout stays clean).
  const bool tty = isatty(STDERR_FILENO) == 1;
  auto phase = [tty, &spec](const char* m) {
    if (tty)
      std::fprintf(stderr, "irq_bench: %s, %llu cycles...\n", m,
                   static_cast<unsigned long long>(spec.cycles));
  };
  try {
    phase("raw Verilator");
    modes["raw"] = run_raw(spec);
    phase("naive sc_clock co-simulation");
    modes["naive"] = run_child(dir + "/irq_bench_naive", spec);
    phase("the irqlab platform");
    modes["platform"] = run_child(dir + "/irq_bench_platform", spec);
  } catch (const std::exception& e) {
    std::cerr << "irq_bench: " << e.what() << "\n";
    return 2;
  }
  const bool same = modes["raw"]["checksum"] == modes["naive"]["checksum"] &&
                    modes["raw"]["checksum"] == modes["platform"]["checksum"];
  const double raw = modes["raw"]["mcycles_per_s"], naive = modes["naive"]["mcycles_per_s"],
               plat = modes["platform"]["mcycles_per_s"];
  if (json) {
    nlohmann::json j{{"workload", spec.describe()}, {"cycles", spec.cycles}, {"modes", modes}};
    std::cout << j.dump(2) << "\n";
  } else {
    std::printf("workload: %s\ncycles: %llu\n", spec.describe().c_str(),
                static_cast<unsigned long long>(spec.cycles));
    for (const char* m : {"raw", "naive", "platform"}) {
      std::printf("  %-9s %10.3f M cycles/s   checksum %s   messages %llu\n", m,
                  modes[m]["mcycles_per_s"].get<double>(), modes[m]["checksum"].get<std::string>().c_str(),
                  static_cast<unsigned long long>(modes[m]["messages"].get<uint64_t>()));
    }
    std::printf("ratios: platform/naive %.1fx, platform/raw %.2fx, naive/raw %.2fx\n", plat / naive,
                plat / raw, naive / raw);
    std::printf("checksums %s\n", same ? "identical" : "DIFFER");
  }
  return same ? 0 : 1;
}
