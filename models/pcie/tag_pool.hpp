// Transaction tags of one requester (PCIe Base spec 2.2.6.2): a tag identifies an
// outstanding non-posted request until its last completion, so it must be unique among
// the requester's outstanding requests and may be reused afterwards. The field is narrow
// (8 bits, or 10 with 10-Bit Tag Requester Enable), so tags are handed out modulo 2^bits,
// skipping those still in use; a requester with none free must wait.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace irqlab::pcie {

class TagPool {
 public:
  explicit TagPool(unsigned bits = 8) : size_(1u << bits), used_(size_, false) {}

  /// The next free tag after the last one handed out (wrapping), or none if all are in use.
  std::optional<uint16_t> acquire() {
    if (in_use_ == size_) return std::nullopt;
    for (uint32_t i = 0; i < size_; ++i) {
      const uint32_t t = (next_ + i) % size_;
      if (!used_[t]) {
        used_[t] = true;
        ++in_use_;
        next_ = (t + 1) % size_;
        ++handed_out_;
        return static_cast<uint16_t>(t);
      }
    }
    return std::nullopt;  // unreachable: in_use_ < size_
  }
  /// The request's last completion arrived: the tag may be reused.
  void release(uint16_t tag) {
    if (tag < size_ && used_[tag]) {
      used_[tag] = false;
      --in_use_;
    }
  }
  bool in_use(uint16_t tag) const { return tag < size_ && used_[tag]; }
  uint32_t size() const { return size_; }
  uint32_t outstanding() const { return in_use_; }
  /// Tags handed out so far (64-bit: counts past every wrap of the field).
  uint64_t handed_out() const { return handed_out_; }

 private:
  uint32_t size_;
  std::vector<bool> used_;
  uint32_t next_ = 0;
  uint32_t in_use_ = 0;
  uint64_t handed_out_ = 0;
};

}  // namespace irqlab::pcie
