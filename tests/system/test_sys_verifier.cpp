// Each rule of the verifier has a deliberately broken driver that trips it, and the
// correct driver trips none. IRQLAB_DRIVER_FAULT names the defect, IRQLAB_EXPECT_RULE the
// check that must fail ("none": every check must pass).
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

#include "report.hpp"
#include "run_model.hpp"
#include "scenario.hpp"

namespace irqlab::run {
namespace {

TEST(Verifier, BrokenDriverTripsItsRule) {
  const char* fault = std::getenv("IRQLAB_DRIVER_FAULT");
  const char* expect = std::getenv("IRQLAB_EXPECT_RULE");
  ASSERT_TRUE(fault && expect) << "set IRQLAB_DRIVER_FAULT and IRQLAB_EXPECT_RULE";
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
  const RunResult r = run_scenario(opt);
  const Report rep = analyse(r);
  std::cout << "driver fault " << fault << ": " << r.violations.size() << " violations, "
            << rep.latencies.size() << " interrupts traced" << std::endl;
  for (const auto& c : rep.checks) {
    if (!c.passed) std::cout << "  failed check " << c.name << ": " << c.detail << std::endl;
  }
  if (std::string(expect) == "none") {
    EXPECT_TRUE(rep.passed);
    EXPECT_GT(rep.latencies.size(), 500u);
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
