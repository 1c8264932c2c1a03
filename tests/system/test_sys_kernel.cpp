// The kernel model's dispatch rules on two CPUs, one case per process (SystemC starts
// once): IRQL_CASE names it.
// - nesting: a higher priority class preempts an ISR, an equal class and a lower one wait;
//   a queued DPC is not queued again; DPCs run after the ISR.
// - equal_irql: interrupts at the ISR's own IRQL (another vector of its class, or its own
//   vector again) wait for its EOI and never nest.
// - merge: five MSIs of one vector during one long ISR give exactly two ISRs (IRR + ISR).
// - importance.<low|medium|medium_high|high>.<same|other>: KeSetImportanceDpc as
//   "Organization of DPC Queues" defines it: queue position, whether processing starts at
//   once, and on another CPU whether an IPI is sent.
// - depth: deferred DPCs on another CPU past MaximumDpcQueueDepth send an IPI.
// - default_target: a DPC with no target runs on the CPU that queued it.
// - idle: with idle CPUs, the idle loop drains a Low DPC and an idle target is woken.
// - intx_level: a level-triggered line through the I/O APIC is delivered again after each
//   EOI while it stays high (Remote IRR), and not after it falls.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "host_cpu.hpp"
#include "ioapic.hpp"
#include "kernel.hpp"
#include "no_device.hpp"

namespace irqlab::kernel {
namespace {

uint64_t now_ns() {
  return sc_core::sc_time_stamp().value() / 1000;
}

struct Log {
  std::vector<std::string> lines;
  void add(const std::string& s) { lines.push_back(s + "@" + std::to_string(now_ns())); }
  bool has(const std::string& s) const {
    for (const auto& l : lines)
      if (l == s) return true;
    return false;
  }
  size_t index(const std::string& prefix) const {
    for (size_t i = 0; i < lines.size(); ++i)
      if (lines[i].rfind(prefix, 0) == 0) return i;
    return lines.size();
  }
  uint64_t time(const std::string& prefix) const {
    const size_t i = index(prefix);
    return i == lines.size() ? UINT64_MAX : std::stoull(lines[i].substr(lines[i].find('@') + 1));
  }
};

host::MsiMessage msi(unsigned cpu, uint8_t vector) {
  host::MsiMessage m;
  m.dest_apic_id = static_cast<uint8_t>(cpu);
  m.vector = vector;
  return m;
}

/// Two CPUs at 3 GHz, a kernel with zero entry/exit costs unless a case sets them, and a
/// driver thread that runs the case's stimulus.
struct Bench : sc_core::sc_module {
  SC_HAS_PROCESS(Bench);
  host::HostCpu c0{"c0", 0}, c1{"c1", 1};
  test::NoDevice n0{"n0"}, n1{"n1"};
  Kernel k;
  /// INTx line 0 to CPU 0, level-triggered (used by intx_level).
  host::IoApic ioapic{"ioapic", 100'000, [this](unsigned, uint8_t vector, uint64_t sampled) {
                        host::MsiMessage m = msi(0, vector);
                        m.level_triggered = true;
                        c0.deliver(m, sampled);
                      }};
  Log log;
  std::function<void(Bench&)> stimulus;
  Bench(sc_core::sc_module_name n, const KernelConfig& cfg, std::function<void(Bench&)> s)
      : sc_core::sc_module(n), k(cfg, {&c0, &c1}), stimulus(std::move(s)) {
    c0.set_eoi_broadcast([this](uint8_t v) { ioapic.eoi(v); });
    c0.mmio.bind(n0.socket);
    c1.mmio.bind(n1.socket);
    SC_THREAD(run);
  }
  void run() {
    stimulus(*this);
    sc_core::sc_stop();
  }
  /// An ISR on `vector` that logs its entry and exit and costs `cycles`.
  void isr(const std::string& name, uint8_t vector, uint64_t cycles, std::function<void()> body = {}) {
    k.connect_interrupt(name, vector, 0, [this, name, cycles, body] {
      log.add(name + "-enter");
      k.current_cpu()->consume(cycles);
      if (body) body();
      log.add(name + "-exit");
      return true;
    });
  }
};

KernelConfig zero_costs() {
  KernelConfig cfg;
  cfg.interrupt_entry_cycles = cfg.interrupt_exit_cycles = cfg.dpc_dispatch_cycles = 0;
  cfg.insert_queue_dpc_cycles = cfg.spinlock_acquire_cycles = cfg.spinlock_release_cycles = 0;
  cfg.ipi_send_cycles = cfg.ipi_receive_cycles = 0;
  cfg.ipi_latency_ps = 1'000'000;    // 1 us
  cfg.clock_tick_ps = 100'000'000;   // 100 us
  cfg.minimum_dpc_rate = 0;          // only importance and depth decide
  cfg.cpus_idle_at_passive = false;  // CPUs run threads: no idle loop drains a queue
  return cfg;
}

void nesting(Bench& b) {
  Kdpc dpc;
  dpc.name = "dpc";
  dpc.routine = [&b] { b.log.add("dpc-on-cpu" + std::to_string(b.k.current_cpu()->index())); };
  std::vector<bool> inserts;
  // 0x80 (IRQL 8) runs 1 us and queues the DPC twice; 0x60 (lower), 0x85 (equal class)
  // and 0x90 (higher) arrive during it.
  b.isr("isr80", 0x80, 3000, [&] {
    inserts.push_back(b.k.insert_queue_dpc(dpc));
    inserts.push_back(b.k.insert_queue_dpc(dpc));
  });
  b.isr("isr60", 0x60, 0);
  b.isr("isr85", 0x85, 0);
  b.isr("isr90", 0x90, 0);
  b.c0.deliver(msi(0, 0x80), 0);
  wait(sc_core::sc_time(100, sc_core::SC_NS));
  b.c0.deliver(msi(0, 0x60), 0);
  b.c0.deliver(msi(0, 0x85), 0);
  wait(sc_core::sc_time(100, sc_core::SC_NS));
  b.c0.deliver(msi(0, 0x90), 0);
  wait(sc_core::sc_time(5, sc_core::SC_US));
  const std::vector<std::string> expected = {"isr80-enter@0",    "isr90-enter@200",  "isr90-exit@200",
                                             "isr80-exit@1000",  "isr85-enter@1000", "isr85-exit@1000",
                                             "isr60-enter@1000", "isr60-exit@1000",  "dpc-on-cpu0@1000"};
  EXPECT_EQ(b.log.lines, expected) << "0x90 nests at once; 0x85 (equal class) and 0x60 wait for 0x80's EOI "
                                      "and IRQL to fall, highest first; the DPC runs after every ISR";
  EXPECT_EQ(inserts, (std::vector<bool>{true, false})) << "a queued DPC is not queued again";
}

// Equal IRQL: vectors 0x80 and 0x8F share priority class 8 (IRQL 8). While 0x80's ISR
// runs, neither 0x8F nor 0x80 again may nest (SDM 11.8.3: only a class above PPR is taken);
// both wait for the EOI and then run one after the other, the higher vector first.
void equal_irql(Bench& b) {
  b.isr("isr80", 0x80, 3000);
  b.isr("isr8f", 0x8F, 0);
  b.c0.deliver(msi(0, 0x80), 0);
  wait(sc_core::sc_time(100, sc_core::SC_NS));
  b.c0.deliver(msi(0, 0x8F), 0);
  b.c0.deliver(msi(0, 0x80), 0);
  wait(sc_core::sc_time(5, sc_core::SC_US));
  const std::vector<std::string> expected = {"isr80-enter@0",   "isr80-exit@1000",  "isr8f-enter@1000",
                                             "isr8f-exit@1000", "isr80-enter@1000", "isr80-exit@2000"};
  EXPECT_EQ(b.log.lines, expected)
      << "an ISR at the same IRQL never nests: each waits for the one in service";
}

void merge(Bench& b) {
  b.isr("isr80", 0x80, 30000);  // 10 us
  for (int i = 0; i < 5; ++i) {
    wait(sc_core::sc_time(1, sc_core::SC_US));
    b.c0.deliver(msi(0, 0x80), 0);
  }
  wait(sc_core::sc_time(40, sc_core::SC_US));
  size_t isrs = 0;
  for (const auto& l : b.log.lines) isrs += l.rfind("isr80-enter", 0) == 0;
  EXPECT_EQ(isrs, 2u) << "5 MSIs during one ISR: the first is in service, the second waits in IRR, "
                         "the other three merge into it";
  EXPECT_EQ(b.c0.apic().merged(0x80), 3u);
  EXPECT_EQ(b.log.time("isr80-enter"), 1000u);
}

/// One DPC `x` of the given importance queued from an ISR on CPU 0 at t=1 us, after a Low
/// DPC `d1` was queued to the same target queue (so position is visible).
void importance(Bench& b, KDPC_IMPORTANCE imp, bool other) {
  Kdpc d1, x;
  d1.name = "d1";
  x.name = "x";
  d1.importance = LowImportance;
  x.importance = imp;
  d1.target_cpu = x.target_cpu = other ? 1 : -1;
  d1.routine = [&b] { b.log.add("d1-cpu" + std::to_string(b.k.current_cpu()->index())); };
  x.routine = [&b] { b.log.add("x-cpu" + std::to_string(b.k.current_cpu()->index())); };
  b.isr("isr", 0x80, 0, [&] {
    b.k.insert_queue_dpc(d1);
    b.k.insert_queue_dpc(x);
  });
  wait(sc_core::sc_time(1, sc_core::SC_US));
  b.c0.deliver(msi(0, 0x80), 0);
  wait(sc_core::sc_time(250, sc_core::SC_US));
  const std::string cpu = other ? "cpu1" : "cpu0";
  const bool starts_now =
      other ? (imp == MediumHighImportance || imp == HighImportance) : imp != LowImportance;
  const uint64_t expect_at = !starts_now ? 100'000 : other ? 2'000 : 1'000;  // tick, IPI latency, at once
  EXPECT_EQ(b.log.time("x-" + cpu), expect_at)
      << "processing starts " << (starts_now ? "at once" : "at the tick");
  EXPECT_EQ(b.k.ipis(), other && starts_now ? 1u : 0u) << "an IPI only when another CPU must start now";
  const bool x_first = imp == HighImportance;
  EXPECT_EQ(b.log.index("x-") < b.log.index("d1-"), x_first)
      << "HighImportance goes to the head of the queue";
  EXPECT_TRUE(b.log.has("d1-" + cpu + "@" + std::to_string(expect_at))) << "the whole queue drains together";
}

void depth(Bench& b) {
  std::vector<Kdpc> d(6);
  for (size_t i = 0; i < d.size(); ++i) {
    d[i].name = "d" + std::to_string(i);
    d[i].target_cpu = 1;
    d[i].importance = MediumImportance;  // on another CPU: deferred unless the queue is deep
    d[i].routine = [&b, i] { b.log.add("d" + std::to_string(i)); };
  }
  b.isr("isr", 0x80, 0, [&] {
    for (auto& x : d) b.k.insert_queue_dpc(x);
  });
  b.c0.deliver(msi(0, 0x80), 0);
  wait(sc_core::sc_time(50, sc_core::SC_US));
  EXPECT_EQ(b.k.ipis(), 2u) << "the 5th and 6th DPC exceed MaximumDpcQueueDepth (4): IPIs";
  EXPECT_EQ(b.log.time("d0"), 1000u) << "the IPI drains the whole queue";
}

// With idle CPUs (the default): a Low DPC on the current CPU runs when its ISR returns
// (the idle loop drains it), and a Medium DPC for another, idle CPU wakes it with an IPI.
void idle(Bench& b) {
  Kdpc low, remote;
  low.name = "low";
  remote.name = "remote";
  low.importance = LowImportance;
  remote.target_cpu = 1;
  low.routine = [&b] { b.log.add("low-cpu" + std::to_string(b.k.current_cpu()->index())); };
  remote.routine = [&b] { b.log.add("remote-cpu" + std::to_string(b.k.current_cpu()->index())); };
  b.isr("isr", 0x80, 0, [&] {
    b.k.insert_queue_dpc(low);
    b.k.insert_queue_dpc(remote);
  });
  b.c0.deliver(msi(0, 0x80), 0);
  wait(sc_core::sc_time(10, sc_core::SC_US));
  EXPECT_TRUE(b.log.has("low-cpu0@0")) << "the idle loop drains the queue once the ISR returns";
  EXPECT_TRUE(b.log.has("remote-cpu1@1000")) << "an idle target is woken by an IPI";
  EXPECT_EQ(b.k.ipis(), 1u);
}

void default_target(Bench& b) {
  Kdpc d;
  d.name = "d";
  d.routine = [&b] { b.log.add("d-cpu" + std::to_string(b.k.current_cpu()->index())); };
  b.isr("isr", 0x80, 0, [&] { b.k.insert_queue_dpc(d); });
  b.c1.deliver(msi(1, 0x80), 0);
  wait(sc_core::sc_time(10, sc_core::SC_US));
  EXPECT_TRUE(b.log.has("d-cpu1@0")) << "KeInsertQueueDpc's default is the current processor";
  EXPECT_EQ(b.k.ipis(), 0u);
}

void intx_level(Bench& b) {
  host::IoApic& ioapic = b.ioapic;
  ioapic.route(0, 0x70, 0);
  int calls = 0;
  // The device keeps its line high through its first two ISRs and releases it in the third.
  b.isr("isr70", 0x70, 300, [&] {
    if (++calls == 3) ioapic.set_level(0, 1, false);
  });
  ioapic.set_level(0, 1, true);
  wait(sc_core::sc_time(20, sc_core::SC_US));
  EXPECT_EQ(calls, 3) << "redelivered after each EOI while high, then never again";
  EXPECT_EQ(ioapic.deliveries(), 3u);
  EXPECT_EQ(b.log.time("isr70-enter"), 100u) << "the first delivery after the I/O APIC's latency";
}

TEST(KernelModel, Case) {
  const char* c = std::getenv("IRQLAB_CASE");
  ASSERT_TRUE(c) << "set IRQLAB_CASE (see the file's header)";
  const std::string name = c;
  static const std::map<std::string, KDPC_IMPORTANCE> kImp = {{"low", LowImportance},
                                                              {"medium", MediumImportance},
                                                              {"medium_high", MediumHighImportance},
                                                              {"high", HighImportance}};
  std::function<void(Bench&)> stim;
  if (name == "nesting") stim = nesting;
  if (name == "merge") stim = merge;
  if (name == "equal_irql") stim = equal_irql;
  if (name == "depth") stim = depth;
  if (name == "default_target") stim = default_target;
  if (name == "intx_level") stim = intx_level;
  KernelConfig cfg = zero_costs();
  if (name == "idle") {
    stim = idle;
    cfg.cpus_idle_at_passive = true;
  }
  if (name.rfind("importance.", 0) == 0) {
    const std::string rest = name.substr(11);
    const std::string imp = rest.substr(0, rest.find('.'));
    const bool other = rest.substr(rest.find('.') + 1) == "other";
    ASSERT_TRUE(kImp.count(imp)) << imp;
    stim = [imp = kImp.at(imp), other](Bench& b) { importance(b, imp, other); };
  }
  ASSERT_TRUE(stim) << "unknown case " << name;
  Bench b("bench", cfg, stim);
  sc_core::sc_start();
}

}  // namespace
}  // namespace irqlab::kernel
