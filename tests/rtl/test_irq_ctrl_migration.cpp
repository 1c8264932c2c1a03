// Directed tests of irq_ctrl's live-migration registers (MIG_*), on the RTL and the
// reference model, for the PF build and the GPU-P VF build.
#include <gtest/gtest.h>

#include "dut_builds.hpp"
#include "dut_harness.hpp"

namespace irqlab::irqctrl::test {
namespace {

namespace x = regs::msix;

using Duts = ::testing::Types<Rtl64, Ref64, RtlVf, RefVf>;
class DutNames {
 public:
  template <class T>
  static std::string GetName(int i) {
    static const char* names[] = {"RtlPf", "RefPf", "RtlVf", "RefVf"};
    return names[i];
  }
};

constexpr uint64_t kMsiAddr = 0xFEE0'2000;
constexpr uint32_t kMsiData = 0x4051;
constexpr uint8_t kOkay = kRespOkay;

template <class D>
class Migration : public ::testing::Test {
 protected:
  DutHarness h{D::make()};
  unsigned v() const { return h.config().num_vectors - 1; }
  static unsigned completed_bit() { return regs::sources::DMA_COMPLETED.lsb; }
  bool pba_bit(unsigned vec) { return (h.read64(x::pba_qword(vec)) >> (vec % 64)) & 1; }
  uint8_t privileged_write(uint32_t a, uint32_t value) {
    h.in().awprot = 1;
    const uint8_t r = h.write32(a, value);
    h.in().awprot = 0;
    return r;
  }
  void live_vector() {
    h.program_vector(v(), kMsiAddr, kMsiData, false);
    h.route_and_enable(completed_bit(), v());
    h.in().cfg_msix_enable = true;
    h.tick(2);
  }
};
TYPED_TEST_SUITE(Migration, Duts, DutNames);

TYPED_TEST(Migration, BuildParametersMatchHwcfg) {
  const uint32_t hw = this->h.read32(regs::HWCFG::kOffset);
  EXPECT_EQ(regs::HWCFG::NUM_NODES.get(hw), this->h.config().num_nodes);
  EXPECT_EQ(regs::HWCFG::NUM_VECTORS.get(hw), this->h.config().num_vectors);
}

TYPED_TEST(Migration, GuestCannotPauseOrRestore) {
  auto& h = this->h;
  EXPECT_EQ(h.write32(regs::MIG_CTRL::kOffset, regs::MIG_CTRL::PAUSE.put(1)), kRespSlvErr);
  EXPECT_EQ(h.read32(regs::MIG_CTRL::kOffset), 0u);
  // Privileged, but the function is running: restores are refused too.
  EXPECT_EQ(this->privileged_write(regs::MIG_STATUS_SET::kOffset, 1), kRespSlvErr);
  EXPECT_EQ(this->privileged_write(regs::NODE_COMPLETED_FENCE::offset(0), 99), kRespSlvErr);
  EXPECT_EQ(this->privileged_write(regs::MIG_PBA_SET::offset(0), 1), kRespSlvErr);
  EXPECT_EQ(h.read32(regs::INTR_STATUS::kOffset), 0u);
  EXPECT_EQ(h.read32(regs::NODE_COMPLETED_FENCE::offset(0)), 0u);
}

TYPED_TEST(Migration, PauseHoldsMessagesInThePbaAndResumeSendsEachOnce) {
  auto& h = this->h;
  this->live_vector();
  ASSERT_EQ(this->privileged_write(regs::MIG_CTRL::kOffset, regs::MIG_CTRL::PAUSE.put(1)), kOkay);
  h.pulse_completed(0, 5);
  h.tick(20);
  h.pulse_completed(0, 6);  // merges into the one pending message
  h.tick(20);
  EXPECT_TRUE(h.messages().empty());
  EXPECT_TRUE(this->pba_bit(this->v()));
  const uint32_t ctrl = h.read32(regs::MIG_CTRL::kOffset);
  EXPECT_EQ(regs::MIG_CTRL::PAUSE.get(ctrl), 1u);
  EXPECT_EQ(regs::MIG_CTRL::QUIESCED.get(ctrl), 1u);
  ASSERT_EQ(this->privileged_write(regs::MIG_CTRL::kOffset, 0), kOkay);
  h.tick(50);
  ASSERT_EQ(h.messages().size(), 1u);
  EXPECT_EQ(h.messages()[0].vector, this->v());
  EXPECT_FALSE(this->pba_bit(this->v()));
  EXPECT_EQ(h.read32(regs::NODE_COMPLETED_FENCE::offset(0)), 6u);
}

// The destination side: status, fence and pending bit restored while paused send nothing;
// resuming sends the restored pending message exactly once, and a restored status bit
// without a pending bit sends none (its message was delivered on the source).
TYPED_TEST(Migration, RestoreOnDestinationDeliversExactlyTheSavedPendingMessages) {
  auto& h = this->h;
  this->live_vector();
  ASSERT_EQ(this->privileged_write(regs::MIG_CTRL::kOffset, regs::MIG_CTRL::PAUSE.put(1)), kOkay);
  const uint32_t bit = regs::sources::DMA_COMPLETED.bit(0);
  ASSERT_EQ(this->privileged_write(regs::MIG_STATUS_SET::kOffset, bit), kOkay);
  ASSERT_EQ(this->privileged_write(regs::NODE_COMPLETED_FENCE::offset(0), 41), kOkay);
  h.tick(20);
  EXPECT_EQ(h.read32(regs::INTR_STATUS::kOffset), bit);
  EXPECT_EQ(h.read32(regs::NODE_COMPLETED_FENCE::offset(0)), 41u);
  EXPECT_FALSE(this->pba_bit(this->v())) << "a restored status bit must not trigger a message";
  ASSERT_EQ(this->privileged_write(regs::MIG_PBA_SET::offset(this->v() / 32), 1u << (this->v() % 32)), kOkay);
  h.tick(5);
  EXPECT_TRUE(this->pba_bit(this->v()));
  EXPECT_TRUE(h.messages().empty());
  ASSERT_EQ(this->privileged_write(regs::MIG_CTRL::kOffset, 0), kOkay);
  h.tick(100);
  ASSERT_EQ(h.messages().size(), 1u);
  EXPECT_EQ(h.messages()[0].data, kMsiData);
  // The guest's ISR dismisses the restored bit; nothing more is sent.
  EXPECT_EQ(h.write32(regs::INTR_STATUS::kOffset, bit), kOkay);
  h.tick(100);
  EXPECT_EQ(h.messages().size(), 1u);
  EXPECT_EQ(h.read32(regs::INTR_STATUS::kOffset), 0u);
}

TYPED_TEST(Migration, RestoredStatusWithoutPendingSendsNothing) {
  auto& h = this->h;
  this->live_vector();
  ASSERT_EQ(this->privileged_write(regs::MIG_CTRL::kOffset, regs::MIG_CTRL::PAUSE.put(1)), kOkay);
  ASSERT_EQ(this->privileged_write(regs::MIG_STATUS_SET::kOffset, regs::sources::DMA_COMPLETED.bit(0)),
            kOkay);
  ASSERT_EQ(this->privileged_write(regs::MIG_CTRL::kOffset, 0), kOkay);
  h.tick(100);
  EXPECT_TRUE(h.messages().empty());
  // A new event while the restored bit is still set interrupts again, as on the source.
  h.pulse_completed(0, 42);
  h.tick(50);
  EXPECT_EQ(h.messages().size(), 1u);
}

}  // namespace
}  // namespace irqlab::irqctrl::test
