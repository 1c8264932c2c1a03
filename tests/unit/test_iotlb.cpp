// The IOTLB: 4 KiB pages, least recently used evicted, bounded by its entries.
#include <gtest/gtest.h>

#include "iotlb.hpp"

namespace irqlab::pcie {
namespace {

TEST(Iotlb, HitsWithinAPageAndEvictsTheLeastRecentlyUsed) {
  Iotlb t(2);
  EXPECT_FALSE(t.lookup(0x1000));
  EXPECT_TRUE(t.lookup(0x1ffc));  // same page
  EXPECT_FALSE(t.lookup(0x2000));
  EXPECT_TRUE(t.lookup(0x1000));   // page 1 is now the most recent
  EXPECT_FALSE(t.lookup(0x3000));  // evicts page 2
  EXPECT_TRUE(t.lookup(0x1000));
  EXPECT_FALSE(t.lookup(0x2000));
  EXPECT_EQ(t.hits(), 3u);
  EXPECT_EQ(t.misses(), 4u);
}

// pcie-bench's knee: 64 entries cover a 256 KiB window; sweeping 512 KiB misses every time.
TEST(Iotlb, SixtyFourEntriesCoverTwoHundredFiftySixKiB) {
  Iotlb t(64);
  for (int pass = 0; pass < 2; ++pass)
    for (uint64_t a = 0; a < 256 * 1024; a += 4096) t.lookup(a);
  EXPECT_EQ(t.misses(), 64u);
  Iotlb w(64);
  for (int pass = 0; pass < 2; ++pass)
    for (uint64_t a = 0; a < 512 * 1024; a += 4096) w.lookup(a);
  EXPECT_EQ(w.hits(), 0u);
}

}  // namespace
}  // namespace irqlab::pcie
