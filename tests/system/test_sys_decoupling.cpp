// Temporal decoupling and idle skipping change speed, never results: the same scenario
// with skipping on and off and several quanta gives identical per-event cycle stamps
// (and the C++ reference model in the RTL's place gives the same too).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

namespace {

struct SysRun {
  std::string events;
  uint64_t stepped = 0, skipped = 0;
};

SysRun sysrun(const std::string& args, const std::string& tag) {
  const std::string events = std::string(IRQLAB_TEST_OUT) + "/decoupling_" + tag + ".txt";
  const std::string cmd = std::string(IRQLAB_SYSRUN) + " --sim-us 1500 --seed 21 " + args + " --events " +
                          events + " 2>/dev/null";
  FILE* f = popen(cmd.c_str(), "r");
  EXPECT_NE(f, nullptr);
  std::string out;
  char buf[512];
  while (f && fgets(buf, sizeof buf, f)) out += buf;
  EXPECT_EQ(f ? pclose(f) : -1, 0) << cmd << "\n" << out;
  SysRun r;
  std::smatch m;
  if (std::regex_search(out, m, std::regex(R"((\d+) cycles stepped, (\d+) skipped)"))) {
    r.stepped = std::stoull(m[1]);
    r.skipped = std::stoull(m[2]);
  }
  std::ifstream in(events);
  std::stringstream ss;
  ss << in.rdbuf();
  r.events = ss.str();
  return r;
}

TEST(Decoupling, SkippingAndQuantaGiveIdenticalCycleStamps) {
  const SysRun base = sysrun("", "skip_q256");
  ASSERT_FALSE(base.events.empty());
  EXPECT_GT(base.skipped, 10 * base.stepped) << "idle skipping must actually skip";
  const SysRun noskip = sysrun("--no-skip", "noskip");
  EXPECT_EQ(noskip.skipped, 0u);
  // An idle controller is not advanced past its last event, so it may end behind.
  EXPECT_LE(base.stepped + base.skipped, noskip.stepped);
  EXPECT_GT(noskip.stepped, base.stepped);
  EXPECT_EQ(noskip.events, base.events);
  for (const char* q : {"1", "7", "64", "100000"}) {
    EXPECT_EQ(sysrun(std::string("--quantum ") + q, std::string("q") + q).events, base.events)
        << "quantum " << q;
  }
  EXPECT_EQ(sysrun("--no-skip --quantum 3", "noskip_q3").events, base.events);
  EXPECT_EQ(sysrun("--ref", "ref").events, base.events) << "reference model in the RTL's place";
}

}  // namespace
