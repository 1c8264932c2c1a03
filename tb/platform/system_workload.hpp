// A seeded random load for the platform (a stand-in for dxgkrnl's scheduler until #4):
// each engine node gets DMA buffers with random gaps, durations and result sizes, now
// and then preempted or faulting; display heads raise vsync. And the check that every
// fence lands in host memory before the MSI that announces it is delivered.
#pragma once

#include <systemc>

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "platform.hpp"

namespace irqlab::platform {

struct WorkloadOptions {
  uint64_t seed = 1;
  uint64_t start_ps = 0;              ///< first submission (after bring-up)
  uint64_t until_ps = 2'000'000'000;  ///< no submission after this
  uint64_t mean_gap_ps = 6'000'000;
  uint64_t max_duration_ps = 20'000'000;
  uint32_t max_result_bytes = 16384;
  std::vector<double> head_hz = {60.0, 144.0};
};

class RandomWorkload : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(RandomWorkload);
  RandomWorkload(sc_core::sc_module_name name, Platform& p, const WorkloadOptions& opt);
  uint64_t submissions() const { return submissions_; }
  /// Submissions go out only after bring-up has enabled everything.
  void start() { started_.notify(sc_core::SC_ZERO_TIME); }

 private:
  void node_thread(unsigned node);
  Platform& p_;
  WorkloadOptions opt_;
  std::vector<std::unique_ptr<gpu::DisplayHead>> heads_;
  sc_core::sc_event started_;
  uint64_t submissions_ = 0;
};

/// Records fence landings and MSI deliveries; checks the ordering afterwards.
class OrderChecker {
 public:
  explicit OrderChecker(Platform& p);
  struct Report {
    uint64_t msis_delivered = 0;
    uint64_t msis_checked = 0;
    uint64_t violations = 0;
    std::string first_violation;
  };
  Report check() const;

 private:
  Platform& p_;
  std::map<std::pair<unsigned, uint64_t>, uint64_t> landed_;  // (node, fence) -> time
  struct Delivery {
    unsigned vector;
    uint64_t at_ps;
  };
  std::vector<Delivery> deliveries_;
};

}  // namespace irqlab::platform
