/*
 * registers.h: a helper for the example peripherals: decodes a b_transport into one
 * 32-bit register access (word-aligned, 4 bytes, no byte enables), or answers with the
 * TLM error response that fits.
 */
#ifndef BB_EXAMPLES_REGISTERS_H
#define BB_EXAMPLES_REGISTERS_H

#include <cstdint>
#include <cstring>

#include <tlm>

namespace bb_examples
{

struct register_access {
    bool write;
    uint64_t offset; /* from the peripheral's base */
    uint32_t value;  /* written value (writes) */
};

/* Fills `access` and returns true for a well-formed register access; otherwise sets the
 * error response and returns false. */
inline bool decode_register_access(tlm::tlm_generic_payload &gp, uint64_t base, uint64_t size,
                                   register_access *access)
{
    uint64_t addr = gp.get_address();
    if (addr < base || addr - base >= size) {
        gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return false;
    }
    if (gp.get_data_length() != 4 || (addr & 3) != 0 || gp.get_streaming_width() < 4) {
        gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return false;
    }
    if (gp.get_byte_enable_ptr()) {
        gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return false;
    }
    if (!gp.is_read() && !gp.is_write()) {
        gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return false;
    }
    access->write = gp.is_write();
    access->offset = addr - base;
    access->value = 0;
    if (access->write) memcpy(&access->value, gp.get_data_ptr(), 4); /* little-endian host */
    return true;
}

/* Completes a read with `value`. */
inline void answer_register_read(tlm::tlm_generic_payload &gp, uint32_t value)
{
    memcpy(gp.get_data_ptr(), &value, 4);
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

} // namespace bb_examples

#endif
