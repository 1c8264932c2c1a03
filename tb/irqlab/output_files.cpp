#include "output_files.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace irqlab::run {

namespace fs = std::filesystem;

OutputFiles::OutputFiles(std::string dir, bool keep_verdict) : dir_(std::move(dir)) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec || !fs::is_directory(dir_))
    throw OutputError(dir_ + ": cannot create the output directory: " + ec.message());
  if (keep_verdict) return;
  fs::remove(dir_ + "/verdict.json", ec);
  if (ec) throw OutputError(dir_ + "/verdict.json: cannot remove the earlier run's verdict: " + ec.message());
}

OutputFiles::~OutputFiles() {
  if (committed_) return;
  std::error_code ec;
  for (const auto& f : files_) fs::remove(temp_path(f.name), ec);
}

OutputFiles::File& OutputFiles::find(const std::string& name) {
  const auto it = std::find_if(files_.begin(), files_.end(), [&](const File& f) { return f.name == name; });
  if (it == files_.end()) throw std::logic_error("output " + name + " was never opened");
  return *it;
}

std::ofstream& OutputFiles::open(const std::string& name) {
  files_.push_back({name, std::make_unique<std::ofstream>(temp_path(name), std::ios::trunc), false});
  if (!*files_.back().stream)
    throw OutputError(dir_ + "/" + name + ": cannot be written: " + std::strerror(errno));
  return *files_.back().stream;
}

void OutputFiles::check(File& f) {
  if (f.checked || !f.stream) return;
  f.stream->flush();
  f.stream->close();
  if (!*f.stream) throw OutputError(dir_ + "/" + f.name + ": write failed (disk full or unwritable)");
  f.checked = true;
}

void OutputFiles::close(const std::string& name) {
  check(find(name));
}

std::string OutputFiles::external(const std::string& name) {
  files_.push_back({name, nullptr, true});
  return temp_path(name);
}

std::vector<std::string> OutputFiles::commit() {
  for (auto& f : files_) check(f);
  std::stable_partition(files_.begin(), files_.end(), [](const File& f) { return f.name != "verdict.json"; });
  std::vector<std::string> written;
  for (const auto& f : files_) {
    if (!f.stream && !fs::exists(temp_path(f.name))) continue;  // an external file not produced
    std::error_code ec;
    fs::rename(temp_path(f.name), dir_ + "/" + f.name, ec);
    if (ec) throw OutputError(dir_ + "/" + f.name + ": cannot be moved into place: " + ec.message());
    written.push_back(f.name);
  }
  committed_ = true;
  return written;
}

}  // namespace irqlab::run
