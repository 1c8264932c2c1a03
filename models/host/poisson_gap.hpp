// The wait to a Poisson source's next event, bounded by the end of the run.
#pragma once

#include <cmath>
#include <cstdint>

namespace irqlab::host {

/// `gap_s` seconds in ps, or `horizon_ps` when the gap reaches past it. At near-zero rates
/// a gap is far beyond what a uint64_t of ps holds, and converting it is undefined.
inline uint64_t bounded_gap_ps(double gap_s, uint64_t horizon_ps) {
  const double ps = gap_s * 1e12;
  if (!std::isfinite(ps) || ps >= static_cast<double>(horizon_ps)) return horizon_ps;
  return ps > 0 ? static_cast<uint64_t>(ps) : 0;
}

}  // namespace irqlab::host
