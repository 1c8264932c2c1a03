// Directed: a posted write and then an MSI reach the root complex back to back; the write
// must be in host memory before the MSI takes effect, however slow the write's commit
// (memory, IOTLB miss) and however fast the LAPIC. Reads see earlier writes the same way.
#include <gtest/gtest.h>

#include <tlm_utils/simple_initiator_socket.h>

#include <cstring>

#include "host_memory.hpp"
#include "lapic.hpp"
#include "root_complex.hpp"

namespace irqlab::pcie {
namespace {

Tlp write(uint64_t addr, uint32_t value, uint64_t seq) {
  Tlp t = memory_write32(addr, value);
  t.key = {0, 16, seq};
  return t;
}

class Sender : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Sender);
  tlm_utils::simple_initiator_socket<Sender> cpu;  ///< the root complex's CPU side, unused here
  Sender(sc_core::sc_module_name n, RootComplex& rc) : sc_core::sc_module(n), cpu("cpu"), rc_(rc) {
    cpu.bind(rc.cpu_side);
    SC_THREAD(run);
  }

 private:
  void run() {
    wait(sc_core::sc_time(1, sc_core::SC_US));
    rc_.on_upstream(write(0x1000'0000, 0xF00D, 0));         // the fence
    rc_.on_upstream(write(host::msi_address(0), 0x41, 1));  // its MSI, right behind it
    wait(sc_core::sc_time(20, sc_core::SC_US));
    sc_core::sc_stop();
  }
  RootComplex& rc_;
};

TEST(RootComplexOrdering, PostedWriteLandsBeforeTheMsiBehindIt) {
  PcieProfile p;
  p.gen = 3;
  p.width = 8;
  p.rc_ingress_ps = 50'000;
  p.mem_write_ps = 1'500'000;  // a slow commit
  p.iommu = true;
  p.iotlb_miss_ps = 2'000'000;  // and a page walk on top
  p.lapic_latency_ps = 0;       // nothing downstream hides an overtaking MSI
  LinkTiming timing(p);
  LinkDirection down("down", timing, p.np_credits);
  host::HostMemory memory;
  host::Lapic lapic("lapic", p.lapic_latency_ps, 1);
  RootComplex rc("rc", timing, down, memory, lapic);
  uint64_t landed = 0, msi = 0;
  memory.set_observer([&](uint64_t, uint32_t, uint64_t t) { landed = t; });
  lapic.set_deliver([&](unsigned, const host::MsiMessage&, uint64_t arrived) { msi = arrived; });
  Sender s("sender", rc);
  sc_core::sc_start();
  ASSERT_GT(landed, 0u);
  ASSERT_GT(msi, 0u);
  EXPECT_EQ(landed, 1'000'000u + p.rc_ingress_ps + p.iotlb_miss_ps + p.mem_write_ps);
  EXPECT_GE(msi, landed) << "the MSI took effect before the write it follows was in memory";
  EXPECT_EQ(rc.stats().iotlb_misses, 1u);  // the MSI is not translated
}

}  // namespace
}  // namespace irqlab::pcie
