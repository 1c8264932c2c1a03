// A miniport's register space for DDI unit tests: reads return the last value written (0
// before), every write is logged in order.
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "miniport_env.hpp"

namespace irqlab::kmd::test {

class RecordingEnv : public wddm::MiniportEnvironment {
 public:
  uint32_t READ_REGISTER_ULONG(uint64_t a) override { return mem[a]; }
  void WRITE_REGISTER_ULONG(uint64_t a, uint32_t v) override {
    writes.emplace_back(a, v);
    mem[a] = v;
  }
  void cost(uint64_t) override {}
  uint32_t current_processor() override { return 0; }
  std::vector<std::pair<uint64_t, uint32_t>> writes;
  std::map<uint64_t, uint32_t> mem;
};

}  // namespace irqlab::kmd::test
