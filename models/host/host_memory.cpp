#include "host_memory.hpp"

#include <algorithm>
#include <cstring>

namespace irqlab::host {

void HostMemory::write(uint64_t addr, const uint8_t* data, uint32_t len, uint64_t t_ps) {
  for (uint32_t done = 0; done < len;) {
    const uint64_t a = addr + done;
    const uint32_t off = static_cast<uint32_t>(a % kPageBytes);
    const uint32_t n = std::min<uint32_t>(len - done, kPageBytes - off);
    auto& page = pages_[a / kPageBytes];
    if (!page) page = std::make_unique<std::array<uint8_t, kPageBytes>>();
    std::memcpy(page->data() + off, data + done, n);
    done += n;
  }
  if (observer_) observer_(addr, len, t_ps);
}

void HostMemory::read(uint64_t addr, uint8_t* data, uint32_t len) const {
  for (uint32_t done = 0; done < len;) {
    const uint64_t a = addr + done;
    const uint32_t off = static_cast<uint32_t>(a % kPageBytes);
    const uint32_t n = std::min<uint32_t>(len - done, kPageBytes - off);
    const auto it = pages_.find(a / kPageBytes);
    if (it == pages_.end())
      std::memset(data + done, 0, n);
    else
      std::memcpy(data + done, it->second->data() + off, n);
    done += n;
  }
}

uint64_t HostMemory::read64(uint64_t addr) const {
  uint8_t b[8];
  read(addr, b, 8);
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | b[i];
  return v;
}

}  // namespace irqlab::host
