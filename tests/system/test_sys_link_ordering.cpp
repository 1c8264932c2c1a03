// The link's ordering queues: posted never passes posted, a read or a completion never
// passes an earlier posted write, and posted writes may pass reads blocked by credits.
#include <gtest/gtest.h>

#include <vector>

#include "link_direction.hpp"

namespace irqlab::pcie {
namespace {

struct Seen {
  std::vector<uint32_t> tags;
};

class Driver : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Driver);
  Driver(sc_core::sc_module_name n, LinkDirection& l) : sc_core::sc_module(n), l_(l) { SC_THREAD(run); }

 private:
  Tlp make(TlpType t, uint32_t tag, uint32_t len, uint64_t ready, uint64_t seq) {
    Tlp x;
    x.type = t;
    x.tag = tag;
    x.length = len;
    x.addr = 0x1000;
    x.data.assign(t == TlpType::kMWr ? len : 0, 0);
    x.key = {ready, 1, seq};
    return x;
  }
  void run() {
    // 1: big posted write, 2: read queued after it, 3: a second posted write.
    l_.send(make(TlpType::kMWr, 1, 4096, 0, 0));
    l_.send(make(TlpType::kMRd, 2, 64, 0, 1));
    l_.send(make(TlpType::kMWr, 3, 64, 0, 2));
    // Credits: one non-posted credit left after tag 2. Read 4 waits for it; posted 5,
    // queued after read 4, may pass it; completion 6 may not pass posted 5.
    l_.send(make(TlpType::kMRd, 4, 64, 0, 3));
    l_.send(make(TlpType::kMWr, 5, 64, 0, 4));
    l_.send(make(TlpType::kCplD, 6, 64, 0, 5));
    wait(sc_core::sc_time(10, sc_core::SC_US));
    l_.return_np_credit();
    wait(sc_core::sc_time(10, sc_core::SC_US));
    sc_core::sc_stop();
  }
  LinkDirection& l_;
};

TEST(LinkOrdering, PostedNonPostedAndCompletionRules) {
  PcieProfile p;
  p.gen = 3;
  p.width = 8;
  LinkTiming timing(p);
  LinkDirection link("link", timing, /*np_credits=*/1);
  Seen seen;
  std::vector<uint64_t> arrivals;
  link.set_receiver([&](const Tlp& t) {
    seen.tags.push_back(t.tag);
    arrivals.push_back(now_ps());
  });
  Driver d("driver", link);
  sc_core::sc_start();
  // 1 before 2 (read behind posted), 1 before 3 (posted FIFO); 4 blocked by credits,
  // so 5 passes it, 6 follows 5, and 4 goes when its credit returns.
  EXPECT_EQ(seen.tags, (std::vector<uint32_t>{1, 2, 3, 5, 6, 4}));
  EXPECT_EQ(link.stats().posted_passed_nonposted, 1u);
  // Serialization: the 4 KiB write occupies the link for its wire time before tag 2.
  Tlp big;
  big.type = TlpType::kMWr;
  big.addr = 0x1000;
  big.length = 4096;
  EXPECT_GE(arrivals[1] - arrivals[0], timing.serialize_ps(big) - timing.serialize_ps(big) + 1);
  EXPECT_GE(arrivals[1], timing.serialize_ps(big) + p.phy_latency_ps);
}

}  // namespace
}  // namespace irqlab::pcie
