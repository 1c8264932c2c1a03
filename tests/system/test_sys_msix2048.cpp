// The scenario key msix_vectors: 2048 assembles the platform around the 2048-entry
// Verilated build: the function advertises 2048 entries (MSI-X Table Size 2047), the
// controller's HWCFG says so, and the last entry of the table takes an address and data
// and delivers a message there.
#include <gtest/gtest.h>

#include "enumeration.hpp"
#include "irq_ctrl_regs.hpp"
#include "platform.hpp"

namespace irqlab::platform {
namespace {

namespace regs = irqlab::regs::irq_ctrl;

struct Probe : sc_core::sc_module {
  SC_HAS_PROCESS(Probe);
  Probe(sc_core::sc_module_name n, Platform& p) : sc_core::sc_module(n), p_(p) { SC_THREAD(run); }
  pcie::EnumeratedFunction fn;
  uint32_t hwcfg = 0;
  void run() {
    fn = pcie::enumerate(p_.rc, Layout::kMmioWindow);
    const uint64_t bar = bring_up(p_, *p_.cpus[0]);
    hwcfg = p_.cpus[0]->read32(bar + regs::HWCFG::kOffset);
    sc_core::sc_stop();
  }
  Platform& p_;
};

TEST(Msix2048, PlatformUsesTheLargeBuild) {
  PlatformOptions po;
  po.profile = pcie::load_profile(pcie::default_profile_path(), "gen4x16");
  po.msix_vectors = regs::kNumVectorsMax;
  Platform p(po);
  Probe probe("probe", p);
  sc_core::sc_start();
  EXPECT_EQ(probe.fn.msix_table_size, 2048u) << "the capability's Table Size is N - 1 = 2047";
  EXPECT_EQ(regs::HWCFG::NUM_VECTORS.get(probe.hwcfg), 2048u) << "the Verilated 2048-entry build answers";
}

}  // namespace
}  // namespace irqlab::platform
