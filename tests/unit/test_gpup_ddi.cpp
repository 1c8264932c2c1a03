// DxgkDdiWriteVirtualizedInterrupt (the host KMD) and dxgkrnl's guest-table interception,
// against a recording register space: invalid arguments return STATUS_INVALID_PARAMETER
// and write nothing; valid ones write the VF's entry in a safe order.
#include <gtest/gtest.h>

#include <map>
#include <utility>
#include <vector>

#include "gpup_host.hpp"
#include "gpup_miniport.hpp"
#include "recording_env.hpp"

namespace irqlab::kmd {
namespace {

namespace x = regs::irq_ctrl::msix;

using test::RecordingEnv;

constexpr uint64_t kAperture = 0xC000'0000;
constexpr uint32_t kWindow = 0x20000;

class WriteVirtualizedInterrupt : public ::testing::Test {
 protected:
  void SetUp() override {
    GpupInfo info;
    info.aperture = kAperture;
    info.vf_count = 4;
    info.vf_window_bytes = kWindow;
    info.table_offset = x::kTableOffset;
    info.table_entries = 4;
    ASSERT_EQ(kmd.Start(info), STATUS_SUCCESS);
  }
  static DXGKARG_GPUP_WRITE_VIRTUALIZED_MSIX args(UINT vf, INT16 index, uint32_t ctrl) {
    DXGKARG_GPUP_WRITE_VIRTUALIZED_MSIX a{};
    a.vfIndex = vf;
    a.InterruptTableIndex = index;
    a.WriteValue = {0xFEE0'3000, 0x61, ctrl};
    return a;
  }
  RecordingEnv env;
  GpupMiniport kmd{env, GpupCosts{}};
};

TEST_F(WriteVirtualizedInterrupt, InvalidArgumentsReturnInvalidParameterAndWriteNothing) {
  const struct {
    const char* what;
    UINT vf;
    INT16 index;
  } bad[] = {{"vfIndex past NumVFs", 4, 0},
             {"vfIndex far past", 1000, 0},
             {"negative entry", 0, -1},
             {"entry past the table", 1, 4},
             {"entry far past", 1, 2047}};
  for (const auto& b : bad) {
    const auto a = args(b.vf, b.index, 0);
    EXPECT_EQ(kmd.DxgkDdiWriteVirtualizedInterrupt(kmd.adapter(), &a), STATUS_INVALID_PARAMETER) << b.what;
  }
  const auto ok = args(0, 0, 0);
  EXPECT_EQ(kmd.DxgkDdiWriteVirtualizedInterrupt(nullptr, &ok), STATUS_INVALID_PARAMETER) << "foreign handle";
  EXPECT_EQ(kmd.DxgkDdiWriteVirtualizedInterrupt(kmd.adapter(), nullptr), STATUS_INVALID_PARAMETER);
  EXPECT_TRUE(env.writes.empty()) << "a refused call changed the table";
}

TEST_F(WriteVirtualizedInterrupt, WritesTheVfEntryUnmaskingLast) {
  const auto a = args(3, 2, 0);
  ASSERT_EQ(kmd.DxgkDdiWriteVirtualizedInterrupt(kmd.adapter(), &a), STATUS_SUCCESS);
  const uint64_t e = kAperture + 3 * uint64_t{kWindow} + x::entry(2);
  ASSERT_EQ(env.writes.size(), 4u);
  EXPECT_EQ(env.writes[0], std::make_pair(e + x::MSG_ADDR_LO::kOffset, 0xFEE0'3000u));
  EXPECT_EQ(env.writes[1], std::make_pair(e + x::MSG_ADDR_HI::kOffset, 0u));
  EXPECT_EQ(env.writes[2], std::make_pair(e + x::MSG_DATA::kOffset, 0x61u));
  EXPECT_EQ(env.writes[3], std::make_pair(e + x::VECTOR_CTRL::kOffset, 0u));
}

TEST_F(WriteVirtualizedInterrupt, MaskingWritesTheMaskFirst) {
  const auto a = args(1, 0, 1);
  ASSERT_EQ(kmd.DxgkDdiWriteVirtualizedInterrupt(kmd.adapter(), &a), STATUS_SUCCESS);
  ASSERT_EQ(env.writes.size(), 4u);
  EXPECT_EQ(env.writes[0].first, kAperture + kWindow + x::entry(0) + x::VECTOR_CTRL::kOffset);
}

// dxgkrnl keeps the guest form and writes the host form: the guest's mask, the host CPU's
// address and the host vector the hypervisor allocated.
TEST_F(WriteVirtualizedInterrupt, HostInterceptionKeepsGuestFormAndWritesHostForm) {
  dxgkrnl::GpupHost host(4, {[this](const DXGKARG_GPUP_WRITE_VIRTUALIZED_MSIX& a) {
                           return kmd.DxgkDdiWriteVirtualizedInterrupt(kmd.adapter(), &a);
                         }},
                         [](unsigned, unsigned) {
                           return dxgkrnl::HostRoute{2, 0x63};
                         });
  host.add_vm(0, {0, 2});
  EXPECT_EQ(host.guest_read(0, x::VECTOR_CTRL::kOffset), 1u) << "masked after reset";
  ASSERT_EQ(host.guest_write(0, x::MSG_DATA::kOffset, 0x80), STATUS_SUCCESS);
  ASSERT_EQ(host.guest_write(0, x::VECTOR_CTRL::kOffset, 0), STATUS_SUCCESS);
  EXPECT_EQ(host.guest_read(0, x::MSG_DATA::kOffset), 0x80u);
  const uint64_t e = kAperture + 2 * uint64_t{kWindow} + x::entry(0);
  EXPECT_EQ(env.mem[e + x::MSG_DATA::kOffset], 0x63u);
  EXPECT_EQ(env.mem[e + x::MSG_ADDR_LO::kOffset] >> 20, 0xFEEu);
  EXPECT_EQ(env.mem[e + x::VECTOR_CTRL::kOffset], 0u);
  EXPECT_EQ(host.guest_vector(0, 0), 0x80) << "what the host ISR injects";
  EXPECT_EQ(host.route(0, 0).vector, 0x63);
  // A write outside the guest's table is refused and changes nothing.
  const size_t before = env.writes.size();
  EXPECT_EQ(host.guest_write(0, 4 * x::kEntryBytes, 1), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(env.writes.size(), before);
  // Rebinding to a VF past NumVFs: every DDI call fails, none writes.
  EXPECT_EQ(host.rebind_and_rewrite(0, {0, 7}), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(env.writes.size(), before);
  EXPECT_EQ(host.ddi_failures(), 4u);
}

}  // namespace
}  // namespace irqlab::kmd

// libsystemc (linked for the host MSI address helpers) needs an sc_main; this test never
// starts SystemC, gtest_main's main() runs the tests.
extern "C" int sc_main(int, char**) {
  return 0;
}
