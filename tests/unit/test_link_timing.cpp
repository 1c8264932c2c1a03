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

TEST(LinkTiming, WireBytesCountFramingHeaderPayloadAndDllps) {
  const LinkTiming t(profile(3, 8));  // Ack and UpdateFC every 4 TLPs: 2 + 2 bytes each
  Tlp w;
  w.type = TlpType::kMWr;
  w.addr = 0x1000;  // 32-bit address: 12-byte header
  w.length = 256;
  EXPECT_DOUBLE_EQ(t.wire_bytes(w), 8 + 12 + 256 + 4);
  w.addr = 0x1'0000'0000ull;  // 64-bit: 16-byte header
  EXPECT_DOUBLE_EQ(t.wire_bytes(w), 8 + 16 + 256 + 4);
  w.length = 5;  // payload in whole dwords
  EXPECT_DOUBLE_EQ(t.wire_bytes(w), 8 + 16 + 8 + 4);
  Tlp rd;
  rd.type = TlpType::kMRd;
  rd.length = 4096;  // a read request carries no payload
  EXPECT_DOUBLE_EQ(t.wire_bytes(rd), 8 + 12 + 4);
  // 280 bytes = 2240 bits at 63.015 Gb/s = 35.547 ns, rounded up to the ps.
  w.addr = 0x1000;
  w.length = 256;
  EXPECT_EQ(t.serialize_ps(w), 35'547u);
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
