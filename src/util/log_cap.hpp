#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// Logs capped on disk as CI systems cap them: the first part and the last
// part of the output are kept, the middle is dropped and a marker line says
// how much. The file is written as the output comes, so it can be read (and
// its changes watched) at any time; it never grows past the cap and the
// marker.
namespace wave::util {

// "5MB", "512KiB", "100000" (bytes), "none" or "0" (no cap): a byte count,
// 0 for none. B, KB/MB/GB are powers of 1000, KiB/MiB/GiB of 1024, case
// ignored, a fraction allowed ("1.5MB"). nullopt when malformed or past
// 2^50 bytes. (A cap below min_log_cap is for the caller to refuse.)
std::optional<std::uint64_t> parse_size(std::string_view text);

inline constexpr std::uint64_t default_log_cap = 5ULL * 1024 * 1024;
inline constexpr std::uint64_t min_log_cap = 1024;

// "5.0MiB", "1000B".
std::string format_size(std::uint64_t bytes);

// Writes a stream into an open file, capped at `cap` bytes (0: not capped)
// plus one marker line: while the stream fits, it is written through;
// beyond, the file holds its first half (cut after a newline when there is
// one), the marker, and the last bytes of the stream (from a line start
// when there is one), rewritten in place by flush().
class CappedLog {
public:
  CappedLog(int fd, std::uint64_t cap, std::uint64_t already = 0);

  void write(std::string_view data);
  // Brings the file level with what was written (the tail, once capped).
  void flush();
  bool capped() const noexcept { return m_capped; }
  std::uint64_t dropped_bytes() const noexcept { return m_dropped; }

private:
  std::string marker() const;

  int m_fd;
  std::uint64_t m_cap;
  std::uint64_t m_head_keep;   // at most this much of the head is kept
  std::uint64_t m_tail_keep;   // the tail: at most this much
  std::uint64_t m_written = 0; // in the file, while not capped
  bool m_capped = false;
  std::uint64_t m_head = 0; // bytes of the head kept, once capped
  std::string m_tail;       // the last bytes of the stream, once capped
  std::uint64_t m_dropped = 0;
  std::uint64_t m_dropped_lines = 0;
  bool m_dirty = false;
};

} // namespace wave::util
