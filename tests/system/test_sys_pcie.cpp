// Enumeration, BAR decode and the spec's answers to bad accesses, on the full platform.
#include <gtest/gtest.h>

#include "enumeration.hpp"
#include "platform.hpp"

namespace irqlab::platform {
namespace {

namespace regs = irqlab::regs::irq_ctrl;
using pcie::ConfigLayout;

struct Observed {
  pcie::EnumeratedFunction fn;
  uint32_t id = 0;
  bool id_ok = false;
  uint32_t unaligned = 0, wrong_size = 0, outside = 0, mem_off = 0, id_after = 0;
  bool unaligned_ok = true, outside_ok = true, mem_off_ok = true;
  uint64_t read_ps = 0;
  uint32_t status_idle = 0, status_pending = 0, status_cleared = 0;
  uint32_t msi_pending_masked = 0, msi_pending_after = 0;
  bool msi_vector_delivered = false;
};

class Probe : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Probe);
  Probe(sc_core::sc_module_name n, Platform& p, Observed& o) : sc_core::sc_module(n), p_(p), o_(o) {
    SC_THREAD(run);
  }

 private:
  void run() {
    host::HostCpu& cpu = *p_.cpus[0];
    o_.fn = pcie::enumerate(p_.rc, Layout::kMmioWindow);
    const uint64_t bar = o_.fn.bar0_base;
    const uint64_t t0 = pcie::now_ps();
    o_.id_ok = cpu.read(bar + regs::ID::kOffset, &o_.id, 4);
    o_.read_ps = pcie::now_ps() - t0;
    o_.unaligned_ok = cpu.read(bar + 2, &o_.unaligned, 4);
    uint16_t narrow = 0;
    cpu.read(bar, &narrow, 2);
    o_.wrong_size = narrow;
    o_.outside_ok = cpu.read(bar + o_.fn.bar0_bytes, &o_.outside, 4);
    // Memory Space off: the device itself answers Unsupported Request.
    const uint32_t cmd = p_.rc.cfg_read(0, ConfigLayout::kCommandStatus) & 0xFFFF;
    p_.rc.cfg_write(0, ConfigLayout::kCommandStatus, cmd & ~regs::pcie_cfg::COMMAND::MEMORY_SPACE.mask());
    o_.mem_off_ok = cpu.read(bar + regs::ID::kOffset, &o_.mem_off, 4);
    p_.rc.cfg_write(0, ConfigLayout::kCommandStatus, cmd);
    cpu.read(bar + regs::ID::kOffset, &o_.id_after, 4);

    // Interrupt Status (config Status bit 3) follows the controller's INTx condition.
    const uint32_t src = regs::sources::DMA_COMPLETED.lsb;
    cpu.write32(bar + regs::INTR_ENABLE::kOffset, 1u << src);
    cpu.write32(bar + regs::INTR_MASTER::kOffset, 1);
    o_.status_idle = p_.rc.cfg_read(0, ConfigLayout::kCommandStatus) >> 16;
    bridge::SourcePulse pulse;
    pulse.fence = 9;
    p_.controller.post_pulse(pcie::now_ps() + p_.lookahead_ps(), pulse);
    wait(sc_core::sc_time(1, sc_core::SC_US));
    o_.status_pending = p_.rc.cfg_read(0, ConfigLayout::kCommandStatus) >> 16;
    cpu.write32(bar + regs::INTR_STATUS::kOffset, 1u << src);
    wait(sc_core::sc_time(1, sc_core::SC_US));
    o_.status_cleared = p_.rc.cfg_read(0, ConfigLayout::kCommandStatus) >> 16;

    // MSI: 4 vectors at 0x40.., node 0 routed to vector 2 and masked through config space.
    namespace mc = regs::pcie_cfg;
    pcie::enable_msi(p_.rc, o_.fn, host::msi_address(0), 0x40, 2);
    cpu.write32(bar + regs::ROUTE::offset(src), 2);
    p_.rc.cfg_write(0, o_.fn.msi_cap + mc::MSI_MASK::kOffset, 1u << 2);
    pulse.fence = 10;
    p_.controller.post_pulse(pcie::now_ps() + p_.lookahead_ps(), pulse);
    wait(sc_core::sc_time(1, sc_core::SC_US));
    o_.msi_pending_masked = p_.rc.cfg_read(0, o_.fn.msi_cap + mc::MSI_PENDING::kOffset);
    p_.rc.cfg_write(0, o_.fn.msi_cap + mc::MSI_MASK::kOffset, 0);
    wait(sc_core::sc_time(2, sc_core::SC_US));
    o_.msi_pending_after = p_.rc.cfg_read(0, o_.fn.msi_cap + mc::MSI_PENDING::kOffset);
    o_.msi_vector_delivered = cpu.apic().irr(0x42);  // requested in the local APIC (nobody acknowledges here)
    sc_core::sc_stop();
  }
  Platform& p_;
  Observed& o_;
};

TEST(Pcie, EnumerationMmioAndUnsupportedRequests) {
  PlatformOptions po;
  po.profile = pcie::load_profile(pcie::default_profile_path(), "gen4x16");
  Platform p(po);
  Observed o;
  Probe probe("probe", p, o);
  sc_core::sc_start();

  ASSERT_TRUE(o.fn.present);
  EXPECT_EQ(o.fn.vendor_id, ConfigLayout::kVendorId);
  EXPECT_EQ(o.fn.bar0_bytes, regs::front_end::kDeviceBarBytes)
      << "BAR sizing: the controller and the front end";
  EXPECT_EQ(o.fn.bar0_base % o.fn.bar0_bytes, 0u) << "naturally aligned";
  EXPECT_EQ(o.fn.msix_cap, ConfigLayout::kMsixCap);
  EXPECT_EQ(o.fn.msix_table_size, regs::kNumVectorsDefault);
  EXPECT_EQ(o.fn.table_offset, regs::msix::kTableOffset);
  EXPECT_EQ(o.fn.pba_offset, regs::msix::kPbaOffset);
  EXPECT_EQ(o.fn.table_bir, regs::msix::kTableBir);

  EXPECT_TRUE(o.id_ok);
  EXPECT_EQ(o.id, regs::ID::kReset) << "MMIO reaches the RTL's ID register";
  EXPECT_GT(o.read_ps, 2 * p.timing.min_hop_ps()) << "a read crosses the link twice";

  EXPECT_FALSE(o.unaligned_ok);
  EXPECT_EQ(o.unaligned, 0xFFFFFFFFu);
  EXPECT_EQ(o.wrong_size, 0xFFFFu);
  EXPECT_FALSE(o.outside_ok);
  EXPECT_EQ(o.outside, 0xFFFFFFFFu);
  EXPECT_FALSE(o.mem_off_ok);
  EXPECT_EQ(o.mem_off, 0xFFFFFFFFu);
  EXPECT_EQ(p.rc.stats().unsupported_requests, 4u);
  EXPECT_EQ(p.function.stats().unsupported_requests, 1u);
  EXPECT_EQ(o.id_after, regs::ID::kReset) << "the device works again once re-enabled";

  const uint32_t intx_status = regs::pcie_cfg::STATUS::INTX_STATUS.mask();
  EXPECT_EQ(o.status_idle & intx_status, 0u);
  EXPECT_EQ(o.status_pending & intx_status, intx_status) << "pending enabled source, MSI-X off";
  EXPECT_EQ(o.status_cleared & intx_status, 0u) << "after the W1C";
  EXPECT_TRUE(o.status_idle & regs::pcie_cfg::STATUS::CAP_LIST.mask());

  EXPECT_EQ(o.fn.msi_cap, ConfigLayout::kMsiCap) << "MSI capability in the list, before MSI-X";
  EXPECT_EQ(o.msi_pending_masked, 1u << 2) << "a masked MSI vector's Pending Bit is set";
  EXPECT_EQ(o.msi_pending_after, 0u) << "unmasking sends it and clears the bit";
  EXPECT_TRUE(o.msi_vector_delivered) << "vector 0x40 | 2 reached CPU 0";
}

}  // namespace
}  // namespace irqlab::platform
