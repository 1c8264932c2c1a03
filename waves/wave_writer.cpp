#include "wave_writer.hpp"

#include <gtkwave/fstapi.h>

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
  if (declared_) throw std::logic_error("WaveWriter: variable declared after the first change");
  Var v;
  v.scope = scope;
  v.name = name;
  v.width = width;
  vars_.push_back(std::move(v));
  return static_cast<int>(vars_.size() - 1);
}

void WaveWriter::change(uint64_t t_ps, int var, uint64_t value) {
  if (format_ == Format::kNone || closed_) return;
  if (!declared_) declare();
  if (t_ps < flushed_until_) t_ps = flushed_until_;  // never rewrite written history
  pending_.emplace(t_ps, std::make_pair(var, value));
}

// Scopes are declared in order, so variables sharing a scope prefix must be added together.
void WaveWriter::declare() {
  declared_ = true;
  if (format_ == Format::kFst) {
    fst_ = fstWriterCreate(path_.c_str(), 1);
    if (!fst_) throw std::runtime_error("cannot create " + path_);
    fstWriterSetTimescale(fst_, -12);  // ps
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
  for (auto& v : vars_) {
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
      v.fst_handle = fstWriterCreateVar(fst_, FST_VT_VCD_WIRE, FST_VD_IMPLICIT, v.width, v.name.c_str(), 0);
    } else {
      for (unsigned n = id++;; n /= 94) {  // VCD identifier: printable ASCII from '!'
        v.vcd_id += static_cast<char>('!' + n % 94);
        if (n < 94) break;
      }
      vcd_ << "$var wire " << v.width << " " << v.vcd_id << " " << v.name << " $end\n";
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
  } else if (v.width == 1) {
    vcd_ << bits << v.vcd_id << "\n";
  } else {
    vcd_ << "b" << bits << " " << v.vcd_id << "\n";
  }
}

void WaveWriter::flush_before(uint64_t t_ps) {
  if (!declared_ || closed_) return;
  auto end = pending_.lower_bound(t_ps);
  for (auto it = pending_.begin(); it != end; ++it) {
    const uint64_t t = it->first;
    Var& v = vars_[static_cast<size_t>(it->second.first)];
    const uint64_t value = it->second.second;
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
  pending_.erase(pending_.begin(), end);
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
