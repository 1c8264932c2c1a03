// The controller builds directed tests run on, as GoogleTest type parameters: each
// Verilated build and the reference model configured like it.
#pragma once

#include <memory>

#include "irq_ctrl_ref.hpp"
#include "rtl_model.hpp"

namespace irqlab::irqctrl::test {

template <RtlBuild B>
struct Rtl {
  static std::unique_ptr<PortModel> make() { return make_rtl_model(B); }
};
template <RtlBuild B>
struct Ref {
  static std::unique_ptr<PortModel> make() { return std::make_unique<IrqCtrlRef>(rtl_build_config(B)); }
};

using Rtl64 = Rtl<RtlBuild::kDefaultFst>;
using Ref64 = Ref<RtlBuild::kDefaultFst>;
using Rtl2048 = Rtl<RtlBuild::kTable2048>;
using Ref2048 = Ref<RtlBuild::kTable2048>;
using RtlVf = Rtl<RtlBuild::kVirtualFunction>;
using RefVf = Ref<RtlBuild::kVirtualFunction>;

}  // namespace irqlab::irqctrl::test
