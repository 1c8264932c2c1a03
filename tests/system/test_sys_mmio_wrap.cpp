// More than 65,536 CPU MMIO reads through the root complex: every one completes with the
// device's data. The 8-bit PCIe tag wraps hundreds of times and each completion returns
// its non-posted credit on the downstream link (a credit never returned stalled the
// 65,536th read before).
#include <gtest/gtest.h>

#include "irq_ctrl_regs.hpp"
#include "platform.hpp"

namespace irqlab::platform {
namespace {

namespace regs = irqlab::regs::irq_ctrl;

struct Reader : sc_core::sc_module {
  SC_HAS_PROCESS(Reader);
  Reader(sc_core::sc_module_name n, Platform& p) : sc_core::sc_module(n), p_(p) { SC_THREAD(run); }
  uint64_t reads = 0, bad = 0;
  uint64_t end_ps = 0;
  void run() {
    const uint64_t bar = bring_up(p_, *p_.cpus[0]);
    for (int i = 0; i < 70'000; ++i) {
      const uint32_t v = p_.cpus[0]->read32(bar + regs::INTR_MASTER::kOffset);
      ++reads;
      bad += v != regs::INTR_MASTER::ENABLE.put(1);
    }
    end_ps = sc_core::sc_time_stamp().value();
    sc_core::sc_stop();
  }
  Platform& p_;
};

TEST(MmioWrap, SeventyThousandReadsAllComplete) {
  PlatformOptions po;
  po.profile = pcie::load_profile(pcie::default_profile_path(), "gen4x16");
  Platform p(po);
  Reader r("reader", p);
  sc_core::sc_start(sc_core::sc_time(1, sc_core::SC_SEC));
  EXPECT_EQ(r.reads, 70'000u) << "every read completed (none stuck behind a lost credit)";
  EXPECT_EQ(r.bad, 0u) << "every read returned the register's value";
  EXPECT_GT(p.rc.tags_issued(), 70'000u) << "tags were reused modulo 256 (bring-up adds config reads)";
  EXPECT_GT(r.end_ps, 0u);
  EXPECT_EQ(p.function.reader_processes(), 1u)
      << "one CPU reading: one persistent reader process, not one per read";
}

}  // namespace
}  // namespace irqlab::platform
