// Narrow identifiers wrap safely: PCIe tags are reused modulo their 8-bit field, skipping
// tags still outstanding; 32-bit fence IDs keep their order across 0xFFFFFFFF -> 0.
#include <gtest/gtest.h>

#include <set>

#include "fence_id.hpp"
#include "tag_pool.hpp"

namespace irqlab {
namespace {

TEST(TagPool, WrapsModuloItsWidthAndSkipsOutstandingTags) {
  pcie::TagPool p(8);
  const uint16_t held = *p.acquire();  // tag 0 stays outstanding through every wrap
  EXPECT_EQ(held, 0u);
  for (int i = 0; i < 100'000; ++i) {
    const auto t = p.acquire();
    ASSERT_TRUE(t.has_value());
    ASSERT_NE(*t, held) << "a tag in use is never handed out again";
    ASSERT_LT(*t, 256u);
    p.release(*t);
  }
  EXPECT_EQ(p.handed_out(), 100'001u) << "the count of requests does not wrap with the field";
  EXPECT_EQ(p.outstanding(), 1u);
}

TEST(TagPool, ExhaustedPoolMakesTheRequesterWait) {
  pcie::TagPool p(8);
  std::set<uint16_t> seen;
  for (int i = 0; i < 256; ++i) seen.insert(*p.acquire());
  EXPECT_EQ(seen.size(), 256u);
  EXPECT_FALSE(p.acquire().has_value()) << "no free tag: the request must wait";
  p.release(17);
  EXPECT_EQ(p.acquire().value_or(999), 17u);
}

TEST(FenceId, OrderSurvivesTheWrap) {
  using dxgkrnl::extend_fence;
  using dxgkrnl::fence_after;
  const uint64_t last = 0xFFFF'FFFEull;
  EXPECT_EQ(extend_fence(0xFFFF'FFF0u, last), 0xFFFF'FFF0ull);
  EXPECT_EQ(extend_fence(3u, last + 10), 0x1'0000'0003ull) << "after the wrap, 3 is 2^32 + 3";
  EXPECT_TRUE(fence_after(2u, 0xFFFF'FFFFu));
  EXPECT_FALSE(fence_after(0xFFFF'FFFFu, 2u));
  EXPECT_EQ(extend_fence(5u, 0x2'0000'0001ull), 0x2'0000'0005ull);
}

}  // namespace
}  // namespace irqlab
