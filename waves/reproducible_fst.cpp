#include "reproducible_fst.hpp"

#include <array>
#include <cstring>
#include <fstream>

namespace irqlab::waves {

namespace {
// FST header block (fstapi.c): tag(1) section length(8) start(8) end(8) endian(8)
// memory(8) scopes(8) vars(8) max handle(8) sections(8) timescale(1) version(128),
// then the date (119 bytes).
constexpr std::streamoff kHeaderTagOffset = 0;
constexpr char kHeaderTag = 0;  // FST_BL_HDR
constexpr std::streamoff kDateOffset = 1 + 8 * 9 + 1 + 128;
constexpr std::size_t kDateSize = 119;
constexpr char kFixedDate[] = "irqlab: date omitted so that waveforms are reproducible";
}  // namespace

bool stamp_fixed_fst_date(const std::string& path) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  if (!f) return false;
  char tag = 1;
  f.seekg(kHeaderTagOffset);
  f.read(&tag, 1);
  if (!f || tag != kHeaderTag) return false;
  std::array<char, kDateSize> date{};
  std::memcpy(date.data(), kFixedDate, sizeof kFixedDate);
  f.seekp(kDateOffset);
  f.write(date.data(), date.size());
  return static_cast<bool>(f);
}

}  // namespace irqlab::waves
