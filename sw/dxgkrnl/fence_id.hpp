// Fence IDs on the interrupt path are the DDI's 32-bit ULONGs (SubmissionFenceId and the
// controller's fence registers); dxgkrnl counts them in 64 bits. Conversions here.
#pragma once

#include <cstdint>

namespace irqlab::dxgkrnl {

/// A 32-bit fence ID extended to 64 bits around `reference` (the last fence submitted on
/// its node): IDs are compared modulo 2^32 (serial-number arithmetic, RFC 1982), so the
/// wrap from 0xFFFFFFFF to 0 keeps the order.
inline uint64_t extend_fence(uint32_t fence, uint64_t reference) {
  const auto delta = static_cast<int32_t>(fence - static_cast<uint32_t>(reference));
  return reference + static_cast<uint64_t>(static_cast<int64_t>(delta));
}

/// True if 32-bit fence `a` comes after `b` (modulo 2^32).
inline bool fence_after(uint32_t a, uint32_t b) {
  return static_cast<int32_t>(a - b) > 0;
}

}  // namespace irqlab::dxgkrnl
