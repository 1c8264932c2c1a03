// Line-based mode: MSI-X off, the GPU's INTA# shares an IOAPIC line with a second device.
// Our ISR is asked first for every interrupt on the line and must decline (return FALSE
// at once) those that are not ours; neither device may lose an interrupt. With
// IRQLAB_DRIVER_FAULT=claims-foreign-interrupts the driver claims the other device's
// interrupts, and the run must fail.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

#include "report.hpp"
#include "run_model.hpp"
#include "scenario.hpp"
#include "system.hpp"

namespace irqlab::run {
namespace {

TEST(Intx, SharedLineNothingLostAndForeignInterruptsDeclined) {
  const char* fault = std::getenv("IRQLAB_DRIVER_FAULT");
  RunOptions opt;
  opt.scenario = parse_scenario(R"(name: intx
duration_ms: 10
interrupt_mode: intx
shared_line: {rate_hz: 20000, isr_us: {dist: fixed, value: 1}}
engines: {nodes: 4, mean_gap_us: 30}
display: {heads_hz: [240, 144]}
)",
                                "intx");
  if (fault) opt.scenario.driver_fault = fault;
  System sys(opt);
  sys.run();
  const RunResult& r = sys.result();
  const Report rep = analyse(r);
  std::cout << "peer raised " << r.peer_raised << ", serviced " << r.peer_serviced << "; our ISR declined "
            << r.isrs_declined << "; " << rep.traced() << " GPU interrupts traced" << std::endl;
  if (fault && std::string(fault) == "claims-foreign-interrupts") {
    EXPECT_FALSE(rep.passed);
    bool starved_check_failed = false;
    for (const auto& c : rep.checks)
      starved_check_failed |= c.name == "shared-line-nothing-lost" && !c.passed;
    EXPECT_TRUE(starved_check_failed) << "claiming foreign interrupts starves the other device";
    EXPECT_GT(r.peer_max_wait_ps, 1'000'000'000u);
    return;
  }
  EXPECT_TRUE(rep.passed);
  EXPECT_EQ(r.msi_count, 0u) << "MSI-X stays disabled";
  EXPECT_GT(r.peer_raised, 100u);
  EXPECT_EQ(r.peer_serviced, r.peer_raised) << "no interrupt of the other device is lost";
  EXPECT_LT(r.peer_max_wait_ps, 50'000'000u) << "and each is serviced within microseconds";
  EXPECT_GT(r.isrs_declined, 10u) << "our ISR was asked about foreign interrupts";
  EXPECT_GT(rep.traced(), 200u);
  EXPECT_LT(r.declined_max_ps, 1'500'000u) << "declining costs one register read, not more";
  EXPECT_GT(r.declined_max_ps, 0u);
}

}  // namespace
}  // namespace irqlab::run
