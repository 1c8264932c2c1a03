// The files of one run's output directory, written so that none of them looks complete
// before it is: each is written to a temporary beside it and renamed into place by
// commit(), verdict.json last. An earlier run's verdict.json is removed before the new run
// writes anything, so a killed run or a failed write never leaves a verdict claiming a result.
#pragma once

#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace irqlab::run {

/// An output could not be written (disk full, unwritable directory): names the file.
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class OutputFiles {
 public:
  /// Creates `dir` if needed and removes its verdict.json (unless `keep_verdict`: files
  /// written after the verdict, such as run.json). Throws OutputError.
  explicit OutputFiles(std::string dir, bool keep_verdict = false);
  ~OutputFiles();  ///< without commit(): the temporaries are removed
  OutputFiles(const OutputFiles&) = delete;
  OutputFiles& operator=(const OutputFiles&) = delete;

  /// A stream for `name` (a file name in the directory), written to its temporary.
  std::ofstream& open(const std::string& name);
  /// Flushes and closes `name` now (before another program reads its temporary).
  void close(const std::string& name);
  /// For a file another program writes (gnuplot's SVG): the temporary path to give it.
  /// commit() renames it if it was written and leaves it out otherwise.
  std::string external(const std::string& name);
  /// The temporary path of `name` (to read back a file closed with close()).
  std::string temp_path(const std::string& name) const { return temp_path_in(dir_, name); }
  /// The temporary of `name` in `dir` (a run streams a file there before the reports).
  static std::string temp_path_in(const std::string& dir, const std::string& name) {
    return dir + "/." + name + ".partial";
  }
  /// Checks every stream, renames every temporary into place (verdict.json last) and
  /// returns the names written. Throws OutputError naming the first file that failed.
  std::vector<std::string> commit();
  const std::string& dir() const { return dir_; }

 private:
  struct File {
    std::string name;
    std::unique_ptr<std::ofstream> stream;  ///< null for external files
    bool checked = false;
  };
  File& find(const std::string& name);
  void check(File& f);

  std::string dir_;
  std::vector<File> files_;
  bool committed_ = false;
};

}  // namespace irqlab::run
