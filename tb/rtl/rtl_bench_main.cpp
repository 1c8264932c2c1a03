// irq_rtl_bench: raw throughput of the Verilated irq_ctrl (no SystemC, no tracing) and
// of the C++ reference model, on the same IsrWorkload. Prints M cycles/s and checks
// that both saw the same messages (equal checksums).
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "irq_ctrl_ref.hpp"
#include "isr_workload.hpp"
#include "rtl_model.hpp"

namespace {

using namespace irqlab::irqctrl;

struct Run {
  double mcps;
  uint64_t checksum, messages, events;
};

Run run(PortModel& dut, const WorkloadSpec& spec, uint64_t cycles) {
  IsrWorkload wl(spec, dut.config());
  const auto t0 = std::chrono::steady_clock::now();
  for (uint64_t c = 0; c < cycles; ++c) dut.step(wl.next(dut.outputs()));
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return {cycles / s / 1e6, wl.checksum(), wl.messages(), wl.events()};
}

}  // namespace

int main(int argc, char** argv) {
  WorkloadSpec spec;
  uint64_t cycles = 20'000'000;
  bool json = false;
  CLI::App app{"Raw Verilator throughput of irq_ctrl on a fixed interrupt workload"};
  app.add_option("--cycles", cycles, "GPU cycles to simulate")->check(CLI::PositiveNumber);
  app.add_option("--interval", spec.interval, "mean cycles between interrupts")->check(CLI::PositiveNumber);
  app.add_option("--seed", spec.seed, "workload seed");
  app.add_flag("--json", json, "print one JSON object");
  CLI11_PARSE(app, argc, argv);

  auto rtl = make_rtl_model(RtlBuild::kDefaultFst);
  const Run r = run(*rtl, spec, cycles);
  IrqCtrlRef ref(rtl->config());
  const Run m = run(ref, spec, cycles);
  const std::string workload = "4 nodes, 1 DMA completion per " + std::to_string(spec.interval) +
                               " cycles (mean), W1C " + std::to_string(spec.isr_delay) +
                               " cycles after each MSI-X message, 64 vectors, no tracing";
  if (json) {
    nlohmann::json j{
        {"workload", workload},
        {"cycles", cycles},
        {"seed", spec.seed},
        {"rtl", {{"mcycles_per_s", r.mcps}, {"checksum", r.checksum}, {"messages", r.messages}}},
        {"ref", {{"mcycles_per_s", m.mcps}, {"checksum", m.checksum}, {"messages", m.messages}}}};
    std::cout << j.dump(2) << "\n";
  } else {
    std::printf("workload: %s\n", workload.c_str());
    std::printf("cycles: %llu, events: %llu, messages: %llu\n", (unsigned long long)cycles,
                (unsigned long long)r.events, (unsigned long long)r.messages);
    std::printf("Verilated RTL      %8.2f M cycles/s  checksum %016llx\n", r.mcps,
                (unsigned long long)r.checksum);
    std::printf("C++ reference      %8.2f M cycles/s  checksum %016llx\n", m.mcps,
                (unsigned long long)m.checksum);
  }
  if (r.checksum != m.checksum || r.messages == 0) {
    std::cerr << "irq_rtl_bench: RTL and reference model disagree on the workload\n";
    return 1;
  }
  return 0;
}
