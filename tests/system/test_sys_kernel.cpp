// The kernel model's rules on two CPUs: IRQL acceptance and nesting, DPCs after the ISR,
// KeInsertQueueDpc's queue-once semantics, and a DPC targeting another CPU.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "host_cpu.hpp"
#include "kernel.hpp"
#include "no_device.hpp"

namespace irqlab::kernel {
namespace {

struct Log {
  std::vector<std::string> lines;
  void add(const std::string& s) {
    lines.push_back(s + "@" + std::to_string(sc_core::sc_time_stamp().value() / 1000));
  }
};

class Driver : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Driver);
  Driver(sc_core::sc_module_name n, Kernel& k, Log& log, std::vector<bool>& inserts)
      : sc_core::sc_module(n), k_(k), log_(log), inserts_(inserts) {
    SC_THREAD(run);
  }
  Kdpc dpc;

 private:
  void run() {
    // t=0: an IRQL 8 interrupt whose ISR runs 3000 cycles (1 us at 3 GHz) and queues the
    // DPC twice; during it, IRQL 6 (must wait) and IRQL 9 (must nest) arrive.
    k_.cpu(0).inject(0x80, [this] {
      log_.add("isr8-enter");
      k_.current_cpu()->consume(3000);
      inserts_.push_back(k_.insert_queue_dpc(dpc));
      inserts_.push_back(k_.insert_queue_dpc(dpc));
      log_.add("isr8-exit");
      return true;
    });
    wait(sc_core::sc_time(100, sc_core::SC_NS));
    k_.cpu(0).inject(0x60, [this] {
      log_.add("isr6");
      return true;
    });
    wait(sc_core::sc_time(100, sc_core::SC_NS));
    k_.cpu(0).inject(0x90, [this] {
      log_.add("isr9");
      return true;
    });
    wait(sc_core::sc_time(5, sc_core::SC_US));
    inserts_.push_back(k_.insert_queue_dpc(dpc));  // ran already: may queue again
    wait(sc_core::sc_time(5, sc_core::SC_US));
    sc_core::sc_stop();
  }
  Kernel& k_;
  Log& log_;
  std::vector<bool>& inserts_;
};

TEST(KernelModel, IrqlNestingDpcsAndQueueOnce) {
  host::HostCpu c0("c0", 0), c1("c1", 1);
  test::NoDevice n0("n0"), n1("n1");
  c0.mmio.bind(n0.socket);
  c1.mmio.bind(n1.socket);
  KernelConfig cfg;
  cfg.cpu_ghz = 3.0;
  cfg.interrupt_entry_cycles = 0;
  cfg.interrupt_exit_cycles = 0;
  cfg.dpc_dispatch_cycles = 0;
  Kernel k(cfg, {&c0, &c1});
  Log log;
  std::vector<bool> inserts;
  Driver d("driver", k, log, inserts);
  d.dpc.name = "dpc";
  d.dpc.target_cpu = 1;  // queued from CPU 0, runs on CPU 1
  d.dpc.routine = [&] { log.add("dpc-on-cpu" + std::to_string(k.current_cpu()->index())); };
  sc_core::sc_start();

  // CPU 0 and CPU 1 act at the same instant at 1000 ns; their relative order is not part
  // of the contract, so compare with the lines of each instant sorted.
  auto by_time = [](std::vector<std::string> v) {
    std::stable_sort(v.begin(), v.end(), [](const std::string& a, const std::string& b) {
      const auto ta = std::stoull(a.substr(a.find('@') + 1)), tb = std::stoull(b.substr(b.find('@') + 1));
      return ta != tb ? ta < tb : a < b;
    });
    return v;
  };
  const std::vector<std::string> expected = {"isr8-enter@0", "isr9@200",       "dpc-on-cpu1@1000",
                                             "isr6@1000",    "isr8-exit@1000", "dpc-on-cpu1@5200"};
  EXPECT_EQ(by_time(log.lines), expected) << "IRQL 9 nests at once, IRQL 6 waits for IRQL 8 to end";
  EXPECT_LT(std::find(log.lines.begin(), log.lines.end(), "isr8-exit@1000"),
            std::find(log.lines.begin(), log.lines.end(), "isr6@1000"))
      << "on CPU 0, the IRQL 6 ISR starts only after the IRQL 8 ISR has ended";
  EXPECT_EQ(inserts, (std::vector<bool>{true, false, true})) << "a queued DPC is not queued again";
}

}  // namespace
}  // namespace irqlab::kernel
