// Measured points for `calibrate --against`: reading (file:line:column on bad input), the
// comparison, and the least-squares fit recovering known offsets exactly.
#include <gtest/gtest.h>

#include "measured_points.hpp"
#include "pcie_profile.hpp"

namespace irqlab::platform {
namespace {

std::string error_of(const std::string& file) {
  try {
    load_points(std::string(IRQLAB_TEST_DATA) + "/" + file);
  } catch (const pcie::ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(MeasuredPoints, ShippedDataLoadsWithItsSource) {
  const auto pts = load_points(IRQLAB_SHIPPED_POINTS);
  ASSERT_EQ(pts.size(), 30u);
  EXPECT_EQ(pts.front().quantity, "dma_read_ns");
  EXPECT_EQ(pts.front().size, 4u);
  EXPECT_EQ(pts.front().value, 533.0);
  EXPECT_NE(pts.front().source.find("pcie-bench"), std::string::npos);
  EXPECT_EQ(pts.front().line, 13);  // after 11 comment lines and the header
}

TEST(MeasuredPoints, BadInputNamesFileLineAndColumn) {
  EXPECT_NE(error_of("bad_value.points.csv")
                .find("bad_value.points.csv:3: column 'size': expected a positive number"),
            std::string::npos);
  EXPECT_NE(error_of("bad_quantity.points.csv")
                .find("bad_quantity.points.csv:4: column 'quantity': unknown "
                      "'dma_reed_ns'"),
            std::string::npos);
  EXPECT_NE(error_of("bad_header.points.csv").find("bad_header.points.csv:1: expected the header"),
            std::string::npos);
  EXPECT_NE(error_of("bad_quote.points.csv").find("malformed CSV"), std::string::npos);
  EXPECT_NE(error_of("missing.points.csv").find("not a readable regular file"), std::string::npos);
  EXPECT_NE(error_of("").find("not a readable regular file"), std::string::npos);  // a directory
}

// Measurements made from a model with known errors: the fit must return exactly them.
TEST(MeasuredPoints, FitRecoversKnownOffsets) {
  std::vector<MeasuredPoint> pts;
  for (uint32_t size : {4u, 64u, 256u, 1024u, 2048u}) {
    pts.push_back({"dma_read_ns", size, 500.0 + 20.0 * double(lines_of(size)), "synthetic", 0});
    pts.push_back({"dma_write_read_ns", size, 700.0 + 20.0 * double(lines_of(size)), "synthetic", 0});
  }
  // The model is 37 ns short, 2.5 ns per line too fast, and its writes 55 ns too quick.
  const Comparison c = compare(pts, [](const std::string& q, uint32_t size) -> std::optional<double> {
    const double base = 463.0 + 17.5 * double(lines_of(size));
    return q == "dma_read_ns" ? base : base + 145.0;
  });
  EXPECT_GT(c.worst, 0.05);
  const LineFit f = fit_read_latency(c);
  EXPECT_NEAR(f.constant_ns, 37.0, 1e-9);
  EXPECT_NEAR(f.per_line_ns, 2.5, 1e-9);
  EXPECT_NEAR(f.write_ns, 55.0, 1e-9);
  EXPECT_TRUE(f.has_write);
  EXPECT_EQ(f.points, 10u);
}

TEST(MeasuredPoints, FitNeedsTwoLineCounts) {
  std::vector<MeasuredPoint> pts{{"dma_read_ns", 4, 500, "s", 0}, {"dma_read_ns", 8, 510, "s", 0}};
  const Comparison c = compare(pts, [](const std::string&, uint32_t) { return std::optional<double>(450); });
  EXPECT_THROW(fit_read_latency(c), pcie::ConfigError);
}

}  // namespace
}  // namespace irqlab::platform
