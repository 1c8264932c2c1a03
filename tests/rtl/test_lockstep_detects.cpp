// The lockstep bench must be able to fail: each deliberate defect in the reference
// model is reported as a divergence with cycle, signal, both values and the seed.
#include <gtest/gtest.h>

#include "lockstep.hpp"

namespace irqlab::irqctrl {
namespace {

class LockstepDetects : public ::testing::TestWithParam<RefFault> {};

TEST_P(LockstepDetects, AlteredReferenceModelDiverges) {
  LockstepOptions opt;
  opt.seed = 11;
  opt.cycles = 1'000'000;
  opt.fault = GetParam();
  const LockstepResult r = run_lockstep(opt);
  ASSERT_TRUE(r.divergence.has_value()) << "a broken reference model went unnoticed";
  ASSERT_FALSE(r.divergence->mismatches.empty());
  const std::string report = format_divergence(r);
  EXPECT_NE(report.find("cycle " + std::to_string(r.divergence->cycle)), std::string::npos);
  EXPECT_NE(report.find("seed 11"), std::string::npos);
  EXPECT_NE(report.find(r.divergence->mismatches[0].signal), std::string::npos);
  EXPECT_NE(report.find("--seed 11"), std::string::npos) << "report says how to replay";

  // Replaying the seed reproduces the same divergence.
  const LockstepResult again = run_lockstep(opt);
  ASSERT_TRUE(again.divergence.has_value());
  EXPECT_EQ(again.divergence->cycle, r.divergence->cycle);
}

INSTANTIATE_TEST_SUITE_P(Faults, LockstepDetects,
                         ::testing::Values(RefFault::kModerationOffByOne, RefFault::kClearBeatsEvent,
                                           RefFault::kNoReplayOnUnmask));

TEST(Lockstep, Table2048MatchesAndExercisesEveryRule) {
  LockstepOptions opt;
  opt.seed = 5;
  opt.cycles = 300'000;
  opt.build = RtlBuild::kTable2048;
  const LockstepResult r = run_lockstep(opt);
  EXPECT_FALSE(r.divergence.has_value()) << format_divergence(r);
  EXPECT_EQ(r.cycles, opt.cycles);
  EXPECT_TRUE(uncovered(r.coverage).empty());
}

TEST(Lockstep, VcdBuildMatches) {
  LockstepOptions opt;
  opt.seed = 6;
  opt.cycles = 100'000;
  opt.build = RtlBuild::kDefaultVcd;
  const LockstepResult r = run_lockstep(opt);
  EXPECT_FALSE(r.divergence.has_value()) << format_divergence(r);
}

}  // namespace
}  // namespace irqlab::irqctrl
