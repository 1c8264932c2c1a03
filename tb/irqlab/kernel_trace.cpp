#include "kernel_trace.hpp"

#include <algorithm>

namespace irqlab::run {

namespace {

uint64_t now_ps() {
  return sc_core::sc_time_stamp().value();
}

// x64 IRQLs (wdm.h): PASSIVE_LEVEL 0, APC_LEVEL 1, DISPATCH_LEVEL 2, device IRQLs 3-12,
// CLOCK_LEVEL 13, IPI_LEVEL 14, HIGH_LEVEL 15. A device's DIRQL is its vector / 16.
std::vector<std::pair<uint64_t, std::string>> irql_names() {
  std::vector<std::pair<uint64_t, std::string>> v = {
      {0, "PASSIVE_LEVEL"}, {1, "APC_LEVEL"}, {2, "DISPATCH_LEVEL"}};
  for (uint64_t i = 3; i <= 12; ++i) v.emplace_back(i, "DIRQL_" + std::to_string(i));
  v.insert(v.end(), {{13, "CLOCK_LEVEL"}, {14, "IPI_LEVEL"}, {15, "HIGH_LEVEL"}});
  return v;
}

// "none" (0), the names (1..), "other" (last); at most 254 names.
std::vector<std::pair<uint64_t, std::string>> enumerate(std::vector<std::string>& names) {
  if (names.size() > 254) names.resize(254);
  std::vector<std::pair<uint64_t, std::string>> v = {{0, "none"}};
  for (size_t i = 0; i < names.size(); ++i) v.emplace_back(i + 1, names[i]);
  v.emplace_back(names.size() + 1, "other");
  return v;
}

}  // namespace

KernelTrace::KernelTrace(waves::WaveWriter& w, kernel::Kernel& k, unsigned cpus,
                         std::vector<std::string> isrs, std::vector<std::string> dpcs,
                         const std::string& scope_prefix, const std::string& cpu_prefix)
    : w_(w), k_(k), isrs_(std::move(isrs)), dpcs_(std::move(dpcs)) {
  const auto isr_enum = enumerate(isrs_), dpc_enum = enumerate(dpcs_);  // (trims the lists)
  for (unsigned c = 0; c < cpus; ++c) {
    const std::string n = cpu_prefix + std::to_string(c), scope = scope_prefix + "." + n;
    Cpu cpu;
    cpu.irql = w.add_enum_var(scope, n + "_irql", 4, irql_names());
    // 8 bits whatever the scenario, so that a saved layout (waves/run.gtkw) always resolves.
    cpu.isr = w.add_enum_var(scope, n + "_isr", 8, isr_enum);
    cpu.dpc = w.add_enum_var(scope, n + "_dpc", 8, dpc_enum);
    cpu.depth = w.add_var(scope, n + "_dpc_queue_depth", 8);
    cpus_.push_back(std::move(cpu));
  }
}

std::string KernelTrace::isr_label(const kernel::InterruptObject& io) {
  return io.owner == "gpu" ? "gpu msg " + std::to_string(io.message_number) : io.owner;
}

uint64_t KernelTrace::index_of(const std::vector<std::string>& names, const std::string& n) const {
  const auto it = std::find(names.begin(), names.end(), n);
  return it == names.end() ? names.size() + 1 : static_cast<uint64_t>(it - names.begin()) + 1;
}

// The innermost routine decides what the CPU shows: its IRQL and, for an ISR, which.
void KernelTrace::show(unsigned cpu) {
  Cpu& c = cpus_.at(cpu);
  const uint64_t t = now_ps();
  w_.change(t, c.irql, c.stack.empty() ? 0 : c.stack.back().first);
  w_.change(t, c.isr, c.stack.empty() ? 0 : c.stack.back().second);
}

// A CPU's DPC queue depth, written by the event that changed it with the value right after
// it: of several changes at one instant the last written is then the final state, whatever
// order the CPUs' processes ran in (a snapshot of every CPU was not).
void KernelTrace::depth(unsigned cpu, size_t value) {
  w_.change(now_ps(), cpus_.at(cpu).depth, value);
}

void KernelTrace::isr_enter(unsigned cpu, const kernel::InterruptObject& io, uint64_t) {
  cpus_.at(cpu).stack.emplace_back(io.vector >> 4, index_of(isrs_, isr_label(io)));
  show(cpu);
}

void KernelTrace::isr_exit(unsigned cpu, const kernel::InterruptObject&, bool) {
  cpus_.at(cpu).stack.pop_back();
  show(cpu);
}

void KernelTrace::dpc_enter(unsigned cpu, const kernel::Kdpc& d) {
  cpus_.at(cpu).stack.emplace_back(2, 0);  // DISPATCH_LEVEL, no ISR
  show(cpu);
  w_.change(now_ps(), cpus_[cpu].dpc, index_of(dpcs_, d.name));
  depth(cpu, k_.cpu(cpu).dpc_queue_depth());  // (this DPC has left the queue)
}

void KernelTrace::dpc_exit(unsigned cpu, const kernel::Kdpc&) {
  cpus_.at(cpu).stack.pop_back();
  show(cpu);
  w_.change(now_ps(), cpus_[cpu].dpc, 0);
}

// Observers hear of a queueing just before the DPC joins its target's queue.
void KernelTrace::dpc_queued(unsigned cpu, const kernel::Kdpc& d, bool queued) {
  if (!queued) return;
  const unsigned target = d.target_cpu >= 0 ? static_cast<unsigned>(d.target_cpu) % k_.num_cpus() : cpu;
  depth(target, k_.cpu(target).dpc_queue_depth() + 1);
}

}  // namespace irqlab::run
