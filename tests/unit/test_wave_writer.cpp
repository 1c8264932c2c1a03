// The waveform writer orders out-of-order changes, honours its window, writes valid FST
// (read back with GTKWave's fstapi reader) and VCD, and is byte-for-byte reproducible.
#include <gtest/gtest.h>
#include <gtkwave/fstapi.h>

#include <fstream>
#include <sstream>

#include "wave_writer.hpp"

namespace irqlab::waves {
namespace {

std::string slurp(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

void write_sample(const std::string& path, Format f, uint64_t start = 0, uint64_t end = UINT64_MAX) {
  WaveWriter w(path, f, start, end);
  const int a = w.add_var("top.block", "a", 1);
  const int b = w.add_var("top.block", "b", 16);
  const int c = w.add_var("top.other", "c", 64);
  w.change(300, b, 7);  // out of time order, as the decoupled controller reports
  w.change(100, a, 1);
  w.change(200, a, 0);
  w.change(200, c, 0xDEAD'BEEF'0000'0001ull);
  w.flush_before(250);
  w.change(400, a, 1);
  w.change(400, a, 1);  // repeated value: dropped
  w.close();
}

TEST(WaveWriter, VcdIsTimeOrderedAndWindowed) {
  const std::string p = std::string(IRQLAB_TEST_OUT) + "/sample.vcd";
  write_sample(p, Format::kVcd);
  const std::string v = slurp(p);
  EXPECT_NE(v.find("$scope module top $end\n$scope module block $end"), std::string::npos);
  const auto t100 = v.find("#100\n1!"), t200 = v.find("#200\n0!"),
             t300 = v.find("#300\nb0000000000000111 \""), t400 = v.find("#400\n1!");
  ASSERT_NE(t100, std::string::npos) << v;
  ASSERT_NE(t200, std::string::npos);
  ASSERT_NE(t300, std::string::npos);
  ASSERT_NE(t400, std::string::npos);
  EXPECT_TRUE(t100 < t200 && t200 < t300 && t300 < t400);
  // Window [250, 350): values before it appear at its start, nothing after it.
  write_sample(p, Format::kVcd, 250, 350);
  const std::string w = slurp(p);
  EXPECT_EQ(w.find("#100"), std::string::npos);
  EXPECT_NE(w.find("#250\n0!"), std::string::npos) << w;
  EXPECT_EQ(w.find("#400"), std::string::npos);
}

TEST(WaveWriter, FstReadsBackAndIsReproducible) {
  const std::string p1 = std::string(IRQLAB_TEST_OUT) + "/sample1.fst";
  const std::string p2 = std::string(IRQLAB_TEST_OUT) + "/sample2.fst";
  write_sample(p1, Format::kFst);
  write_sample(p2, Format::kFst);
  EXPECT_EQ(slurp(p1), slurp(p2)) << "no wall-clock date or other noise in the file";
  void* r = fstReaderOpen(p1.c_str());
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(fstReaderGetVarCount(r), 3u);
  EXPECT_LE(fstReaderGetStartTime(r), 100u);  // FST files begin at time 0
  EXPECT_EQ(fstReaderGetEndTime(r), 400u);
  EXPECT_EQ(fstReaderGetTimescale(r), -12);
  fstReaderClose(r);
}

TEST(WaveWriter, FormatNames) {
  EXPECT_EQ(parse_format("fst"), Format::kFst);
  EXPECT_EQ(parse_format("vcd"), Format::kVcd);
  EXPECT_EQ(parse_format("none"), Format::kNone);
  EXPECT_THROW(parse_format("lxt"), std::invalid_argument);
}

}  // namespace
}  // namespace irqlab::waves
