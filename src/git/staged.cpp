#include "git/staged.hpp"

#include "git/check.hpp"
#include "git/tree_diff.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace wave::git {

namespace {

// The tree HEAD points at, or null when HEAD is unborn.
Tree head_tree(git_repository* repo) {
  git_reference* raw = nullptr;
  const int rc = git_repository_head(&raw, repo);
  if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND) {
    git_error_clear();
    return nullptr;
  }
  check(rc, "cannot read HEAD");
  const Reference head(raw);
  git_object* obj = nullptr;
  check(git_reference_peel(&obj, head.get(), GIT_OBJECT_TREE), "cannot read HEAD's tree");
  return Tree(reinterpret_cast<git_tree*>(obj));
}

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

// A file mapped read-only (and read ahead in one go): the index is read
// once, front to back, and most of it only to step over entries.
class MappedFile {
public:
  explicit MappedFile(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return;
    }
    struct stat st {};
    if (::fstat(fd, &st) == 0 && st.st_size > 0) {
      void* p = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (p != MAP_FAILED) {
        m_data = static_cast<const unsigned char*>(p);
        m_size = static_cast<std::size_t>(st.st_size);
      }
    }
    ::close(fd);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile() {
    if (m_data != nullptr) {
      ::munmap(const_cast<unsigned char*>(m_data), m_size);
    }
  }
  const unsigned char* data() const { return m_data; }
  std::size_t size() const { return m_size; }

private:
  const unsigned char* m_data = nullptr;
  std::size_t m_size = 0;
};

// The root entry of a TREE extension: "" NUL "<entries> <subtrees>\n" <oid>.
std::optional<git_oid> root_of_tree_extension(const unsigned char* p, std::size_t size) {
  if (size < 1 || p[0] != '\0') {
    return std::nullopt;
  }
  std::size_t i = 1;
  if (i < size && p[i] == '-') {
    return std::nullopt; // entry count -1: invalidated
  }
  while (i < size && p[i] >= '0' && p[i] <= '9') {
    ++i;
  }
  if (i == 1 || i >= size || p[i] != ' ') {
    return std::nullopt;
  }
  ++i;
  while (i < size && p[i] >= '0' && p[i] <= '9') {
    ++i;
  }
  if (i >= size || p[i] != '\n') {
    return std::nullopt;
  }
  ++i;
  if (i + GIT_OID_RAWSZ > size) {
    return std::nullopt;
  }
  git_oid id;
  git_oid_fromraw(&id, p + i);
  return id;
}

void collect(git_diff* diff, std::vector<StagedChange>& out) {
  const std::size_t n = git_diff_num_deltas(diff);
  out.reserve(out.size() + n);
  for (std::size_t i = 0; i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff, i);
    switch (d->status) {
    case GIT_DELTA_ADDED:
      out.push_back({'A', d->new_file.path});
      break;
    case GIT_DELTA_DELETED:
      out.push_back({'D', d->old_file.path});
      break;
    case GIT_DELTA_TYPECHANGE:
      out.push_back({'T', d->new_file.path});
      break;
    case GIT_DELTA_RENAMED:
      out.push_back({'D', d->old_file.path});
      out.push_back({'A', d->new_file.path});
      break;
    case GIT_DELTA_CONFLICTED:
      out.push_back({'U', d->new_file.path != nullptr ? d->new_file.path : d->old_file.path});
      break;
    default:
      out.push_back({'M', d->new_file.path});
      break;
    }
  }
}

} // namespace

std::filesystem::path index_file(git_repository* repo) {
  if (const char* env = std::getenv("GIT_INDEX_FILE"); env != nullptr && *env != '\0') {
    return std::filesystem::absolute(env);
  }
  return std::filesystem::path(git_repository_path(repo)) / "index";
}

std::optional<git_oid> index_file_tree(const std::filesystem::path& index) {
  const MappedFile file(index);
  const unsigned char* p = file.data();
  const std::size_t size = file.size();
  constexpr std::size_t header = 12;
  constexpr std::size_t trailer = GIT_OID_RAWSZ;
  if (size < header + trailer || std::memcmp(p, "DIRC", 4) != 0) {
    return std::nullopt;
  }
  const std::uint32_t version = be32(p + 4);
  if (version < 2 || version > 4) {
    return std::nullopt;
  }
  const std::uint32_t entries = be32(p + 8);
  const std::size_t end = size - trailer;
  // Entries: 62 bytes of stat data, id and flags (64 with extended flags),
  // then the path. Versions 2 and 3 pad each entry with 1-8 NULs to a
  // multiple of 8; version 4 prefix-compresses the path (a varint, then the
  // NUL-terminated rest) without padding.
  std::size_t pos = header;
  for (std::uint32_t n = 0; n < entries; ++n) {
    if (pos + 62 > end) {
      return std::nullopt;
    }
    const std::uint16_t flags = static_cast<std::uint16_t>((p[pos + 60] << 8) | p[pos + 61]);
    std::size_t name = pos + 62;
    if ((flags & 0x4000) != 0) {
      if (version < 3) {
        return std::nullopt;
      }
      name += 2;
    }
    if (version == 4) {
      while (name < end && (p[name] & 0x80) != 0) {
        ++name;
      }
      ++name;
      const void* nul = name < end ? std::memchr(p + name, '\0', end - name) : nullptr;
      if (nul == nullptr) {
        return std::nullopt;
      }
      pos = static_cast<std::size_t>(static_cast<const unsigned char*>(nul) - p) + 1;
    } else {
      std::size_t len = flags & 0x0FFF;
      if (len == 0x0FFF) {
        const void* nul = name < end ? std::memchr(p + name, '\0', end - name) : nullptr;
        if (nul == nullptr) {
          return std::nullopt;
        }
        len = static_cast<std::size_t>(static_cast<const unsigned char*>(nul) - (p + name));
      }
      pos += ((name - pos) + len + 8) & ~std::size_t(7);
    }
  }
  // Extensions: a 4-byte signature, a 4-byte size, the data.
  while (pos + 8 <= end) {
    const std::size_t ext_size = be32(p + pos + 4);
    if (pos + 8 + ext_size > end) {
      return std::nullopt;
    }
    if (std::memcmp(p + pos, "TREE", 4) == 0) {
      return root_of_tree_extension(p + pos + 8, ext_size);
    }
    pos += 8 + ext_size;
  }
  return std::nullopt;
}

std::vector<StagedChange> staged_changes(git_repository* repo) {
  const Tree head = head_tree(repo);
  std::vector<StagedChange> out;

  if (const auto cached = index_file_tree(index_file(repo))) {
    git_tree* raw = nullptr;
    if (git_tree_lookup(&raw, repo, &*cached) == 0) {
      const Tree tree(raw);
      diff_trees(repo, head.get(), tree.get(), [&out](const TreeChange& c) {
        out.push_back({c.status(), c.path});
      });
      return out; // diff_trees reports in git's tree order, which is path order for files
    }
    git_error_clear();
  }

  // The index git named, not necessarily the repository's own: `git commit
  // <path>` runs the hook on a temporary one.
  const auto path = index_file(repo);
  git_index* index_raw = nullptr;
  check(git_index_open(&index_raw, path.c_str()), fmt::format("cannot read the index '{}'", path.string()));
  const Index index(index_raw);
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.flags = GIT_DIFF_INCLUDE_TYPECHANGE;
  git_diff* diff_raw = nullptr;
  check(git_diff_tree_to_index(&diff_raw, repo, head.get(), index.get(), &opts),
        "cannot compare the index with HEAD");
  const Diff diff(diff_raw);
  collect(diff.get(), out);
  std::stable_sort(out.begin(), out.end(),
                   [](const StagedChange& a, const StagedChange& b) { return a.path < b.path; });
  return out;
}

} // namespace wave::git
