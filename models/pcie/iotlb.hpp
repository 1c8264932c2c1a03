// The IOMMU's translation cache as the root complex sees it: 4 KiB translations, a fixed
// number of entries, least recently used evicted. pcie-bench's window sweeps show this
// shape on Xeon E5: DMA reads within 256 KiB (64 pages) cost the same as without an
// IOMMU, wider windows add a page walk (docs/timing.md).
#pragma once

#include <cstdint>
#include <list>
#include <unordered_map>

namespace irqlab::pcie {

class Iotlb {
 public:
  static constexpr uint64_t kPageBytes = 4096;
  explicit Iotlb(unsigned entries) : entries_(entries) {}

  /// True on a hit. A miss installs the page, evicting the least recently used one.
  bool lookup(uint64_t addr) {
    const uint64_t page = addr / kPageBytes;
    const auto it = where_.find(page);
    if (it != where_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      ++hits_;
      return true;
    }
    ++misses_;
    if (lru_.size() >= entries_) {
      where_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.push_front(page);
    where_[page] = lru_.begin();
    return false;
  }
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

 private:
  unsigned entries_;
  std::list<uint64_t> lru_;  ///< most recent first; never longer than entries_
  std::unordered_map<uint64_t, std::list<uint64_t>::iterator> where_;
  uint64_t hits_ = 0, misses_ = 0;
};

}  // namespace irqlab::pcie
