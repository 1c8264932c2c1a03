// Link timing from first principles and profile loading, without SystemC.
#include <gtest/gtest.h>

#include "link_timing.hpp"
#include "pcie_profile.hpp"

namespace irqlab::pcie {
namespace {

PcieProfile profile(unsigned gen, unsigned width) {
  PcieProfile p;
  p.gen = gen;
  p.width = width;
  return p;
}

TEST(LinkTiming, RatesFollowGenerationEncodingAndWidth) {
  EXPECT_DOUBLE_EQ(LinkTiming(profile(1, 1)).raw_gbps(), 2.0);       // 2.5 GT/s, 8b/10b
  EXPECT_DOUBLE_EQ(LinkTiming(profile(2, 4)).raw_gbps(), 16.0);      // 5 GT/s x4
  EXPECT_NEAR(LinkTiming(profile(3, 8)).raw_gbps(), 63.015, 0.001);  // 8 GT/s 128b/130b x8
  EXPECT_NEAR(LinkTiming(profile(5, 16)).raw_gbps(), 504.123, 0.001);
}

TEST(LinkTiming, WireBytesCountFramingHeaderAndPayload) {
  const LinkTiming t(profile(3, 8));
  Tlp w;
  w.type = TlpType::kMWr;
  w.addr = 0x1000;  // 32-bit address: 12-byte header
  w.length = 256;
  EXPECT_DOUBLE_EQ(t.wire_bytes(w), 8 + 12 + 256);
  w.addr = 0x1'0000'0000ull;  // 64-bit: 16-byte header
  EXPECT_DOUBLE_EQ(t.wire_bytes(w), 8 + 16 + 256);
  w.length = 5;  // payload in whole dwords
  EXPECT_DOUBLE_EQ(t.wire_bytes(w), 8 + 16 + 8);
  Tlp rd;
  rd.type = TlpType::kMRd;
  rd.length = 4096;  // a read request carries no payload
  EXPECT_DOUBLE_EQ(t.wire_bytes(rd), 8 + 12);
}

// pcie-model (Neugebauer et al., SIGCOMM 2018): the TLP bandwidth is the encoded rate
// less one 8-byte Ack and one 8-byte UpdateFC per the spec's interval for the width and
// MPS (Gen3 x8: 203 symbols at MPS 256, 182 at 512; Gen1 x1 MPS 128: 237) and 4 of every
// 1538 symbols for SKP ordered sets. The numbers below are worked by hand.
TEST(LinkTiming, DllpShareFollowsTheSpecTablesByWidthAndMps) {
  PcieProfile p = profile(3, 8);
  p.mps = 256;
  const LinkTiming g3(p);
  EXPECT_NEAR(g3.dllp_share(), 16.0 / 203 + 4.0 / 1538, 1e-12);
  EXPECT_NEAR(g3.tlp_gbps(), 57.885, 0.001);
  // 276 bytes (256 B payload, 32-bit address) at 57.885 Gb/s = 38.14 ns, rounded up.
  Tlp w;
  w.type = TlpType::kMWr;
  w.addr = 0x1000;
  w.length = 256;
  EXPECT_NEAR(double(g3.serialize_ps(w)), 276 * 8 / 57.8852 * 1000, 2.0);
  EXPECT_NEAR(g3.formula_write_gbps(256, true), 256 * 57.8852 / 280, 0.001);  // 52.92
  EXPECT_NEAR(g3.formula_write_gbps(1500, false), 1500 * 57.8852 / (6 * 20 + 1500), 0.001);
  p.mps = 512;
  EXPECT_NEAR(LinkTiming(p).dllp_share(), 16.0 / 182 + 4.0 / 1538, 1e-12);
  PcieProfile g1 = profile(1, 1);
  g1.mps = 128;
  EXPECT_NEAR(LinkTiming(g1).dllp_share(), 16.0 / 237 + 4.0 / 1538, 1e-12);
  PcieProfile g4 = profile(4, 16);
  g4.mps = 4096;
  EXPECT_NEAR(LinkTiming(g4).dllp_share(), 16.0 / 630 + 4.0 / 1538, 1e-12);
}

TEST(PcieProfile, ShippedProfilesLoad) {
  const auto all = load_profiles(default_profile_path());
  ASSERT_TRUE(all.count("gen3x8") && all.count("gen4x16") && all.count("gen5x16"));
  EXPECT_EQ(all.at("gen3x8").gen, 3u);
  EXPECT_EQ(all.at("gen3x8").width, 8u);
  EXPECT_EQ(all.at("gen5x16").mps, 512u);
  EXPECT_EQ(all.at("gen4x16").lapic_latency_ps, 120'000u);
  EXPECT_EQ(all.at("gen4x16").gpu_period_ps, 625u);
}

TEST(PcieProfile, BadValuesNameFileLineAndKey) {
  const std::string dir = IRQLAB_TEST_DATA;
  auto message = [&](const std::string& file) {
    try {
      load_profiles(dir + "/" + file);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("bad_width.profiles.yaml"),
            dir + "/bad_width.profiles.yaml:5: key 'width': must be 1, 2, 4, 8 or 16");
  EXPECT_EQ(message("bad_key.profiles.yaml"), dir + "/bad_key.profiles.yaml:4: key 'lanes': unknown key");
  EXPECT_NE(message("bad_gen.profiles.yaml").find("bad_gen.profiles.yaml:4: key 'gen': value 7 out of range"),
            std::string::npos);
  EXPECT_NE(message("missing.profiles.yaml").find("cannot read"), std::string::npos);
  EXPECT_THROW(load_profile(default_profile_path(), "gen9x1"), ConfigError);
}

}  // namespace
}  // namespace irqlab::pcie
