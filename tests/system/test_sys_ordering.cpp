// Every fence an engine writes lands in host memory before the MSI that announces it is
// delivered, across link profiles, random link parameters and random traffic; with the
// debug knob that lets MSIs bypass the posted queue, the same check must fail.
#include <gtest/gtest.h>

#include <iostream>

#include "system_run.hpp"

namespace irqlab::platform {
namespace {

TEST(FenceBeforeMsi, PostedOrderingHoldsOrBypassBreaksIt) {
  const SystemRunOptions o = options_from_environment();
  std::cout << "seed " << o.seed << ", profile " << (o.random_profile ? "random" : o.profile)
            << (o.msi_bypass ? ", MSI bypass ON" : "") << std::endl;
  const SystemRunResult r = run_system(o);
  std::cout << "link: gen" << r.profile.gen << " x" << r.profile.width << " MPS " << r.profile.mps << "; "
            << r.order.msis_checked << " MSIs checked" << std::endl;
  EXPECT_GT(r.order.msis_checked, 100u) << "the workload must exercise the rule";
  if (o.msi_bypass) {
    EXPECT_GT(r.order.violations, 0u) << "MSIs that skip the posted queue must overtake some fence";
  } else {
    EXPECT_EQ(r.order.violations, 0u) << r.order.first_violation;
  }
}

}  // namespace
}  // namespace irqlab::platform
