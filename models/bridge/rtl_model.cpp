#include "rtl_model.hpp"

namespace irqlab::irqctrl {

std::unique_ptr<RtlModel> make_rtl_model_fst(const Config& cfg, const TraceOptions& trace);
std::unique_ptr<RtlModel> make_rtl_model_vcd(const Config& cfg, const TraceOptions& trace);
std::unique_ptr<RtlModel> make_rtl_model_2k(const Config& cfg, const TraceOptions& trace);
std::unique_ptr<RtlModel> make_rtl_model_vf(const Config& cfg, const TraceOptions& trace);

Config rtl_build_config(RtlBuild build) {
  Config cfg;  // the RTL's defaults, from the register map
  // The maximum-table build; tests read HWCFG to prove rtl/CMakeLists.txt agrees.
  if (build == RtlBuild::kTable2048) cfg.num_vectors = regs::kNumVectorsMax;
  if (build == RtlBuild::kVirtualFunction) cfg = vf_config();
  return cfg;
}

std::unique_ptr<RtlModel> make_rtl_model(RtlBuild build, const TraceOptions& trace) {
  const Config cfg = rtl_build_config(build);
  switch (build) {
    case RtlBuild::kDefaultVcd: return make_rtl_model_vcd(cfg, trace);
    case RtlBuild::kTable2048: return make_rtl_model_2k(cfg, trace);
    case RtlBuild::kVirtualFunction: return make_rtl_model_vf(cfg, trace);
    case RtlBuild::kDefaultFst: break;
  }
  return make_rtl_model_fst(cfg, trace);
}

RtlBuild build_for_trace_path(const std::string& path) {
  const std::string ext = ".vcd";
  const bool vcd = path.size() >= ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0;
  return vcd ? RtlBuild::kDefaultVcd : RtlBuild::kDefaultFst;
}

}  // namespace irqlab::irqctrl
