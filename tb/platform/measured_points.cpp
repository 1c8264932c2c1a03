#include "measured_points.hpp"

#include <csv.h>

#include <Eigen/Dense>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>

#include "pcie_profile.hpp"

namespace irqlab::platform {

namespace {

using pcie::ConfigError;
constexpr uintmax_t kMaxFileBytes = 1 << 20;  // a points file is a few hundred rows

struct Rows {
  std::vector<std::vector<std::string>> rows;
  std::vector<int> lines;  ///< where each row ended
  std::vector<std::string> fields;
  int line = 0;
};

void on_field(void* s, size_t n, void* data) {
  static_cast<Rows*>(data)->fields.emplace_back(static_cast<const char*>(s), n);
}
void on_row(int, void* data) {
  auto* r = static_cast<Rows*>(data);
  r->rows.push_back(std::move(r->fields));
  r->lines.push_back(r->line);
  r->fields.clear();
}

Rows parse_csv(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw ConfigError(path + ": not a readable regular file");
  if (std::filesystem::file_size(path, ec) > kMaxFileBytes) throw ConfigError(path + ": larger than 1 MiB");
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot read the file");
  csv_parser p;
  if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) throw std::runtime_error("libcsv: cannot initialise");
  Rows r;
  std::string text;
  bool ok = true;
  while (ok && std::getline(in, text)) {
    ++r.line;
    if (!text.empty() && text[0] == '#' && r.fields.empty()) continue;
    text += '\n';
    ok = csv_parse(&p, text.data(), text.size(), on_field, on_row, &r) == text.size();
  }
  if (ok) ok = csv_fini(&p, on_field, on_row, &r) == 0;
  const std::string why = ok ? "" : csv_strerror(csv_error(&p));
  csv_free(&p);
  if (!ok) throw ConfigError(path + ":" + std::to_string(r.line) + ": malformed CSV: " + why);
  return r;
}

double field_number(const std::string& path, int line, const char* key, const std::string& text) {
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || !std::isfinite(v) || v <= 0)
    throw ConfigError(path + ":" + std::to_string(line) + ": column '" + key +
                      "': expected a positive number, got '" + text + "'");
  return v;
}

MeasuredPoint point_of(const std::string& path, int line, const std::vector<std::string>& f) {
  const std::string where = path + ":" + std::to_string(line) + ": ";
  if (f.size() != 4)
    throw ConfigError(where + "expected 4 columns (quantity,size,value,source), got " +
                      std::to_string(f.size()));
  MeasuredPoint m;
  m.line = line;
  m.quantity = f[0];
  bool known = false;
  std::string names;
  for (const auto& q : kQuantities) {
    known |= m.quantity == q.name;
    names += (names.empty() ? "" : ", ") + std::string(q.name);
  }
  if (!known)
    throw ConfigError(where + "column 'quantity': unknown '" + m.quantity + "' (known: " + names + ")");
  const double size = field_number(path, line, "size", f[1]);
  if (size != std::floor(size) || size > 4096)
    throw ConfigError(where + "column 'size': expected whole bytes, 1..4096, got '" + f[1] + "'");
  m.size = static_cast<uint32_t>(size);
  m.value = field_number(path, line, "value", f[2]);
  m.source = f[3];
  if (m.source.empty()) throw ConfigError(where + "column 'source': say where the value comes from");
  return m;
}

}  // namespace

std::vector<MeasuredPoint> load_points(const std::string& path) {
  const Rows r = parse_csv(path);
  if (r.rows.empty()) throw ConfigError(path + ":1: empty: expected the header quantity,size,value,source");
  const std::vector<std::string> header{"quantity", "size", "value", "source"};
  if (r.rows[0] != header)
    throw ConfigError(path + ":" + std::to_string(r.lines[0]) +
                      ": expected the header quantity,size,value,source");
  std::vector<MeasuredPoint> out;
  for (size_t i = 1; i < r.rows.size(); ++i) out.push_back(point_of(path, r.lines[i], r.rows[i]));
  if (out.empty()) throw ConfigError(path + ": no points after the header");
  return out;
}

Comparison compare(const std::vector<MeasuredPoint>& points, const ModelLookup& model) {
  Comparison c;
  for (const auto& p : points) {
    const auto v = model(p.quantity, p.size);
    if (!v) throw std::logic_error("calibrate: the model did not measure " + p.quantity);
    PointCheck row{p, *v, (*v - p.value) / p.value};
    if (std::fabs(row.error) > c.worst) {
      c.worst = std::fabs(row.error);
      c.worst_row = c.rows.size();
    }
    c.rows.push_back(std::move(row));
  }
  return c;
}

LineFit fit_read_latency(const Comparison& c) {
  // Rows r = measured - model against columns [1, lines, write-then-read?], each row
  // scaled by 1/measured.
  std::vector<const PointCheck*> rows;
  std::set<uint64_t> read_lines;
  LineFit f;
  for (const auto& row : c.rows) {
    const bool wrrd = row.point.quantity == "dma_write_read_ns";
    if (row.point.quantity != "dma_read_ns" && !wrrd) continue;
    if (!wrrd) read_lines.insert(lines_of(row.point.size));
    f.has_write |= wrrd;
    rows.push_back(&row);
  }
  if (read_lines.size() < 2)
    throw pcie::ConfigError("--fit needs dma_read_ns points at two or more sizes of different line counts");
  const Eigen::Index cols = f.has_write ? 3 : 2;
  Eigen::MatrixXd a(static_cast<Eigen::Index>(rows.size()), cols);
  Eigen::VectorXd r(static_cast<Eigen::Index>(rows.size()));
  for (Eigen::Index i = 0; i < a.rows(); ++i) {
    const PointCheck& p = *rows[static_cast<size_t>(i)];
    const double w = 1.0 / p.point.value;
    a(i, 0) = w;
    a(i, 1) = w * double(lines_of(p.point.size));
    if (f.has_write) a(i, 2) = p.point.quantity == "dma_write_read_ns" ? w : 0.0;
    r(i) = w * (p.point.value - p.model);
  }
  const Eigen::VectorXd x = a.colPivHouseholderQr().solve(r);
  f.constant_ns = x(0);
  f.per_line_ns = x(1);
  if (f.has_write) f.write_ns = x(2);
  f.points = rows.size();
  return f;
}

}  // namespace irqlab::platform
