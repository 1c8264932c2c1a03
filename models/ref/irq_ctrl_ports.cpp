#include "irq_ctrl_ports.hpp"

namespace irqlab::irqctrl {

std::vector<Mismatch> compare(const Outputs& a, const Outputs& b) {
  std::vector<Mismatch> out;
  auto check = [&out](const char* name, uint64_t x, uint64_t y) {
    if (x != y) out.push_back({name, x, y});
  };
  check("awready_o", a.awready, b.awready);
  check("wready_o", a.wready, b.wready);
  check("bvalid_o", a.bvalid, b.bvalid);
  check("bresp_o", a.bresp, b.bresp);
  check("arready_o", a.arready, b.arready);
  check("rvalid_o", a.rvalid, b.rvalid);
  check("rdata_o", a.rdata, b.rdata);
  check("rresp_o", a.rresp, b.rresp);
  check("msg_valid_o", a.msg_valid, b.msg_valid);
  check("msg_addr_o", a.msg_addr, b.msg_addr);
  check("msg_data_o", a.msg_data, b.msg_data);
  check("msg_vector_o", a.msg_vector, b.msg_vector);
  check("intx_o", a.intx, b.intx);
  check("intx_status_o", a.intx_status, b.intx_status);
  check("idle_o", a.idle, b.idle);
  check("wake_o", a.wake, b.wake);
  check("msi_pending_o", a.msi_pending, b.msi_pending);
  check("intr_status_o", a.intr_status, b.intr_status);
  return out;
}

}  // namespace irqlab::irqctrl
