// The DDI header's values are the WDK's (layouts are static_asserted in the header itself),
// and the display miniport's DDIs answer as their pages require.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <utility>
#include <vector>

#include "display_miniport.hpp"
#include "recording_env.hpp"

namespace irqlab::kmd {
namespace {

namespace regs = irqlab::regs::irq_ctrl;

using test::RecordingEnv;

TEST(WddmDdi, ValuesAreTheWdks) {
  EXPECT_EQ(DXGKQAITYPE_UMDRIVERPRIVATE, 0u);
  EXPECT_EQ(DXGKQAITYPE_DRIVERCAPS, 1u);
  EXPECT_EQ(static_cast<uint32_t>(STATUS_NOT_IMPLEMENTED), 0xC0000002u);
  EXPECT_EQ(static_cast<uint32_t>(STATUS_INVALID_PARAMETER), 0xC000000Du);
  EXPECT_EQ(DXGK_INTERRUPT_DMA_COMPLETED, 1u);
  EXPECT_EQ(DXGK_INTERRUPT_DMA_PREEMPTED, 2u);
  EXPECT_EQ(DXGK_INTERRUPT_CRTC_VSYNC, 3u);
  EXPECT_EQ(DXGK_INTERRUPT_DMA_FAULTED, 4u);
  EXPECT_EQ(DXGK_INTERRUPT_DMA_PAGE_FAULTED, 9u);
  EXPECT_EQ(DXGK_PAGE_FAULT_ENGINE_RESET_REQUIRED, 0x8u);
  DXGKCB_NOTIFY_INTERRUPT_DATA_FLAGS f{};
  f.ValidPhysicalAdapterMask = 1;
  EXPECT_EQ(f.Value, 1u) << "ValidPhysicalAdapterMask is bit 0 of Value";
}

TEST(WddmDdi, ControlInterruptAndQueryAdapterInfo) {
  RecordingEnv env;
  DisplayMiniport m(env, DriverCosts{});
  EXPECT_EQ(m.DxgkDdiControlInterrupt(&m, DXGK_INTERRUPT_DMA_COMPLETED, TRUE), STATUS_NOT_IMPLEMENTED)
      << "the page requires STATUS_NOT_IMPLEMENTED for a type the driver cannot control";
  EXPECT_EQ(m.DxgkDdiControlInterrupt(&m, DXGK_INTERRUPT_CRTC_VSYNC, TRUE), STATUS_SUCCESS);
  EXPECT_EQ(m.DxgkDdiControlInterrupt(nullptr, DXGK_INTERRUPT_CRTC_VSYNC, TRUE), STATUS_INVALID_PARAMETER);
  DXGK_DRIVERCAPS caps{};
  DXGKARG_QUERYADAPTERINFO q{};
  q.Type = DXGKQAITYPE_DRIVERCAPS;
  q.pOutputData = &caps;
  q.OutputDataSize = sizeof caps;
  caps.InterruptMessageNumber = 7;
  EXPECT_EQ(m.DxgkDdiQueryAdapterInfo(&q), STATUS_SUCCESS);
  EXPECT_EQ(caps.InterruptMessageNumber, DisplayMiniport::kNotifyMessage);
  q.OutputDataSize = sizeof caps - 1;
  EXPECT_EQ(m.DxgkDdiQueryAdapterInfo(&q), STATUS_INVALID_PARAMETER) << "output buffer too small";
  q.OutputDataSize = sizeof caps;
  q.Type = DXGKQAITYPE_UMDRIVERPRIVATE;
  EXPECT_EQ(m.DxgkDdiQueryAdapterInfo(&q), STATUS_INVALID_PARAMETER);
}

// The descriptor layout comes from the register map; fields are little-endian.
TEST(WddmDdi, DescriptorFieldsRoundTripLittleEndian) {
  namespace d = regs::front_end::descriptor;
  uint8_t b[d::kBytes] = {};
  d::put(b, d::FENCE, 0x11223344u);
  d::put(b, d::DURATION_PS, 0x0102030405060708ull);
  EXPECT_EQ(b[d::FENCE.offset], 0x44);
  EXPECT_EQ(b[d::DURATION_PS.offset + 7], 0x01);
  EXPECT_EQ(d::get(b, d::FENCE), 0x11223344u);
  EXPECT_EQ(d::get(b, d::DURATION_PS), 0x0102030405060708ull);
  EXPECT_EQ(d::get(b, d::OUTCOME), 0u) << "fields do not overlap";
}

// Config space with one capability, MSI-X at 0x70 (table in BAR0): what StartDevice walks.
NTSTATUS read_config(HANDLE, ULONG, PVOID buf, ULONG off, ULONG len, ULONG* read) {
  namespace cfg = regs::pcie_cfg;
  constexpr uint32_t kCap = 0x70;
  uint32_t v = 0;
  if (off == (cfg::CAPABILITIES_POINTER::kOffset & ~3u))
    v = cfg::CAPABILITIES_POINTER::PTR.put(kCap) << (8 * (cfg::CAPABILITIES_POINTER::kOffset & 3u));
  if (off == kCap) v = cfg::MSIX_CAP_HEADER::kReset & ~cfg::MSIX_CAP_HEADER::NEXT.put(0xFF);
  if (off == kCap + cfg::MSIX_TABLE_OFFSET_BIR::kOffset)
    v = cfg::MSIX_TABLE_OFFSET_BIR::OFFSET.put(regs::msix::kTableOffset >> 3);
  std::memcpy(buf, &v, std::min<ULONG>(len, 4));
  *read = len;
  return STATUS_SUCCESS;
}

class FrontEndDdi : public ::testing::Test {
 protected:
  static constexpr uint64_t kBar = 0xF000'0000;
  void start(DisplayMiniport& m, bool front_end) {
    StartInfo si;
    si.bar0 = kBar;
    si.front_end = front_end;
    DXGKRNL_INTERFACE iface{};
    iface.DxgkCbReadDeviceSpace = &read_config;
    ULONG sources = 0;
    ASSERT_EQ(m.DxgkDdiStartDevice(si, iface, &sources), STATUS_SUCCESS);
    env.writes.clear();
  }
  static uint64_t reg(uint32_t off) { return kBar + regs::front_end::kBarOffset + off; }
  RecordingEnv env;
};

TEST_F(FrontEndDdi, SubmitCommandRingsTheNodesDoorbellHighDwordLast) {
  namespace fe = regs::front_end;
  DisplayMiniport m(env, DriverCosts{});
  start(m, true);
  DXGKARG_SUBMITCOMMAND a{};
  a.DmaBufferPhysicalAddress = 0x1'2345'6780;
  a.NodeOrdinal = 2;
  ASSERT_EQ(m.DxgkDdiSubmitCommand(&a), STATUS_SUCCESS);
  ASSERT_EQ(env.writes.size(), 2u);
  EXPECT_EQ(env.writes[0], std::make_pair(reg(fe::DOORBELL_LO::offset(2)), 0x2345'6780u));
  EXPECT_EQ(env.writes[1], std::make_pair(reg(fe::DOORBELL_HI::offset(2)), 0x1u))
      << "the ringing write is last";
  a.NodeOrdinal = 99;
  EXPECT_EQ(m.DxgkDdiSubmitCommand(&a), STATUS_INVALID_PARAMETER);
}

TEST_F(FrontEndDdi, ResetEngineWritesResetAndReturnsTheAbortedFence) {
  namespace fe = regs::front_end;
  DisplayMiniport m(env, DriverCosts{});
  start(m, true);
  env.mem[kBar + regs::NODE_FAULTED_FENCE::offset(1)] = 77;
  DXGKARG_RESETENGINE r{1, 0, 0};
  ASSERT_EQ(m.DxgkDdiResetEngine(&m, &r), STATUS_SUCCESS);
  EXPECT_EQ(env.writes.at(0), std::make_pair(reg(fe::RESET::offset(1)), fe::RESET::GO.put(1)));
  EXPECT_EQ(r.LastAbortedFenceId, 77u);
  env.mem[reg(fe::STATE::offset(1))] = fe::STATE::HALTED.put(1);  // never leaves the halt
  EXPECT_EQ(m.DxgkDdiResetEngine(&m, &r), STATUS_UNSUCCESSFUL) << "gives up rather than spin forever";
  EXPECT_EQ(m.DxgkDdiResetEngine(nullptr, &r), STATUS_INVALID_PARAMETER);
}

TEST_F(FrontEndDdi, WithoutTheFrontEndSubmitAndResetAreRefused) {
  DisplayMiniport m(env, DriverCosts{});
  start(m, false);
  DXGKARG_SUBMITCOMMAND a{};
  DXGKARG_RESETENGINE r{};
  EXPECT_EQ(m.DxgkDdiSubmitCommand(&a), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(m.DxgkDdiResetEngine(&m, &r), STATUS_INVALID_PARAMETER);
  EXPECT_TRUE(env.writes.empty());
}

}  // namespace
}  // namespace irqlab::kmd
