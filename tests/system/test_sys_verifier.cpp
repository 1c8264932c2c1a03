// Each rule of the verifier has a deliberately broken driver that trips it, and the
// correct driver trips none. IRQLAB_DRIVER_FAULT names the defect; the check it must trip
// comes from verifier_pairs.hpp ("none": every check must pass). With
// IRQLAB_COMPLETENESS=1 the correct driver's verdict is compared with the pairs: every
// check must have a test that trips it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

#include "fault_checks.hpp"
#include "report.hpp"
#include "run_model.hpp"
#include "scenario.hpp"
#include "system.hpp"
#include "verifier_pairs.hpp"

namespace irqlab::run {
namespace {

TEST(Verifier, BrokenDriverTripsItsRule) {
  const char* fault = std::getenv("IRQLAB_DRIVER_FAULT");
  ASSERT_TRUE(fault) << "set IRQLAB_DRIVER_FAULT";
  const char* expect = std::string(fault) == "none" ? "none" : nullptr;
  for (const auto& p : test::kDriverPairs) {
    if (std::string(fault) == p.fault) expect = p.check;
  }
  ASSERT_TRUE(expect) << "no pair in verifier_pairs.hpp for fault " << fault;
  RunOptions opt;
  // Steady engines and fast vsync, so DMA and CRTC sources often meet in one ISR while
  // the CPU still has time for DPCs.
  opt.scenario = parse_scenario(R"(name: verifier
duration_ms: 12
engines: {nodes: 4, mean_gap_us: 15, duration_us: [1, 6]}
display: {heads_hz: [1000, 900]}
)",
                                "verifier");
  opt.scenario.driver_fault = fault;
  System sys(opt);
  sys.run();
  const RunResult& r = sys.result();
  const Report rep = analyse(r);
  std::cout << "driver fault " << fault << ": " << r.violations.size() << " violations, " << rep.traced()
            << " interrupts traced" << std::endl;
  for (const auto& c : rep.checks) {
    if (!c.passed) std::cout << "  failed check " << c.name << ": " << c.detail << std::endl;
  }
  if (std::string(expect) == "none") {
    EXPECT_TRUE(rep.passed);
    EXPECT_GT(rep.traced(), 500u);
    if (std::getenv("IRQLAB_COMPLETENESS")) {
      for (const auto& c : rep.checks) {
        bool paired = false;
        for (const auto& p : test::kDriverPairs) paired |= c.name == p.check;
        for (const auto& p : test::kTrippedElsewhere) paired |= c.name == p.check;
        EXPECT_TRUE(paired) << "check " << c.name << " has no broken driver or test that trips it";
      }
      for (const char* name : kFaultCheckNames) {  // only fault runs have these
        bool paired = false;
        for (const auto& p : test::kTrippedElsewhere) paired |= std::string(name) == p.check;
        EXPECT_TRUE(paired) << "check " << name << " has no test that trips it";
      }
    }
    return;
  }
  bool found = false;
  for (const auto& c : rep.checks) {
    if (c.name == expect) {
      found = true;
      EXPECT_FALSE(c.passed) << "the broken driver went unnoticed";
    }
  }
  EXPECT_TRUE(found) << "no check named " << expect;
  EXPECT_FALSE(rep.passed) << "a failed check fails the run";
  for (const auto& v : r.violations) {
    if (v.rule == expect) {
      EXPECT_GT(v.t_ps, 0u) << "violations carry their time";
      break;
    }
  }
}

}  // namespace
}  // namespace irqlab::run
