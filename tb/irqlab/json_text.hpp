// One compact JSON object as text, as nlohmann's json::dump() would write it, without
// building a tree: callers give the keys in sorted order (nlohmann's objects are std::maps)
// and scalars are formatted by nlohmann. trace.json's per-event objects are built this way:
// as json trees they cost a quarter of the run (a std::map node per key, then serialising it).
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <type_traits>

namespace irqlab::run {

class JsonText {
 public:
  JsonText& key(const char* k) {
    s_ += first_ ? "{\"" : ",\"";
    first_ = false;
    s_ += k;
    s_ += "\":";
    return *this;
  }
  template <typename Integer>
  JsonText& num(Integer v) {
    static_assert(std::is_integral_v<Integer>, "doubles go through real()");
    return raw(std::to_string(v));
  }
  JsonText& real(double v) { return raw(nlohmann::json(v).dump()); }
  JsonText& boolean(bool v) { return raw(v ? "true" : "false"); }
  JsonText& str(const std::string& v) {  // nlohmann escapes only '"', '\\' and controls
    const bool plain = std::all_of(v.begin(), v.end(), [](char c) {
      return static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != '\\';
    });
    if (!plain) return raw(nlohmann::json(v).dump());
    s_ += '"';
    s_ += v;
    s_ += '"';
    return *this;
  }
  JsonText& raw(const std::string& text) {
    s_ += text;
    return *this;
  }
  std::string done() { return first_ ? "{}" : s_ + "}"; }

 private:
  std::string s_;
  bool first_ = true;
};

}  // namespace irqlab::run
