// irq_rtl_bench: raw throughput of the Verilated irq_ctrl (no SystemC, no tracing) and of
// the C++ reference model on the benchmark schedule (tb/bench/bench_schedule.hpp). Prints
// M cycles/s and checks that both issued the same messages at the same cycles.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "bench_schedule.hpp"
#include "irq_ctrl_ref.hpp"
#include "rtl_model.hpp"

namespace {

using namespace irqlab;

struct Run {
  double mcps;
  bench::Checksum sum;
};

Run run(irqctrl::PortModel& dut, const std::vector<bench::ScheduledInput>& schedule, uint64_t cycles) {
  Run r{};
  const auto t0 = std::chrono::steady_clock::now();
  bench::replay(dut, schedule, cycles, r.sum);
  r.mcps = cycles / std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / 1e6;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  bench::WorkloadSpec spec;
  bool json = false, rtl_only = false;
  unsigned table = 64;
  CLI::App app{"Raw Verilator throughput of irq_ctrl on the benchmark workload"};
  app.add_option("--cycles", spec.cycles, "GPU cycles to simulate")->check(CLI::PositiveNumber);
  app.add_option("--interval", spec.interval, "mean cycles between interrupts")
      ->check(CLI::Range(2u, 1u << 30));
  app.add_option("--seed", spec.seed, "workload seed");
  app.add_flag("--json", json, "print one JSON object");
  app.add_option("--table", table, "MSI-X table entries: the Verilated build to run")
      ->check(CLI::IsMember({64u, 2048u}));
  // For callgrind: the RTL's cost per cycle alone (valgrind --tool=callgrind, see docs/performance.md).
  app.add_flag("--rtl-only", rtl_only, "run the Verilated model only (no reference, no comparison)");
  CLI11_PARSE(app, argc, argv);

  auto rtl =
      irqctrl::make_rtl_model(table == 2048 ? irqctrl::RtlBuild::kTable2048 : irqctrl::RtlBuild::kDefaultFst);
  const auto schedule = bench::make_schedule(spec, rtl->config());
  const Run r = run(*rtl, schedule, spec.cycles);
  if (rtl_only) {
    std::printf("Verilated RTL (%u entries) %8.2f M cycles/s, %llu messages\n", table, r.mcps,
                static_cast<unsigned long long>(r.sum.count()));
    return r.sum.count() == 0 ? 1 : 0;
  }
  irqctrl::IrqCtrlRef ref(rtl->config());
  const Run m = run(ref, schedule, spec.cycles);
  if (json) {
    nlohmann::json j{
        {"workload", spec.describe()},
        {"cycles", spec.cycles},
        {"rtl", {{"mcycles_per_s", r.mcps}, {"checksum", r.sum.value()}, {"messages", r.sum.count()}}},
        {"ref", {{"mcycles_per_s", m.mcps}, {"checksum", m.sum.value()}, {"messages", m.sum.count()}}}};
    std::cout << j.dump(2) << "\n";
  } else {
    std::printf("workload: %s\ncycles: %llu, messages: %llu\n", spec.describe().c_str(),
                static_cast<unsigned long long>(spec.cycles), static_cast<unsigned long long>(r.sum.count()));
    std::printf("Verilated RTL      %8.2f M cycles/s  checksum %016llx\n", r.mcps,
                static_cast<unsigned long long>(r.sum.value()));
    std::printf("C++ reference      %8.2f M cycles/s  checksum %016llx\n", m.mcps,
                static_cast<unsigned long long>(m.sum.value()));
  }
  if (r.sum.value() != m.sum.value() || r.sum.count() == 0) {
    std::cerr << "irq_rtl_bench: RTL and reference model disagree on the workload\n";
    return 1;
  }
  return 0;
}
