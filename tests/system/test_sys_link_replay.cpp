// Data Link Layer retry (PCIe Base spec 3.6): a TLP with a bad LCRC is NAKed and replayed.
// Three links carry the same six posted writes: a clean one, one corrupting every second
// TLP with replay, and a broken one that loses them. Replay keeps everything and the order
// and adds at least the NAK round trip; the broken link loses exactly the corrupted ones.
#include <gtest/gtest.h>

#include <vector>

#include "link_direction.hpp"

namespace irqlab::pcie {
namespace {

class Driver : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Driver);
  Driver(sc_core::sc_module_name n, std::vector<LinkDirection*> links)
      : sc_core::sc_module(n), links_(std::move(links)) {
    SC_THREAD(run);
  }

 private:
  void run() {
    for (uint16_t tag = 1; tag <= 6; ++tag) {
      for (auto* l : links_) {
        Tlp x;
        x.type = TlpType::kMWr;
        x.tag = tag;
        x.length = 256;
        x.addr = 0x1000;
        x.data.assign(256, 0);
        x.key = {0, 1, tag};
        l->send(x);
      }
    }
    wait(sc_core::sc_time(20, sc_core::SC_US));
    sc_core::sc_stop();
  }
  std::vector<LinkDirection*> links_;
};

struct Arrivals {
  std::vector<uint16_t> tags;
  std::vector<uint64_t> at;
  void hook(LinkDirection& l) {
    l.set_receiver([this](const Tlp& t) {
      tags.push_back(t.tag);
      at.push_back(now_ps());
    });
  }
};

TEST(LinkReplay, NakAndReplayKeepEverythingInOrder) {
  PcieProfile p;
  p.gen = 3;
  p.width = 8;
  LinkTiming timing(p);
  LinkDirection clean("clean", timing, 1), replay("replay", timing, 1), broken("broken", timing, 1);
  replay.corrupt_every(2, true);
  broken.corrupt_every(2, false);
  Arrivals a_clean, a_replay, a_broken;
  a_clean.hook(clean);
  a_replay.hook(replay);
  a_broken.hook(broken);
  Driver d("driver", {&clean, &replay, &broken});
  sc_core::sc_start();

  const std::vector<uint16_t> all{1, 2, 3, 4, 5, 6};
  EXPECT_EQ(a_clean.tags, all);
  EXPECT_EQ(a_replay.tags, all) << "replay loses nothing and keeps the order";
  EXPECT_EQ(replay.stats().corrupted, 3u);
  EXPECT_EQ(replay.stats().replays, 3u);
  EXPECT_EQ(replay.stats().lost, 0u);
  // Tag 2 was corrupted: it arrives at least a NAK round trip (two hops) later than clean.
  EXPECT_GE(a_replay.at[1], a_clean.at[1] + 2 * p.phy_latency_ps);
  EXPECT_GT(replay.stats().replay_ps, 0u);
  EXPECT_EQ(a_broken.tags, (std::vector<uint16_t>{1, 3, 5})) << "the broken link loses every corrupted TLP";
  EXPECT_EQ(broken.stats().lost, 3u);
  EXPECT_EQ(broken.stats().replays, 0u);
}

}  // namespace
}  // namespace irqlab::pcie
