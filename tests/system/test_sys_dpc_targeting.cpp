// DPC objects per message and per CPU (the NDIS seed's semantics, which dxgkrnl's
// DxgkCbQueueDpc uses only when asked: DpcPolicy::per_message_per_cpu): with two messages and two CPUs, DPCs
// of different messages on one CPU queue separately, one message's DPCs on different CPUs queue separately,
// and a second QueueDpc for the same (message, CPU) while it is queued merges (returns FALSE).
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "dxgkrnl.hpp"
#include "host_cpu.hpp"
#include "kernel.hpp"
#include "no_device.hpp"

namespace irqlab::dxgkrnl {
namespace {

struct NoGpu : GpuSubmission {
  void submit(uint32_t, uint32_t, uint64_t, uint32_t, Outcome) override {}
};

struct Record {
  std::map<std::pair<unsigned, unsigned>, std::vector<BOOLEAN>> queued;  ///< (cpu, message) -> results
  std::map<unsigned, int> dpc_runs_per_cpu;
};

class Driver : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Driver);
  Driver(sc_core::sc_module_name n, kernel::Kernel& k, Dxgkrnl& dx, Record& rec)
      : sc_core::sc_module(n), k_(k), dx_(dx), rec_(rec) {
    SC_THREAD(run);
  }

 private:
  void run() {
    const auto& cb = dx_.interface();
    // Two messages (vectors 0x80 and 0x81: one priority class, so the second waits for
    // the first); each ISR queues its DPC twice.
    for (uint32_t m = 0; m < 2; ++m) {
      auto& io = k_.connect_interrupt("gpu", static_cast<uint8_t>(0x80 + m), m, [this, &cb, m] {
        auto& q = rec_.queued[{k_.current_cpu()->index(), m}];
        q.push_back(cb.DxgkCbQueueDpc(cb.DeviceHandle));
        q.push_back(cb.DxgkCbQueueDpc(cb.DeviceHandle));
        return TRUE;
      });
      dx_.add_adapter_interrupt(&io);
    }
    dx_.set_dpc(
        [this, &cb] {
          ++rec_.dpc_runs_per_cpu[k_.current_cpu()->index()];
          cb.DxgkCbNotifyDpc(cb.DeviceHandle);
        },
        DpcPolicy{-1, kernel::MediumImportance, /*per_message_per_cpu=*/true});
    // Message 0 and message 1 on CPU 0; message 0 on CPU 1: all at once.
    k_.cpu(0).hw().deliver({0, false, false, 0x80, 0, false, false}, 0);
    k_.cpu(0).hw().deliver({0, false, false, 0x81, 0, false, false}, 0);
    k_.cpu(1).hw().deliver({1, false, false, 0x80, 0, false, false}, 0);
    wait(sc_core::sc_time(20, sc_core::SC_US));
    sc_core::sc_stop();
  }
  kernel::Kernel& k_;
  Dxgkrnl& dx_;
  Record& rec_;
};

TEST(DpcTargeting, PerMessageAndPerCpuObjects) {
  host::HostCpu c0("c0", 0), c1("c1", 1);
  test::NoDevice n0("n0"), n1("n1");
  c0.mmio.bind(n0.socket);
  c1.mmio.bind(n1.socket);
  kernel::Kernel k(kernel::KernelConfig{}, {&c0, &c1});
  NoGpu gpu;
  Dxgkrnl dx(k, gpu, 1);
  Record rec;
  Driver d("driver", k, dx, rec);
  sc_core::sc_start();

  // Three ISRs, each: first QueueDpc TRUE, second (same object still queued) FALSE.
  ASSERT_EQ(rec.queued.size(), 3u) << "(CPU 0, message 0), (CPU 0, message 1), (CPU 1, message 0)";
  for (const auto& [key, results] : rec.queued) {
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[0], TRUE) << "CPU " << key.first << " message " << key.second;
    EXPECT_EQ(results[1], FALSE) << "CPU " << key.first << " message " << key.second
                                 << ": a queued DPC object merges";
  }
  EXPECT_EQ(rec.dpc_runs_per_cpu[0], 2) << "messages 0 and 1 on CPU 0 queue separately";
  EXPECT_EQ(rec.dpc_runs_per_cpu[1], 1) << "message 0 on CPU 1 is its own DPC";
  for (const auto& v : dx.violations()) ADD_FAILURE() << v.rule << ": " << v.detail;
}

}  // namespace
}  // namespace irqlab::dxgkrnl
