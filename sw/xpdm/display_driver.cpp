#include "display_driver.hpp"

#include <string>

#include "irq_ctrl_regs.hpp"

namespace irqlab::xpdm {

namespace regs = irqlab::regs::irq_ctrl;

DisplayDriver::DisplayDriver(XpdmMiniport& mp, unsigned num_nodes, const DisplayLoad& load,
                             std::function<uint32_t(uint32_t)> read_register)
    : mp_(mp), load_(load), read_register_(std::move(read_register)) {
  for (unsigned n = 0; n < num_nodes; ++n) {
    nodes_.push_back(std::make_unique<Node>());
    nodes_.back()->next_fence = load.first_fence;
    nodes_.back()->completed = load.first_fence - 1;
    nodes_.back()->rng.seed(load.seed * 7919 + n);
  }
}

void DisplayDriver::start() {
  for (unsigned n = 0; n < nodes_.size(); ++n)
    sc_core::sc_spawn([this, n] { submitter(n); }, ("xpdm_display_node" + std::to_string(n)).c_str());
}

void DisplayDriver::submitter(unsigned n) {
  Node& node = *nodes_[n];
  std::exponential_distribution<double> gap(1.0 / load_.mean_gap_us);
  std::uniform_real_distribution<double> duration(load_.min_duration_us, load_.max_duration_us);
  std::uniform_int_distribution<uint32_t> bytes(0, load_.max_result_bytes);
  const auto now_ps = [] { return static_cast<uint64_t>(sc_core::sc_time_stamp().value()); };
  for (;;) {
    const double g = gap(node.rng);
    sc_core::wait(sc_core::sc_time::from_value(static_cast<uint64_t>(g * 1e6)));
    if (now_ps() >= load_.end_ps) return;
    while (in_flight(node) >= load_.max_in_flight) sc_core::wait(node.slot_freed);
    if (now_ps() >= load_.end_ps) return;
    // The display driver's own register access (capabilities; the faulty one reads the
    // interrupt status the ISR owns).
    if (submitted_ % 16 == 0)
      read_register_(mp_.fault() == XpdmFault::kDisplayReadsStatus ? regs::INTR_STATUS::kOffset
                                                                   : regs::HWCFG::kOffset);
    mp_.submit(n, node.next_fence++, static_cast<uint64_t>(duration(node.rng) * 1e6), bytes(node.rng));
    ++submitted_;
  }
}

void DisplayDriver::completed(const CompletedWork& w) {
  for (unsigned n = 0; n < nodes_.size(); ++n) {
    if (!(w.nodes >> n & 1)) continue;
    Node& node = *nodes_[n];
    // Fences wrap at 2^32: a report is newer by signed distance.
    if (static_cast<int32_t>(w.fence[n] - node.completed) <= 0) continue;
    retired_ += w.fence[n] - node.completed;
    node.completed = w.fence[n];
    node.slot_freed.notify(sc_core::SC_ZERO_TIME);
  }
}

bool DisplayDriver::idle() const {
  for (const auto& n : nodes_) {
    if (in_flight(*n) != 0) return false;
  }
  return true;
}

}  // namespace irqlab::xpdm
