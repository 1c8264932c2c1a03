// Records of a run kept on disk while it goes and read back in order for the reports, so
// that a long run's per-interrupt records occupy disk, not memory (#17). The file is
// unlinked as soon as it is created: nothing is left behind however the process ends.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <type_traits>
#include <vector>

namespace irqlab::run {

/// An unlinked temporary file, appended to and read back from the start.
class SpoolFile {
 public:
  /// In `dir` (the output directory), or the system's temporary directory when "".
  explicit SpoolFile(const std::string& dir);
  void write(const void* data, size_t bytes);
  /// Hands the file, positioned at its start, to `read`; appending may go on afterwards.
  /// Throws OutputError when a write or the read failed (disk full).
  void read_from_start(const std::function<void(std::FILE*)>& read) const;
  uint64_t bytes() const { return bytes_; }

 private:
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f_;
  std::string where_;
  uint64_t bytes_ = 0;
  bool failed_ = false;
};

/// Fixed-size records, read back in the order they were written.
template <typename T>
class Spool {
  static_assert(std::is_trivially_copyable_v<T>, "records are written as bytes");

 public:
  Spool() = default;  ///< holds nothing until open()
  void open(const std::string& dir) { file_ = std::make_shared<SpoolFile>(dir); }
  void push_back(const T& v) {
    file_->write(&v, sizeof v);
    ++size_;
  }
  uint64_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  /// Calls f(record) for each record in order, a block at a time.
  template <typename F>
  void for_each(F&& f) const {
    if (!file_) return;
    file_->read_from_start([&f](std::FILE* fp) {
      std::vector<T> block(4096);
      for (size_t n; (n = std::fread(block.data(), sizeof(T), block.size(), fp)) > 0;) {
        for (size_t i = 0; i < n; ++i) f(block[i]);
      }
    });
  }

 private:
  std::shared_ptr<SpoolFile> file_;
  uint64_t size_ = 0;
};

/// Text appended piecewise and copied out whole (trace.json's events).
class TextSpool {
 public:
  void open(const std::string& dir) { file_ = std::make_shared<SpoolFile>(dir); }
  void append(const std::string& s) { file_->write(s.data(), s.size()); }
  void copy_to(std::ostream& out) const;

 private:
  std::shared_ptr<SpoolFile> file_;
};

}  // namespace irqlab::run
