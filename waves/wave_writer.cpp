#include "wave_writer.hpp"

#include <gtkwave/fstapi.h>

#include <algorithm>
#include <stdexcept>

#include "reproducible_fst.hpp"

namespace irqlab::waves {

Format parse_format(const std::string& s) {
  if (s == "fst") return Format::kFst;
  if (s == "vcd") return Format::kVcd;
  if (s == "none") return Format::kNone;
  throw std::invalid_argument("waveform format must be fst, vcd or none, not '" + s + "'");
}

WaveWriter::WaveWriter(const std::string& path, Format format, uint64_t start_ps, uint64_t end_ps)
    : path_(path), format_(format), start_ps_(start_ps), end_ps_(end_ps) {}

WaveWriter::~WaveWriter() {
  close();
}

int WaveWriter::add_var(const std::string& scope, const std::string& name, unsigned width) {
  return add_enum_var(scope, name, width, {});
}

int WaveWriter::add_enum_var(const std::string& scope, const std::string& name, unsigned width,
                             const std::vector<std::pair<uint64_t, std::string>>& names) {
  if (declared_) throw std::logic_error("WaveWriter: variable declared after the first flush");
  Var v;
  v.scope = scope;
  v.name = name;
  v.width = width;
  v.names = names;
  vars_.push_back(std::move(v));
  const int id = static_cast<int>(vars_.size() - 1);
  if (format_ != Format::kNone) hold(0, id, 0);  // defined from t = 0
  return id;
}

void WaveWriter::change(uint64_t t_ps, int var, uint64_t value) {
  if (format_ == Format::kNone || closed_) return;
  if (t_ps < flushed_until_) t_ps = flushed_until_;  // never rewrite written history
  hold(t_ps, var, value);
}

// GTKWave shows a range written after the name (as Verilator writes it) as name[msb:lsb].
void WaveWriter::declare_fst_var(Var& v) {
  if (!v.names.empty()) {
    std::vector<std::string> lit, val;
    for (const auto& [value, name] : v.names) {
      lit.push_back(name);
      std::string bits(v.width, '0');
      for (unsigned i = 0; i < v.width; ++i) bits[v.width - 1 - i] = ((value >> i) & 1) ? '1' : '0';
      val.push_back(bits);
    }
    std::vector<const char*> lp, vp;
    for (size_t i = 0; i < lit.size(); ++i) {
      lp.push_back(lit[i].c_str());
      vp.push_back(val[i].c_str());
    }
    const fstEnumHandle h = fstWriterCreateEnumTable(
        fst_, (v.name + "_t").c_str(), static_cast<uint32_t>(lit.size()), v.width, lp.data(), vp.data());
    fstWriterEmitEnumTableRef(fst_, h);
  }
  const std::string name = v.width > 1 ? v.name + " [" + std::to_string(v.width - 1) + ":0]" : v.name;
  v.fst_handle = fstWriterCreateVar(fst_, FST_VT_VCD_WIRE, FST_VD_IMPLICIT, v.width, name.c_str(), 0);
}

void WaveWriter::declare() {
  declared_ = true;
  if (format_ == Format::kFst) {
    fst_ = fstWriterCreate(path_.c_str(), 1);
    if (!fst_) throw std::runtime_error("cannot create " + path_);
    fstWriterSetTimescale(fst_, -12);  // ps
    // LZ4 blocks: a third of zlib's CPU in a run with waves, files about 1.5x; GTKWave and
    // every FST reader read both.
    fstWriterSetPackType(fst_, FST_WR_PT_LZ4);
  } else {
    vcd_.open(path_);
    if (!vcd_) throw std::runtime_error("cannot create " + path_);
    vcd_ << "$version irqlab $end\n$timescale 1ps $end\n";
  }
  std::vector<std::string> open;
  auto split = [](const std::string& s) {
    std::vector<std::string> parts;
    size_t b = 0;
    for (size_t e; (e = s.find('.', b)) != std::string::npos; b = e + 1) parts.push_back(s.substr(b, e - b));
    parts.push_back(s.substr(b));
    return parts;
  };
  unsigned id = 0;
  // A scope is declared once: variables in scope order (stable: declaration order within).
  std::vector<Var*> order;
  for (auto& v : vars_) order.push_back(&v);
  std::stable_sort(order.begin(), order.end(),
                   [](const Var* a, const Var* b) { return a->scope < b->scope; });
  for (Var* vp : order) {
    Var& v = *vp;
    const auto want = split(v.scope);
    size_t common = 0;
    while (common < open.size() && common < want.size() && open[common] == want[common]) ++common;
    while (open.size() > common) {
      if (fst_)
        fstWriterSetUpscope(fst_);
      else
        vcd_ << "$upscope $end\n";
      open.pop_back();
    }
    for (size_t i = common; i < want.size(); ++i) {
      if (fst_)
        fstWriterSetScope(fst_, FST_ST_VCD_MODULE, want[i].c_str(), nullptr);
      else
        vcd_ << "$scope module " << want[i] << " $end\n";
      open.push_back(want[i]);
    }
    if (fst_) {
      declare_fst_var(v);
    } else {
      for (unsigned n = id++;; n /= 94) {  // VCD identifier: printable ASCII from '!'
        v.vcd_id += static_cast<char>('!' + n % 94);
        if (n < 94) break;
      }
      vcd_ << "$var wire " << v.width << " " << v.vcd_id << " " << v.name;
      if (v.width > 1) vcd_ << " [" << v.width - 1 << ":0]";
      vcd_ << " $end\n";
    }
  }
  while (!open.empty()) {
    if (fst_)
      fstWriterSetUpscope(fst_);
    else
      vcd_ << "$upscope $end\n";
    open.pop_back();
  }
  if (!fst_) vcd_ << "$enddefinitions $end\n";
}

void WaveWriter::emit_time(uint64_t t) {
  if (t == last_time_) return;
  last_time_ = t;
  if (fst_)
    fstWriterEmitTimeChange(fst_, t);
  else
    vcd_ << "#" << t << "\n";
}

void WaveWriter::emit(Var& v, uint64_t value) {
  std::string bits(v.width, '0');
  for (unsigned i = 0; i < v.width; ++i) bits[v.width - 1 - i] = ((value >> i) & 1) ? '1' : '0';
  if (fst_) {
    fstWriterEmitValueChange(fst_, v.fst_handle, bits.c_str());
    emitted_in_block_ = true;
  } else if (v.width == 1) {
    vcd_ << bits << v.vcd_id << "\n";
  } else {
    vcd_ << "b" << bits << " " << v.vcd_id << "\n";
  }
}

// FST: the writer keeps a block's value changes in memory until it is flushed, so a block is
// cut every kFstBlockPs of simulated time (fstWriterFlushContext). The cuts are at fixed
// times, never where a flush happened to be asked for: the file is the same for one run
// however it was flushed (skipping on and off), and memory stays one block's.
void WaveWriter::flush_before(uint64_t t_ps) {
  if (closed_ || format_ == Format::kNone) return;
  if (!declared_) declare();
  for (const Change* c; fst_ && (c = earliest()) && next_block_ps_ < t_ps;) {
    const uint64_t first = c->t;
    if (first >= next_block_ps_) {  // nothing in this block: on to the one holding `first`
      next_block_ps_ = (first / kFstBlockPs + 1) * kFstBlockPs;
      continue;
    }
    write_before(next_block_ps_);
    if (emitted_in_block_) fstWriterFlushContext(fst_);
    emitted_in_block_ = false;
    next_block_ps_ += kFstBlockPs;
  }
  write_before(t_ps);
}

// Changes come a little out of time order (links, a controller running ahead): they go
// into a few lanes, each already in order, merged by (time, recording order) when written.
// (A multimap cost a quarter of a run with waves.)
void WaveWriter::hold(uint64_t t_ps, int var, uint64_t value) {
  const Change c{t_ps, seq_++, var, value};
  for (auto& lane : lanes_) {
    if (lane.empty() || !earlier(c, lane.back())) {
      lane.push_back(c);
      return;
    }
  }
  lanes_.emplace_back().push_back(c);
}

WaveWriter::Change* WaveWriter::earliest() {
  Change* best = nullptr;
  for (auto& lane : lanes_) {
    if (lane.empty()) continue;
    Change& c = lane.front();
    if (!best || earlier(c, *best)) best = &c;
  }
  return best;
}

void WaveWriter::pop_earliest() {
  Change* c = earliest();
  for (auto& lane : lanes_) {
    if (!lane.empty() && &lane.front() == c) {
      lane.pop_front();
      return;
    }
  }
}

void WaveWriter::write_before(uint64_t t_ps) {
  for (Change* c; (c = earliest()) && c->t < t_ps;) {
    const uint64_t t = c->t;
    const int var = c->var;
    const uint64_t value = c->value;
    pop_earliest();
    const Change* next = earliest();
    if (next && next->t == t && next->var == var) continue;  // superseded at the same instant
    Var& v = vars_[static_cast<size_t>(var)];
    if (v.written && v.last == value) continue;
    if (t < start_ps_ || t >= end_ps_) {  // outside the window: remember, write at its start
      v.last = value;
      v.written = false;
      continue;
    }
    if (!window_open_) {  // the window opens: every variable starts at its value then
      window_open_ = true;
      emit_time(start_ps_);
      for (auto& w : vars_) {
        if (w.last != ~0ull) {
          emit(w, w.last);
          w.written = true;
        }
      }
    }
    if (v.written && v.last == value) continue;
    emit_time(t);
    emit(v, value);
    v.last = value;
    v.written = true;
  }
  if (t_ps > flushed_until_) flushed_until_ = t_ps;
}

void WaveWriter::close() {
  if (closed_ || format_ == Format::kNone) return;
  if (!declared_) declare();
  flush_before(UINT64_MAX);
  closed_ = true;
  if (fst_) {
    fstWriterClose(fst_);
    fst_ = nullptr;
    stamp_fixed_fst_date(path_);
  } else {
    vcd_.close();
  }
}

}  // namespace irqlab::waves
