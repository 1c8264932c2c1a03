// Sparse host memory: 4 KiB pages allocated on first write; unwritten bytes read 0.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>

namespace irqlab::host {

class HostMemory {
 public:
  static constexpr uint64_t kPageBytes = 4096;
  /// Called after every write lands: address, length, time in ps.
  using WriteObserver = std::function<void(uint64_t addr, uint32_t len, uint64_t t_ps)>;

  void write(uint64_t addr, const uint8_t* data, uint32_t len, uint64_t t_ps);
  void read(uint64_t addr, uint8_t* data, uint32_t len) const;
  uint64_t read64(uint64_t addr) const;
  void set_observer(WriteObserver o) { observer_ = std::move(o); }
  size_t pages() const { return pages_.size(); }

 private:
  std::unordered_map<uint64_t, std::unique_ptr<std::array<uint8_t, kPageBytes>>> pages_;
  WriteObserver observer_;
};

}  // namespace irqlab::host
