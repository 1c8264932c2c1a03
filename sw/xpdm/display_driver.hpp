// The XPDM display driver's side of the workload: per engine node a thread that submits
// DMA buffers through the miniport (the IOCTL path to HwVidStartIO) with random gaps and
// durations, at most `max_in_flight` outstanding, and retires them when the miniport's DPC
// reports their fences. It also reads the adapter's registers itself now and then (a
// display driver maps them with IOCTL_VIDEO_MAP_VIDEO_MEMORY): seed 004 says those must not
// include any register HwVidInterrupt touches; the run's check compares the two sets.
#pragma once

#include <systemc>

#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <vector>

#include "xpdm_miniport.hpp"

namespace irqlab::xpdm {

struct DisplayLoad {
  double mean_gap_us = 20;
  double min_duration_us = 2, max_duration_us = 40;
  uint32_t max_result_bytes = 8192;
  unsigned max_in_flight = 2;
  uint32_t first_fence = 1;  ///< the first fence each node submits (tests start near 2^32 to wrap)
  uint64_t end_ps = 0;       ///< no submission from then on
  uint64_t seed = 1;
};

class DisplayDriver {
 public:
  /// `read_register(offset)`: the display driver's own access to BAR0.
  DisplayDriver(XpdmMiniport& mp, unsigned num_nodes, const DisplayLoad& load,
                std::function<uint32_t(uint32_t)> read_register);
  void start();  ///< spawns the submitters (after the miniport is initialized)
  void completed(const CompletedWork& w);
  bool idle() const;
  uint64_t submitted() const { return submitted_; }
  uint64_t retired() const { return retired_; }

 private:
  struct Node {
    uint32_t next_fence = 1, completed = 0;
    sc_core::sc_event slot_freed;
    std::mt19937_64 rng;
  };
  void submitter(unsigned n);
  unsigned in_flight(const Node& n) const { return n.next_fence - 1 - n.completed; }

  XpdmMiniport& mp_;
  DisplayLoad load_;
  std::function<uint32_t(uint32_t)> read_register_;
  std::vector<std::unique_ptr<Node>> nodes_;
  uint64_t submitted_ = 0, retired_ = 0;
};

}  // namespace irqlab::xpdm
