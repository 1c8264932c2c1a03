// The local APIC's fixed-interrupt rules (Intel SDM Vol. 3A, 11.8.3-11.8.5).
#include <gtest/gtest.h>

#include "local_apic.hpp"

namespace irqlab::host {
namespace {

TEST(LocalApic, OneInIrrPlusOneInServiceFurtherRequestsMerge) {
  LocalApic a;
  uint8_t v = 0;
  uint64_t t = 0;
  EXPECT_EQ(a.request(0x80, false, 10), LocalApic::Accept::kAccepted);
  ASSERT_TRUE(a.acknowledge(v, t));
  EXPECT_EQ(v, 0x80);
  EXPECT_EQ(t, 10u);
  EXPECT_EQ(a.request(0x80, false, 20), LocalApic::Accept::kAccepted) << "IRR is free again once in service";
  EXPECT_EQ(a.request(0x80, false, 30), LocalApic::Accept::kMerged);
  EXPECT_EQ(a.request(0x80, false, 40), LocalApic::Accept::kMerged);
  EXPECT_EQ(a.merged(0x80), 2u);
  EXPECT_FALSE(a.acknowledge(v, t)) << "the same class as the one in service waits (PPR)";
  a.eoi();
  ASSERT_TRUE(a.acknowledge(v, t));
  EXPECT_EQ(t, 20u) << "the IRR bit dates from its first request";
  a.eoi();
  EXPECT_FALSE(a.acknowledge(v, t)) << "merged requests leave nothing behind";
}

TEST(LocalApic, PriorityClassesAndTpr) {
  LocalApic a;
  uint8_t v = 0;
  uint64_t t = 0;
  a.request(0x61, false, 0);
  a.request(0x95, false, 0);
  ASSERT_TRUE(a.acknowledge(v, t));
  EXPECT_EQ(v, 0x95) << "highest vector first";
  EXPECT_EQ(a.ppr(), 0x90);
  EXPECT_FALSE(a.acknowledge(v, t)) << "class 6 waits below an in-service class 9";
  a.request(0xA0, false, 0);
  ASSERT_TRUE(a.acknowledge(v, t));
  EXPECT_EQ(v, 0xA0) << "a higher class preempts";
  EXPECT_EQ(a.eoi()->vector, 0xA0) << "EOI clears the highest in-service vector";
  EXPECT_EQ(a.eoi()->vector, 0x95);
  a.set_tpr(0x60);
  EXPECT_FALSE(a.deliverable()) << "TPR class 6 blocks class 6";
  a.set_tpr(0x50);
  EXPECT_EQ(a.deliverable().value_or(0), 0x61);
  EXPECT_FALSE(a.eoi().has_value()) << "nothing in service: EOI does nothing";
}

TEST(LocalApic, LevelTriggeredEoiIsBroadcast) {
  LocalApic a;
  uint8_t v = 0;
  uint64_t t = 0;
  a.request(0x80, true, 0);
  ASSERT_TRUE(a.acknowledge(v, t));
  const auto e = a.eoi();
  ASSERT_TRUE(e.has_value());
  EXPECT_TRUE(e->level_triggered) << "TMR set: the EOI goes to the I/O APIC (Remote IRR)";
  a.request(0x70, false, 0);
  ASSERT_TRUE(a.acknowledge(v, t));
  EXPECT_FALSE(a.eoi()->level_triggered);
}

}  // namespace
}  // namespace irqlab::host
