#include "spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "output_files.hpp"

namespace irqlab::run {

namespace {

std::FILE* open_unlinked(const std::string& dir, std::string& where) {
  if (dir.empty()) {
    where = "the temporary directory";
    return std::tmpfile();
  }
  std::string path = dir + "/.spool.XXXXXX";
  where = dir;
  const int fd = mkstemp(path.data());
  if (fd < 0) return nullptr;
  unlink(path.c_str());
  std::FILE* f = fdopen(fd, "w+b");
  if (!f) close(fd);
  return f;
}

}  // namespace

SpoolFile::SpoolFile(const std::string& dir) : f_(nullptr, &std::fclose) {
  f_.reset(open_unlinked(dir, where_));
  if (!f_)
    throw OutputError(where_ + ": cannot create a file for the run's records: " + std::strerror(errno));
}

void SpoolFile::write(const void* data, size_t bytes) {
  if (failed_) return;
  failed_ = std::fwrite(data, 1, bytes, f_.get()) != bytes;
  bytes_ += bytes;
}

void SpoolFile::read_from_start(const std::function<void(std::FILE*)>& read) const {
  std::FILE* f = f_.get();
  const bool ok = !failed_ && std::fflush(f) == 0 && std::fseek(f, 0, SEEK_SET) == 0;
  if (ok) read(f);
  if (!ok || std::ferror(f) || std::fseek(f, 0, SEEK_END) != 0)
    throw OutputError(where_ + ": the run's records could not be kept (disk full or unwritable)");
}

void TextSpool::copy_to(std::ostream& out) const {
  if (!file_) return;
  file_->read_from_start([&out](std::FILE* f) {
    char buf[1 << 16];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;)
      out.write(buf, static_cast<std::streamsize>(n));
  });
}

}  // namespace irqlab::run
