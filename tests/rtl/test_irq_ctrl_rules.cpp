// Directed tests of irq_ctrl's spec rules. Every test runs on the Verilated RTL and on
// the reference model, each with the default 64-entry table and the 2048-entry one.
#include <gtest/gtest.h>

#include "dut_builds.hpp"
#include "dut_harness.hpp"

namespace irqlab::irqctrl::test {
namespace {

namespace x = regs::msix;

using Duts = ::testing::Types<Rtl64, Ref64, Rtl2048, Ref2048>;
class DutNames {
 public:
  template <class T>
  static std::string GetName(int i) {
    static const char* names[] = {"Rtl64", "Ref64", "Rtl2048", "Ref2048"};
    return names[i];
  }
};

constexpr uint64_t kMsiAddr = 0xFEE0'1000;
constexpr uint32_t kMsiData = 0x4041;

template <class D>
class IrqCtrlRules : public ::testing::Test {
 protected:
  DutHarness h{D::make()};
  unsigned nv() const { return h.config().num_vectors; }
  unsigned last() const { return nv() - 1; }
  bool pba_bit(unsigned v) { return (h.read64(x::pba_qword(v)) >> (v % 64)) & 1; }
  static unsigned completed_bit(unsigned node) { return regs::sources::DMA_COMPLETED.lsb + node; }
};
TYPED_TEST_SUITE(IrqCtrlRules, Duts, DutNames);

TYPED_TEST(IrqCtrlRules, IdentityAndParameters) {
  auto& h = this->h;
  EXPECT_EQ(h.read32(regs::ID::kOffset), regs::ID::kReset);
  const uint32_t hw = h.read32(regs::HWCFG::kOffset);
  EXPECT_EQ(regs::HWCFG::NUM_NODES.get(hw), h.config().num_nodes);
  EXPECT_EQ(regs::HWCFG::NUM_HEADS.get(hw), h.config().num_heads);
  EXPECT_EQ(regs::HWCFG::NUM_VECTORS.get(hw), h.config().num_vectors);
}

TYPED_TEST(IrqCtrlRules, EveryVectorMaskedAfterReset) {
  auto& h = this->h;
  for (unsigned v : {0u, 1u, this->nv() / 2, this->last()}) {
    EXPECT_EQ(h.read32(x::entry(v) + x::VECTOR_CTRL::kOffset), x::VECTOR_CTRL::kReset) << "vector " << v;
  }
  for (unsigned v = 0; v < this->nv(); v += 64) EXPECT_EQ(h.read64(x::pba_qword(v)), 0u);
}

TYPED_TEST(IrqCtrlRules, MaskedFireSetsPendingAndSendsNothing) {
  auto& h = this->h;
  const unsigned v = this->last();
  h.program_vector(v, kMsiAddr, kMsiData, /*masked=*/true);
  h.route_and_enable(this->completed_bit(1), v);
  h.pulse_completed(1, 7);
  h.tick(30);
  EXPECT_TRUE(h.messages().empty());
  EXPECT_TRUE(this->pba_bit(v));
}

TYPED_TEST(IrqCtrlRules, UnmaskReplaysPendingOnceAndClearsIt) {
  auto& h = this->h;
  const unsigned v = this->last();
  h.program_vector(v, kMsiAddr, kMsiData, true);
  h.route_and_enable(this->completed_bit(1), v);
  h.pulse_completed(1, 7);
  h.tick(30);
  ASSERT_TRUE(this->pba_bit(v));
  h.write32(x::entry(v) + x::VECTOR_CTRL::kOffset, 0);
  h.tick(200);
  ASSERT_EQ(h.messages().size(), 1u);
  EXPECT_EQ(h.messages()[0].addr, kMsiAddr);
  EXPECT_EQ(h.messages()[0].data, kMsiData);
  EXPECT_EQ(h.messages()[0].vector, v);
  EXPECT_FALSE(this->pba_bit(v));
}

// PCIe Base spec, MSI-X per-vector masking: once software services the events behind a
// masked vector's Pending bit, the function clears it, and unmasking sends nothing.
TYPED_TEST(IrqCtrlRules, ServicingTheEventsClearsAMaskedPendingBit) {
  auto& h = this->h;
  const unsigned v = this->last();
  h.program_vector(v, kMsiAddr, kMsiData, true);
  h.route_and_enable(this->completed_bit(1), v);
  h.route_and_enable(this->completed_bit(0), v);
  h.pulse_completed(1, 7);
  h.pulse_completed(0, 8);
  h.tick(30);
  ASSERT_TRUE(this->pba_bit(v));
  h.write32(regs::INTR_STATUS::kOffset, 1u << this->completed_bit(1));
  h.tick(10);
  EXPECT_TRUE(this->pba_bit(v)) << "node 0's event routed here is still unserviced";
  h.write32(regs::INTR_STATUS::kOffset, 1u << this->completed_bit(0));
  h.tick(10);
  EXPECT_FALSE(this->pba_bit(v)) << "every event behind the pending bit was serviced";
  h.write32(x::entry(v) + x::VECTOR_CTRL::kOffset, 0);
  h.tick(200);
  EXPECT_TRUE(h.messages().empty()) << "no spurious message on unmask";
}

// An event serviced before its request even reached the PBA leaves nothing pending.
TYPED_TEST(IrqCtrlRules, EventServicedInFlightLeavesNoPendingBit) {
  auto& h = this->h;
  const unsigned v = this->last();
  h.program_vector(v, kMsiAddr, kMsiData, true);
  h.route_and_enable(this->completed_bit(2), v);
  h.pulse_completed(2, 5);
  h.write32(regs::INTR_STATUS::kOffset, 1u << this->completed_bit(2));
  h.tick(30);
  EXPECT_FALSE(this->pba_bit(v));
  h.write32(x::entry(v) + x::VECTOR_CTRL::kOffset, 0);
  h.tick(200);
  EXPECT_TRUE(h.messages().empty());
}

TYPED_TEST(IrqCtrlRules, FunctionMaskHoldsThenReleases) {
  auto& h = this->h;
  const unsigned v = 3;
  h.program_vector(v, kMsiAddr, kMsiData, false);
  h.route_and_enable(this->completed_bit(0), v);
  h.in().cfg_msix_func_mask = true;
  h.tick(2);
  h.pulse_completed(0, 1);
  h.tick(30);
  EXPECT_TRUE(h.messages().empty());
  EXPECT_TRUE(this->pba_bit(v));
  // The Function Mask does not touch the per-vector mask bits.
  EXPECT_EQ(h.read32(x::entry(v) + x::VECTOR_CTRL::kOffset), 0u);
  h.in().cfg_msix_func_mask = false;
  h.tick(30);
  ASSERT_EQ(h.messages().size(), 1u);
  EXPECT_EQ(h.messages()[0].vector, v);
  EXPECT_FALSE(this->pba_bit(v));
}

TYPED_TEST(IrqCtrlRules, MsixDisabledHoldsThenEnableReleases) {
  auto& h = this->h;
  const unsigned v = 5;
  h.program_vector(v, kMsiAddr, kMsiData, false);
  h.route_and_enable(this->completed_bit(2), v);
  h.in().cfg_msix_enable = false;
  h.tick(2);
  h.pulse_completed(2, 1);
  h.tick(30);
  EXPECT_TRUE(h.messages().empty());
  EXPECT_TRUE(this->pba_bit(v));
  EXPECT_TRUE(h.out().intx) << "with MSI-X off the device interrupts on INTx";
  h.in().cfg_msix_enable = true;
  h.tick(30);
  EXPECT_EQ(h.messages().size(), 1u);
  EXPECT_FALSE(this->pba_bit(v));
  EXPECT_FALSE(h.out().intx) << "enabling MSI-X disables INTx";
}

TYPED_TEST(IrqCtrlRules, W1cClearsOnlyTheBitsWrittenOne) {
  auto& h = this->h;
  h.pulse_completed(0, 1);
  h.pulse_completed(1, 1);
  h.tick();
  const uint32_t both = (1u << this->completed_bit(0)) | (1u << this->completed_bit(1));
  ASSERT_EQ(h.read32(regs::INTR_STATUS::kOffset), both);
  EXPECT_EQ(h.write32(regs::INTR_STATUS::kOffset, 0), kRespOkay);
  EXPECT_EQ(h.read32(regs::INTR_STATUS::kOffset), both);
  EXPECT_EQ(h.write32(regs::INTR_STATUS::kOffset, 1u << this->completed_bit(0)), kRespOkay);
  EXPECT_EQ(h.read32(regs::INTR_STATUS::kOffset), 1u << this->completed_bit(1));
}

TYPED_TEST(IrqCtrlRules, EventInTheCycleOfItsClearIsKept) {
  auto& h = this->h;
  const uint32_t bit = 1u << this->completed_bit(0);
  h.pulse_completed(0, 1);
  h.tick();
  // Control: a clear alone clears.
  h.write32(regs::INTR_STATUS::kOffset, bit);
  ASSERT_EQ(h.read32(regs::INTR_STATUS::kOffset) & bit, 0u);
  h.pulse_completed(0, 2);
  h.tick();
  // The clear commits in the same cycle as a new event: the event wins.
  h.write32(regs::INTR_STATUS::kOffset, bit, [](Inputs& in) {
    in.dma_completed |= 1;
    in.dma_completed_fence[0] = 99;
  });
  EXPECT_EQ(h.read32(regs::INTR_STATUS::kOffset) & bit, bit);
  EXPECT_EQ(h.read32(regs::NODE_COMPLETED_FENCE::offset(0)), 99u);
}

TYPED_TEST(IrqCtrlRules, FenceIsCapturedAtTheSameEdgeAsTheStatusBit) {
  auto& h = this->h;
  const unsigned node = 2;
  // A read in the pulse's own cycle sees neither; a read one cycle later sees both.
  auto read_during_pulse = [&h, node](uint32_t addr, uint32_t fence) {
    h.pulse_completed(node, fence);
    h.in().arvalid = true;
    h.in().araddr = addr & ~7u;
    h.tick();
    h.in().arvalid = false;
    const uint64_t d = h.out().rdata;
    h.tick();
    return static_cast<uint32_t>((addr & 4) ? d >> 32 : d);
  };
  const uint32_t fence_reg = regs::NODE_COMPLETED_FENCE::offset(node);
  EXPECT_EQ(read_during_pulse(fence_reg, 0xABCD0001), 0u);
  EXPECT_EQ(h.read32(fence_reg), 0xABCD0001u);
  h.write32(regs::INTR_STATUS::kOffset, 0xFFFFFFFF);
  EXPECT_EQ(read_during_pulse(regs::INTR_STATUS::kOffset, 0xABCD0002), 0u);
  EXPECT_EQ(h.read32(regs::INTR_STATUS::kOffset), 1u << this->completed_bit(node));
  EXPECT_EQ(h.read32(fence_reg), 0xABCD0002u);

  // Preemption, fault, page fault and vsync payloads.
  h.in().dma_preempted = 1u << 1;
  h.in().dma_preempted_fence[1] = 0x11;
  h.in().dma_faulted = 1u << 3;
  h.in().dma_faulted_fence[3] = 0x33;
  h.in().pf = true;
  h.in().pf_fence = 0x55;
  h.in().pf_node = 3;
  h.in().pf_va = 0x0000'7FFF'1234'5000ull;
  h.in().vsync = 0x2;
  h.tick();
  h.in().vsync = 0x2;
  h.tick();
  EXPECT_EQ(h.read32(regs::NODE_PREEMPTED_FENCE::offset(1)), 0x11u);
  EXPECT_EQ(h.read32(regs::NODE_FAULTED_FENCE::offset(3)), 0x33u);
  EXPECT_EQ(h.read32(regs::PF_FENCE::kOffset), 0x55u);
  EXPECT_EQ(h.read32(regs::PF_NODE::kOffset), 3u);
  EXPECT_EQ(h.read64(regs::PF_VA_LO::kOffset), 0x0000'7FFF'1234'5000ull);
  EXPECT_EQ(h.read32(regs::HEAD_VSYNC_COUNT::offset(1)), 2u);
  EXPECT_EQ(h.read32(regs::HEAD_VSYNC_COUNT::offset(0)), 0u);
  const uint32_t st = h.read32(regs::INTR_STATUS::kOffset);
  EXPECT_TRUE(st & regs::sources::DMA_PREEMPTED.bit(1));
  EXPECT_TRUE(st & regs::sources::DMA_FAULTED.bit(3));
  EXPECT_TRUE(st & regs::sources::PAGE_FAULT.bit(0));
  EXPECT_TRUE(st & regs::sources::CRTC_VSYNC.bit(1));
}

TYPED_TEST(IrqCtrlRules, PulseToMessageTakesThreeCycles) {
  auto& h = this->h;
  h.program_vector(0, kMsiAddr, kMsiData, false);
  h.route_and_enable(this->completed_bit(0), 0);
  const uint64_t pulse_cycle = h.cycle();
  h.pulse_completed(0, 1);
  h.tick(10);
  ASSERT_EQ(h.messages().size(), 1u);
  EXPECT_EQ(h.messages()[0].cycle - pulse_cycle, 3u);
}

TYPED_TEST(IrqCtrlRules, ModerationSpacesMessagesAndMergesEvents) {
  auto& h = this->h;
  const unsigned v = this->last();
  constexpr unsigned kInterval = 100;
  h.program_vector(v, kMsiAddr, kMsiData, false);
  h.route_and_enable(this->completed_bit(0), v);
  h.write32(regs::VEC_MOD::offset(v), kInterval);
  EXPECT_EQ(h.read32(regs::VEC_MOD::offset(v)), kInterval);
  uint64_t last_pulse = 0;
  for (unsigned i = 0; i < 100; ++i) {  // an event every 10 cycles for 1000 cycles
    last_pulse = h.cycle();
    h.pulse_completed(0, i + 1);
    h.tick(10);
  }
  h.tick(300);
  const auto& m = h.messages();
  ASSERT_GE(m.size(), 10u);
  EXPECT_LE(m.size(), 11u) << "100 events in 1000 cycles merge into one message per interval";
  for (size_t i = 1; i < m.size(); ++i) EXPECT_EQ(m[i].cycle - m[i - 1].cycle, kInterval) << i;
  EXPECT_GT(m.back().cycle, last_pulse) << "the last event is not lost";

  // Without moderation each event is its own message.
  h.messages().clear();
  h.write32(regs::VEC_MOD::offset(v), 0);
  for (unsigned i = 0; i < 20; ++i) {
    h.pulse_completed(0, i + 1);
    h.tick(10);
  }
  h.tick(20);
  EXPECT_EQ(h.messages().size(), 20u);
}

TYPED_TEST(IrqCtrlRules, BackPressureHoldsMessagesAndDropsNone) {
  auto& h = this->h;
  for (unsigned n = 0; n < 3; ++n) {
    h.program_vector(n, kMsiAddr + 16 * n, kMsiData + n, false);
    h.route_and_enable(this->completed_bit(n), n);
  }
  h.in().msg_ready = false;
  for (unsigned n = 0; n < 3; ++n) h.pulse_completed(n, 1);
  h.tick(50);
  EXPECT_TRUE(h.messages().empty());
  EXPECT_TRUE(h.out().msg_valid);
  EXPECT_EQ(h.out().msg_vector, 0u);
  EXPECT_EQ(h.out().msg_data, kMsiData);
  h.in().msg_ready = true;
  h.tick(10);
  ASSERT_EQ(h.messages().size(), 3u);
  for (unsigned n = 0; n < 3; ++n) {
    EXPECT_EQ(h.messages()[n].vector, n);
    EXPECT_EQ(h.messages()[n].addr, kMsiAddr + 16 * n);
    EXPECT_EQ(h.messages()[n].data, kMsiData + n);
  }
}

TYPED_TEST(IrqCtrlRules, IntxLevelFollowsPendingAndInterruptDisable) {
  auto& h = this->h;
  h.in().cfg_msix_enable = false;
  h.route_and_enable(this->completed_bit(0), 0);
  h.tick(2);
  EXPECT_FALSE(h.out().intx);
  EXPECT_FALSE(h.out().intx_status);
  h.pulse_completed(0, 1);
  h.tick(2);
  EXPECT_TRUE(h.out().intx);
  EXPECT_TRUE(h.out().intx_status);
  EXPECT_NE(h.read32(regs::INTR_PENDING::kOffset), 0u);
  h.in().cfg_intx_disable = true;
  h.tick(2);
  EXPECT_FALSE(h.out().intx);
  EXPECT_TRUE(h.out().intx_status) << "Interrupt Status ignores Interrupt Disable";
  h.in().cfg_intx_disable = false;
  h.tick(2);
  EXPECT_TRUE(h.out().intx);
  h.write32(regs::INTR_MASTER::kOffset, 0);
  EXPECT_FALSE(h.out().intx) << "master enable off";
  h.write32(regs::INTR_MASTER::kOffset, 1);
  EXPECT_TRUE(h.out().intx);
  h.write32(regs::INTR_STATUS::kOffset, 0xFFFFFFFF);
  EXPECT_FALSE(h.out().intx);
  EXPECT_FALSE(h.out().intx_status);
  EXPECT_EQ(h.read32(regs::INTR_PENDING::kOffset), 0u);
}

TYPED_TEST(IrqCtrlRules, MasterEnableReleasesWhatArrivedWhileOff) {
  auto& h = this->h;
  h.program_vector(1, kMsiAddr, kMsiData, false);
  h.route_and_enable(this->completed_bit(0), 1);
  h.write32(regs::INTR_MASTER::kOffset, 0);
  h.pulse_completed(0, 1);
  h.tick(30);
  EXPECT_TRUE(h.messages().empty());
  EXPECT_EQ(h.read32(regs::INTR_PENDING::kOffset), 0u);
  h.write32(regs::INTR_MASTER::kOffset, 1);
  h.tick(10);
  EXPECT_EQ(h.messages().size(), 1u);
}

TYPED_TEST(IrqCtrlRules, EachNewEventOfAPendingSourceSendsAMessage) {
  auto& h = this->h;
  h.program_vector(0, kMsiAddr, kMsiData, false);
  h.route_and_enable(this->completed_bit(0), 0);
  h.pulse_completed(0, 1);
  h.tick(50);
  h.pulse_completed(0, 2);  // status still set: not cleared by any ISR
  h.tick(50);
  EXPECT_EQ(h.messages().size(), 2u);
}

TYPED_TEST(IrqCtrlRules, TableAccessWidthsAndRefusals) {
  auto& h = this->h;
  const unsigned v = this->last();
  const uint32_t e = x::entry(v);
  // One 64-bit write fills the address; 32-bit reads see both halves.
  EXPECT_EQ(h.write64(e + x::MSG_ADDR_LO::kOffset, 0x0000'0001'FEE0'300Full), kRespOkay);
  EXPECT_EQ(h.read32(e + x::MSG_ADDR_LO::kOffset), 0xFEE0'300Cu) << "address bits 1:0 read 0";
  EXPECT_EQ(h.read32(e + x::MSG_ADDR_HI::kOffset), 1u);
  // 64-bit write of data + vector control; a 32-bit write changes one dword only.
  EXPECT_EQ(h.write64(e + x::MSG_DATA::kOffset, (uint64_t{0} << 32) | 0x1234), kRespOkay);
  EXPECT_EQ(h.read64(e + x::MSG_DATA::kOffset), 0x1234u);
  EXPECT_EQ(h.write32(e + x::VECTOR_CTRL::kOffset, 0xFFFF'FFFF), kRespOkay);
  EXPECT_EQ(h.read64(e + x::MSG_DATA::kOffset), (uint64_t{1} << 32) | 0x1234) << "reserved bits read 0";
  // Sub-dword or misaligned strobes are refused and change nothing.
  EXPECT_EQ(h.write_raw(e + x::MSG_DATA::kOffset, 0xFF, 0x01), kRespSlvErr);
  EXPECT_EQ(h.write_raw(e + x::MSG_DATA::kOffset, 0xFF, 0x3C), kRespSlvErr);
  EXPECT_EQ(h.read32(e + x::MSG_DATA::kOffset), 0x1234u);
  // The PBA and read-only registers refuse writes.
  EXPECT_EQ(h.write64(x::kPbaOffset, ~0ull), kRespSlvErr);
  EXPECT_EQ(h.read64(x::kPbaOffset), 0u);
  EXPECT_EQ(h.write32(regs::ID::kOffset, 0), kRespSlvErr);
  EXPECT_EQ(h.read32(regs::ID::kOffset), regs::ID::kReset);
  // Beyond the table nothing is writable (for 2048 entries that is the PBA itself).
  EXPECT_EQ(h.write32(x::entry(this->nv()) + x::MSG_DATA::kOffset, 1), kRespSlvErr);
  // Unmapped space: writes refused, reads 0.
  EXPECT_EQ(h.write32(0x800, 1), kRespSlvErr);
  EXPECT_EQ(h.read64(0x800), 0u);
}

TYPED_TEST(IrqCtrlRules, RouteToAbsentVectorIsRefusedWhole) {
  auto& h = this->h;
  if (this->nv() > regs::ROUTE::VECTOR.mask()) {  // every encodable vector exists: all accepted
    EXPECT_EQ(h.write32(regs::ROUTE::offset(0), regs::ROUTE::VECTOR.mask()), kRespOkay);
    EXPECT_EQ(h.read32(regs::ROUTE::offset(0)), regs::ROUTE::VECTOR.mask());
    return;
  }
  EXPECT_EQ(h.write32(regs::ROUTE::offset(0), this->nv()), kRespSlvErr);
  EXPECT_EQ(h.read32(regs::ROUTE::offset(0)), 0u);
  // A qword write with one good and one bad lane changes neither.
  EXPECT_EQ(h.write64(regs::ROUTE::offset(0), (uint64_t{this->nv()} << 32) | 1), kRespSlvErr);
  EXPECT_EQ(h.read64(regs::ROUTE::offset(0)), 0u);
  EXPECT_EQ(h.write64(regs::ROUTE::offset(0), (uint64_t{2} << 32) | 1), kRespOkay);
  EXPECT_EQ(h.read64(regs::ROUTE::offset(0)), (uint64_t{2} << 32) | 1);
}

TYPED_TEST(IrqCtrlRules, IdleOnlyWhileNothingCanChange) {
  auto& h = this->h;
  h.tick(2);
  EXPECT_TRUE(h.out().idle) << "after reset";
  h.program_vector(0, kMsiAddr, kMsiData, false);
  h.route_and_enable(this->completed_bit(0), 0);
  h.write32(regs::VEC_MOD::offset(0), 50);
  h.tick(2);
  EXPECT_TRUE(h.out().idle);
  h.pulse_completed(0, 1);
  h.tick();
  EXPECT_FALSE(h.out().idle) << "event in flight";
  h.tick(4);
  ASSERT_EQ(h.messages().size(), 1u);
  EXPECT_TRUE(h.out().idle) << "interval running without a request: nothing changes";
  EXPECT_EQ(h.out().wake, UINT64_MAX);
  // A trigger inside the interval is held until the deadline, the issue cycle + 50 (the
  // message leaves the cycle after its issue): idle, with wake_o naming the cycle a
  // simulator must step next.
  h.pulse_completed(0, 3);
  h.tick(4);
  EXPECT_TRUE(h.out().idle) << "request held by moderation";
  EXPECT_EQ(h.out().wake, h.messages()[0].cycle - 1 + 50);
  const uint64_t wake = h.out().wake;
  h.tick(static_cast<unsigned>(wake - h.cycle()));
  EXPECT_EQ(h.cycle(), wake);
  EXPECT_EQ(h.messages().size(), 1u) << "nothing before the deadline";
  EXPECT_LE(h.out().wake, h.cycle()) << "the deadline is reached: step now";
  h.tick(2);
  ASSERT_EQ(h.messages().size(), 2u);
  EXPECT_EQ(h.messages()[1].cycle, wake + 1) << "issued in the deadline's cycle";
  EXPECT_EQ(h.messages()[1].cycle - h.messages()[0].cycle, 50u);
  h.tick(60);
  EXPECT_TRUE(h.out().idle) << "interval over";
  EXPECT_EQ(h.out().wake, UINT64_MAX);
  // A masked vector's pending bit is stable: idle. Unmasking makes a replay: not idle.
  h.write32(x::entry(0) + x::VECTOR_CTRL::kOffset, 1);
  h.pulse_completed(0, 2);
  h.tick(10);
  EXPECT_TRUE(this->pba_bit(0));
  EXPECT_TRUE(h.out().idle);
  h.in().awvalid = h.in().wvalid = true;  // bus beat held: not idle
  h.in().awaddr = x::entry(0) + x::VECTOR_CTRL::kOffset;
  h.in().wdata = uint64_t{0} << 32;
  h.in().wstrb = 0xF0;
  h.tick();
  h.in().awvalid = h.in().wvalid = false;
  EXPECT_FALSE(h.out().idle);
  h.tick(3);
  EXPECT_EQ(h.messages().size(), 2u);
  EXPECT_FALSE(h.out().idle) << "replay in flight";
  h.tick(60);
  EXPECT_EQ(h.messages().size(), 3u);
  EXPECT_TRUE(h.out().idle);
}

TYPED_TEST(IrqCtrlRules, MsiModePutsTheVectorInTheData) {
  auto& h = this->h;
  h.in().cfg_msix_enable = false;
  h.in().cfg_msi_enable = true;
  h.in().cfg_msi_mme = 2;  // 4 vectors allocated
  h.in().cfg_msi_addr = 0xFEE0'2000;
  h.in().cfg_msi_data = 0x4043;  // low 2 bits are replaced by the vector number
  h.route_and_enable(this->completed_bit(0), 1);
  h.route_and_enable(this->completed_bit(1), 6);  // 6 mod 4 = MSI vector 2
  h.pulse_completed(0, 1);
  h.tick(20);
  h.pulse_completed(1, 1);
  h.tick(20);
  ASSERT_EQ(h.messages().size(), 2u);
  EXPECT_EQ(h.messages()[0].addr, 0xFEE0'2000u);
  EXPECT_EQ(h.messages()[0].data, 0x4041u);
  EXPECT_EQ(h.messages()[1].data, 0x4042u);
}

TYPED_TEST(IrqCtrlRules, MsiMaskBitHoldsPendingAndUnmaskSends) {
  auto& h = this->h;
  h.in().cfg_msix_enable = false;
  h.in().cfg_msi_enable = true;
  h.in().cfg_msi_mme = 1;  // 2 vectors
  h.in().cfg_msi_addr = 0xFEE0'0000;
  h.in().cfg_msi_mask = 0x2;  // vector 1 masked
  h.route_and_enable(this->completed_bit(0), 1);
  h.pulse_completed(0, 1);
  h.tick(20);
  EXPECT_TRUE(h.messages().empty());
  EXPECT_EQ(h.out().msi_pending, 0x2u) << "Pending Bit of MSI vector 1";
  h.in().cfg_msi_mask = 0;
  h.tick(20);
  EXPECT_EQ(h.messages().size(), 1u);
  EXPECT_EQ(h.out().msi_pending, 0u);
}

TYPED_TEST(IrqCtrlRules, MsixTakesPriorityOverMsi) {
  auto& h = this->h;
  h.in().cfg_msi_enable = true;
  h.in().cfg_msi_addr = 0xFEE0'0000;
  h.program_vector(0, kMsiAddr, kMsiData, false);
  h.route_and_enable(this->completed_bit(0), 0);
  h.pulse_completed(0, 1);
  h.tick(20);
  ASSERT_EQ(h.messages().size(), 1u);
  EXPECT_EQ(h.messages()[0].addr, kMsiAddr) << "MSI-X Enable wins";
  EXPECT_EQ(h.messages()[0].data, kMsiData);
}

}  // namespace
}  // namespace irqlab::irqctrl::test
