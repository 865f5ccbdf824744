/*
 * error_target.h: example TLM-2.0 target that fails: its ID register reads, and every
 * other access answers TLM_ADDRESS_ERROR_RESPONSE (a write to the ID register
 * TLM_COMMAND_ERROR_RESPONSE). The guest sees these as bus errors (data aborts).
 *
 * Registers (32-bit, offsets from base):
 *   0x00 ID      reads 0x0e770e77; read-only
 */
#ifndef BB_EXAMPLES_ERROR_TARGET_H
#define BB_EXAMPLES_ERROR_TARGET_H

#include <cstdint>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "registers.h"

namespace bb_examples
{

class tlm_error_target : public sc_core::sc_module
{
  public:
    tlm_utils::simple_target_socket<tlm_error_target> socket;
    static const uint32_t id = 0x0e770e77u;

    tlm_error_target(sc_core::sc_module_name name, uint64_t base)
        : sc_module(name), socket("socket"), base_(base)
    {
        socket.register_b_transport(this, &tlm_error_target::b_transport);
    }

  private:
    void b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay)
    {
        (void)delay;
        register_access a;
        if (!decode_register_access(gp, base_, 0x1000, &a)) return;
        if (a.offset != 0)
            gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        else if (a.write)
            gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        else
            answer_register_read(gp, id);
    }

    uint64_t base_;
};

} // namespace bb_examples

#endif
