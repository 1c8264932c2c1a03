// `irqlab calibrate`: the JSON it prints, the shipped profile against the shipped
// pcie-bench data, link bandwidth against pcie-model's formula, a wrong profile failing
// --against, the fit reproducing the shipped fitted profile, and the host-side options
// (IOMMU, DRAM, remote socket) adding what the profile says.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace {

const std::string kData = IRQLAB_SOURCE "/data/calibration/pciebench_xeon_e5_gen3x8.csv";

struct Calibration {
  int exit = -1;
  nlohmann::json out;
};

Calibration calibrate(const std::string& args) {
  const std::string cmd = std::string(IRQLAB_EXE) + " calibrate --json " + args + " 2>/dev/null";
  FILE* f = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (f && fgets(buf, sizeof buf, f)) out += buf;
  const int st = f ? pclose(f) : -1;
  Calibration r;
  r.exit = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.out = nlohmann::json::parse(out, nullptr, false);  // stdout must be exactly one document
  EXPECT_FALSE(r.out.is_discarded()) << cmd << "\n" << out;
  return r;
}

TEST(Calibrate, JsonShapeAndPhysicalTrends) {
  const auto g3 = calibrate("--profile gen3x8").out;
  for (const char* k : {"profile", "gen", "width", "mps", "mrrs", "link", "mmio_read_ns", "dma_read_ns",
                        "dma_write_ns", "dma_write_read_ns", "dma_write_gbps", "formula_write_gbps"}) {
    EXPECT_TRUE(g3.contains(k)) << k;
  }
  EXPECT_EQ(g3["profile"], "gen3x8");
  double last = 0;
  for (const char* s : {"4", "64", "256", "1024", "2048"}) {
    const double v = g3["dma_read_ns"][s];
    EXPECT_GE(v, last) << s;
    last = v;
  }
  const double raw = 8.0 * 8.0 * 128.0 / 130.0;
  EXPECT_LT(g3["dma_write_gbps"]["1500"].get<double>(), raw);
  EXPECT_LT(g3["dma_write_gbps"]["64"].get<double>(), g3["dma_write_gbps"]["256"].get<double>());
  const auto g5 = calibrate("--profile gen5x16").out;
  EXPECT_GT(g5["dma_write_gbps"]["256"].get<double>(), 4 * g3["dma_write_gbps"]["256"].get<double>());
  EXPECT_LT(g5["dma_read_ns"]["2048"].get<double>(), g3["dma_read_ns"]["2048"].get<double>());
}

TEST(Calibrate, ShippedProfileWithinTenPercentOfPcieBenchAtEverySize) {
  const Calibration r = calibrate("--profile gen3x8 --against " + kData + " --tolerance 0.10");
  EXPECT_EQ(r.exit, 0);
  const auto& pts = r.out["comparison"]["points"];
  ASSERT_EQ(pts.size(), 30u);
  for (const auto& p : pts) EXPECT_LE(std::abs(p["error"].get<double>()), 0.10) << p.dump();
  EXPECT_TRUE(r.out["comparison"]["pass"].get<bool>());
}

TEST(Calibrate, WrongProfileFailsAgainst) {
  const Calibration r = calibrate(
      "--profiles-file " IRQLAB_TEST_DATA "/wrong_host.profiles.yaml --profile gen3x8 --against " + kData);
  EXPECT_EQ(r.exit, 1);
  EXPECT_FALSE(r.out["comparison"]["pass"].get<bool>());
  EXPECT_GT(r.out["comparison"]["worst_error"].get<double>(), 0.10);
}

TEST(Calibrate, BandwidthWithinTwoPercentOfTheFormula) {
  for (const char* profile : {"gen3x8", "gen4x16"}) {
    for (const char* mps : {"128", "256", "512"}) {
      const auto j = calibrate(std::string("--profile ") + profile + " --mps " + mps).out;
      ASSERT_EQ(j["mps"].get<int>(), std::stoi(mps));
      for (const char* key : {"dma_write_gbps", "dma_write64_gbps"}) {
        const std::string formula = key[9] == '6' ? "formula_write64_gbps" : "formula_write_gbps";
        for (const auto& [size, v] : j[key].items()) {
          const double f = j[formula][size];
          EXPECT_NEAR(v.get<double>() / f, 1.0, 0.02)
              << profile << " MPS " << mps << " " << key << " " << size;
        }
      }
    }
  }
}

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// The fit from the default profile lands on the shipped fitted profile (the defaults are
// that fit), and the fitted profile passes --against.
TEST(Calibrate, FitReproducesTheShippedProfile) {
  const std::string out = std::string(IRQLAB_BINARY_DIR) + "/fit_check.yaml";
  const Calibration r = calibrate("--profile gen3x8 --against " + kData + " --fit --fit-out " + out);
  EXPECT_EQ(r.exit, 0);
  EXPECT_TRUE(r.out["after"]["comparison"]["pass"].get<bool>());
  EXPECT_EQ(slurp(out), slurp(IRQLAB_SOURCE "/data/calibration/pciebench_xeon_e5_gen3x8.fit.yaml"))
      << "config/pcie_profiles.yaml and the shipped fit disagree: rerun the fit (docs/timing.md)";
}

// Host options add the parts pcie-bench measured: an IOTLB miss on the first read of a
// page (hit later), DRAM instead of the LLC, the remote socket's DRAM.
TEST(Calibrate, HostOptionsAddTheirParts) {
  const std::string file = "--profiles-file " IRQLAB_TEST_DATA "/iommu_dram_remote.profiles.yaml --profile ";
  const auto base = calibrate(file + "base").out["dma_read_ns"];
  const auto iommu = calibrate(file + "iommu").out["dma_read_ns"];
  const auto dram = calibrate(file + "dram").out["dma_read_ns"];
  const auto remote = calibrate(file + "remote").out["dma_read_ns"];
  EXPECT_NEAR(iommu["4"].get<double>() - base["4"].get<double>(), 270.0, 0.01);  // first touch: a miss
  EXPECT_NEAR(iommu["64"].get<double>(), base["64"].get<double>(), 0.01);        // then hits
  EXPECT_NEAR(dram["64"].get<double>() - base["64"].get<double>(), 40.0, 0.01);
  EXPECT_NEAR(remote["64"].get<double>() - dram["64"].get<double>(), 53.0, 0.01);
}

TEST(Calibrate, BadPointsFileExitsTwo) {
  const std::string cmd = std::string(IRQLAB_EXE) + " calibrate --against " IRQLAB_TEST_DATA
                                                    "/bad_value.points.csv 2>&1 >/dev/null";
  FILE* f = popen(cmd.c_str(), "r");
  std::string err;
  char buf[512];
  while (f && fgets(buf, sizeof buf, f)) err += buf;
  const int st = pclose(f);
  EXPECT_EQ(WEXITSTATUS(st), 2);
  EXPECT_NE(err.find("bad_value.points.csv:3: column 'size'"), std::string::npos) << err;
}

}  // namespace
