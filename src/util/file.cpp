#include "util/file.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace wave::util {

namespace fs = std::filesystem;

namespace {

// The temporary file, removed unless released.
class TempFile {
public:
  explicit TempFile(std::string path) : m_path(std::move(path)) {}
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    ::unlink(m_path.c_str());
  }

  const std::string& path() const { return m_path; }
  int fd() const { return m_fd; }
  void set_fd(int fd) { m_fd = fd; }
  int close() {
    const int rc = ::close(m_fd);
    m_fd = -1;
    return rc;
  }

private:
  std::string m_path;
  int m_fd = -1;
};

mode_t current_umask() {
  const mode_t mask = ::umask(022);
  ::umask(mask);
  return mask;
}

[[noreturn]] void fail(const fs::path& path, int err) {
  throw Error(fmt::format("cannot write '{}': {}", path.string(), std::strerror(err)));
}

} // namespace

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

namespace {

// `content` in a complete temporary file beside `path` (mode 0666 less the
// umask, synced), to be linked or renamed into place.
std::unique_ptr<TempFile> write_temp(const fs::path& path, std::string_view content) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::string pattern = (dir / fmt::format(".{}.XXXXXX", path.filename().string())).string();
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0) {
    fail(path, errno);
  }
  auto temp = std::make_unique<TempFile>(pattern);
  temp->set_fd(fd);
  if (::fchmod(fd, 0666 & ~current_umask()) != 0) {
    fail(path, errno);
  }
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      fail(path, errno);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || temp->close() != 0) {
    fail(path, errno);
  }
  return temp;
}

} // namespace

bool write_new_file(const fs::path& path, std::string_view content) {
  std::error_code ec;
  if (fs::symlink_status(path, ec).type() != fs::file_type::not_found) {
    return false;
  }
  const auto temp = write_temp(path, content);
  if (::link(temp->path().c_str(), path.c_str()) != 0) {
    if (errno == EEXIST) {
      return false;
    }
    fail(path, errno);
  }
  return true;
}

void replace_file(const fs::path& path, std::string_view content) {
  const auto temp = write_temp(path, content);
  if (::rename(temp->path().c_str(), path.c_str()) != 0) {
    fail(path, errno);
  }
}

} // namespace wave::util
