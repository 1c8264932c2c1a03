// Measured reference points for `irqlab calibrate --against`: a CSV of quantity, size,
// value and where the value comes from; the comparison with the model, and the
// least-squares fit of the host's DMA-read latency parameters.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace irqlab::platform {

/// The quantities a point may name, and their units.
struct Quantity {
  const char* name;
  const char* unit;
};
inline constexpr Quantity kQuantities[] = {
    {"dma_read_ns", "ns"},         // device DMA read of `size` bytes, request to last completion
    {"dma_write_ns", "ns"},        // posted DMA write of `size` bytes, send to landing in memory
    {"dma_write_read_ns", "ns"},   // a write then a read of the same bytes, to the read's end
    {"dma_write_gbps", "Gb/s"},    // streaming `size`-byte DMA writes, 32-bit addresses
    {"dma_write64_gbps", "Gb/s"},  // the same with 64-bit addresses
    {"mmio_read_ns", "ns"},        // CPU MMIO read round trip (size 4 or 8)
};

struct MeasuredPoint {
  std::string quantity;
  uint32_t size = 0;
  double value = 0;
  std::string source;
  int line = 0;  ///< in the file, for messages
};

/// Reads a points file: a header `quantity,size,value,source`, then one point per row
/// (RFC 4180 quoting, by libcsv); lines starting with '#' are comments. Throws
/// pcie::ConfigError naming file, line and column on anything else.
std::vector<MeasuredPoint> load_points(const std::string& path);

struct PointCheck {
  MeasuredPoint point;
  double model = 0;
  double error = 0;  ///< (model - measured) / measured
};

struct Comparison {
  std::vector<PointCheck> rows;
  double worst = 0;  ///< largest |error|
  size_t worst_row = 0;
};

/// The model's value of a quantity at a size, or none if it was not measured.
using ModelLookup = std::function<std::optional<double>(const std::string& quantity, uint32_t size)>;
Comparison compare(const std::vector<MeasuredPoint>& points, const ModelLookup& model);

/// DMA read latency is affine in the 64-byte lines a read covers while completion
/// formation paces the completions, and a read behind a write waits for the write's
/// commit: model + a + b x lines (+ c for write-then-read) fits the measurements. The
/// weighted least squares (weights 1/measured^2, so relative errors count) is solved in
/// closed form by Eigen's QR.
struct LineFit {
  double constant_ns = 0;  ///< a: added to llc_read_ns
  double per_line_ns = 0;  ///< b: added to cpl_line_ns
  double write_ns = 0;     ///< c: added to mem_write_ns (0 without dma_write_read_ns points)
  bool has_write = false;
  size_t points = 0;
};
/// Uses the dma_read_ns and dma_write_read_ns points; needs dma_read_ns points of at
/// least two line counts; throws pcie::ConfigError otherwise.
LineFit fit_read_latency(const Comparison& c);

/// Lines of 64 bytes a `size`-byte read at a line-aligned address covers.
inline uint64_t lines_of(uint32_t size) {
  return (uint64_t{size} + 63) / 64;
}

}  // namespace irqlab::platform
