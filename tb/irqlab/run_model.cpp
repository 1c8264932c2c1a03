#include "run_model.hpp"

#include <algorithm>

namespace irqlab::run {

void ExecStats::add(uint64_t ps) {
  ++count;
  min_ps = std::min(min_ps, ps);
  max_ps = std::max(max_ps, ps);
  sum_ps += ps;
  size_t b = 0;
  while (b < 4 && ps > kBucketUs[b] * 1e6) ++b;
  ++buckets[b];
}

}  // namespace irqlab::run
