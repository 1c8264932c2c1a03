// A waveform file (FST through GTKWave's fstapi, or VCD) written from value changes that
// may arrive out of time order: the controller runs ahead of SystemC time, the link
// reports at SystemC time. Changes are buffered and written in time order up to a time
// before which nothing new can arrive; a window limits what is recorded.
#pragma once

#include <cstdint>
#include <deque>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace irqlab::waves {

enum class Format { kNone, kFst, kVcd };

/// "fst", "vcd" or "none"; throws std::invalid_argument otherwise.
Format parse_format(const std::string& s);

class WaveWriter {
 public:
  WaveWriter(const std::string& path, Format format, uint64_t start_ps = 0, uint64_t end_ps = UINT64_MAX);
  ~WaveWriter();
  WaveWriter(const WaveWriter&) = delete;
  WaveWriter& operator=(const WaveWriter&) = delete;

  /// Declare a variable (all before the first flush). Scope is dot-separated. Every
  /// variable reads 0 from time 0 until its first change (never undefined). A multi-bit
  /// variable is named with its range, as GTKWave shows it: `name[width-1:0]`.
  int add_var(const std::string& scope, const std::string& name, unsigned width);
  /// The same, with names for its values (FST enum table: GTKWave shows the names; a VCD
  /// has no enum tables and shows the numbers).
  int add_enum_var(const std::string& scope, const std::string& name, unsigned width,
                   const std::vector<std::pair<uint64_t, std::string>>& names);
  /// Record a value at a time; repeated equal values are dropped.
  void change(uint64_t t_ps, int var, uint64_t value);

  /// Write everything before `t_ps`; later changes must not be earlier than it.
  void flush_before(uint64_t t_ps);
  /// Flush all and close the file (also done by the destructor).
  void close();
  const std::string& path() const { return path_; }

 private:
  struct Var {
    std::string scope, name;
    unsigned width;
    uint32_t fst_handle = 0;
    std::string vcd_id;
    std::vector<std::pair<uint64_t, std::string>> names;  ///< enum literals (empty: none)
    uint64_t last = ~0ull;
    bool written = false;
  };
  void declare();
  void write_before(uint64_t t_ps);
  void emit_time(uint64_t t);
  void emit(Var& v, uint64_t value);
  void declare_fst_var(Var& v);

  std::string path_;
  Format format_;
  uint64_t start_ps_, end_ps_;
  std::vector<Var> vars_;
  struct Change {
    uint64_t t, seq;
    int var;
    uint64_t value;
  };
  void hold(uint64_t t_ps, int var, uint64_t value);
  Change* earliest();  ///< the next change to write (null: none held)
  void pop_earliest();
  std::vector<std::deque<Change>> lanes_;
  uint64_t seq_ = 0;
  // Written in (time, variable, recording) order, and of a variable's changes at one time
  // only the last: the order processes ran in at one instant (which skipping and quanta
  // change) decides neither the bytes nor the value a variable is left with.
  static bool earlier(const Change& a, const Change& b) {
    if (a.t != b.t) return a.t < b.t;
    return a.var != b.var ? a.var < b.var : a.seq < b.seq;
  }
  bool declared_ = false, closed_ = false, window_open_ = false;
  uint64_t flushed_until_ = 0;
  static constexpr uint64_t kFstBlockPs = 5'000'000'000;  ///< 5 ms of simulated time per FST block
  uint64_t next_block_ps_ = kFstBlockPs;
  bool emitted_in_block_ = false;
  uint64_t last_time_ = ~0ull;
  void* fst_ = nullptr;
  std::ofstream vcd_;
};

}  // namespace irqlab::waves
