// `calibrate --json` prints the documented object, and its figures follow the link:
// DMA read latency grows with size, write bandwidth stays under the raw link rate and
// grows with write size, and a faster link is faster.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

namespace {

nlohmann::json calibrate(const std::string& profile) {
  const std::string cmd = std::string(IRQLAB_CALIBRATE) + " --json --profile " + profile + " 2>/dev/null";
  FILE* f = popen(cmd.c_str(), "r");
  std::string out;
  char buf[512];
  while (f && fgets(buf, sizeof buf, f)) out += buf;
  EXPECT_EQ(f ? pclose(f) : -1, 0);
  const auto start = out.find('{');
  return nlohmann::json::parse(out.substr(start == std::string::npos ? 0 : start));
}

TEST(Calibrate, JsonShapeAndPhysicalTrends) {
  const auto g3 = calibrate("gen3x8");
  for (const char* k :
       {"profile", "gen", "width", "mps", "mrrs", "mmio_read_ns", "dma_read_ns", "dma_write_gbps"}) {
    EXPECT_TRUE(g3.contains(k)) << k;
  }
  EXPECT_EQ(g3["profile"], "gen3x8");
  EXPECT_EQ(g3["gen"], 3);
  EXPECT_EQ(g3["width"], 8);
  double last = 0;
  for (const char* s : {"4", "64", "256", "1024", "2048"}) {
    const double v = g3["dma_read_ns"][s];
    EXPECT_GE(v, last) << s;
    last = v;
  }
  EXPECT_GT(g3["dma_read_ns"]["4"].get<double>(), 100.0);  // a few hundred ns (pcie-bench)
  EXPECT_LT(g3["dma_read_ns"]["4"].get<double>(), 1000.0);
  const double raw = 8.0 * 8.0 * 128.0 / 130.0;
  EXPECT_LT(g3["dma_write_gbps"]["1500"].get<double>(), raw);
  EXPECT_LT(g3["dma_write_gbps"]["64"].get<double>(), g3["dma_write_gbps"]["256"].get<double>());
  const auto g5 = calibrate("gen5x16");
  EXPECT_GT(g5["dma_write_gbps"]["256"].get<double>(), 4 * g3["dma_write_gbps"]["256"].get<double>());
  EXPECT_LT(g5["dma_read_ns"]["2048"].get<double>(), g3["dma_read_ns"]["2048"].get<double>());
}

}  // namespace
