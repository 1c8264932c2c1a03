// A TLM target that answers every access with an address error: binds MMIO sockets of
// CPUs in tests that do no MMIO (SystemC requires every socket bound).
#pragma once

#include <tlm_utils/simple_target_socket.h>

namespace irqlab::test {

struct NoDevice : sc_core::sc_module {
  tlm_utils::simple_target_socket<NoDevice> socket{"socket"};
  explicit NoDevice(sc_core::sc_module_name n) : sc_core::sc_module(n) {
    socket.register_b_transport(this, &NoDevice::b_transport);
  }
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time&) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
  }
};

}  // namespace irqlab::test
