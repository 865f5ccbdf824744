/*
 * commands.c: the packets of the remote serial protocol that the stub answers, and its
 * stop replies. Every packet gets an answer: an unknown one the empty reply, a malformed
 * one an error (Exx with an errno number). The list is in docs/gdb.md.
 */
#include "gdbstub/stub.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/board.h"
#include "jit/instrument.h"

enum { THREAD_ALL = -1, THREAD_ANY = 0 };

static void reply(bb_gdbstub *s, const char *text)
{
    gdb_conn_send_str(&s->conn, text);
}

static void reply_buf(bb_gdbstub *s, gdb_buf *b)
{
    if (b->failed)
        reply(s, "E0c");
    else
        gdb_conn_send(&s->conn, b->data ? b->data : "", b->len);
    gdb_buf_free(b);
}

static void reply_error(bb_gdbstub *s, int err)
{
    char text[8];
    snprintf(text, sizeof(text), "E%02x", err & 0xff);
    reply(s, text);
}

static bool starts(const char *body, const char *prefix)
{
    return strncmp(body, prefix, strlen(prefix)) == 0;
}

/* A thread id: "-1" (all), "0" (any), a hex number, or "pPID.TID". Returns false when
 * malformed. */
static bool parse_thread(const char **p, int *tid)
{
    const char *q = *p;
    uint64_t v;
    if (*q == 'p') { /* multiprocess form: the process part is ignored */
        q++;
        if (*q == '-' && q[1] == '1')
            q += 2;
        else if (!gdb_parse_hex(&q, &v))
            return false;
        if (*q != '.') {
            *p = q;
            *tid = THREAD_ALL;
            return true;
        }
        q++;
    }
    if (q[0] == '-' && q[1] == '1') {
        *tid = THREAD_ALL;
        *p = q + 2;
        return true;
    }
    if (!gdb_parse_hex(&q, &v) || v > 0x7fffffff) return false;
    *tid = (int)v;
    *p = q;
    return true;
}

static bool thread_exists(bb_gdbstub *s, int tid)
{
    return tid >= 1 && tid <= s->m->n_cpus;
}

/* ---- stop replies ---- */

static bool reason_allowed(bb_gdbstub *s, const char *reason)
{
    if (!strcmp(reason, "swbreak")) return s->swbreak_ok;
    if (!strcmp(reason, "hwbreak")) return s->hwbreak_ok;
    return true;
}

void gdb_send_stop_reply(bb_gdbstub *s)
{
    const gdb_stop *st = &s->last_stop;
    gdb_buf b = {0};
    if (st->kind == STOP_EXITED) {
        gdb_buf_printf(&b, "W%02x", st->exit_code & 0xff);
    } else if (st->kind == STOP_TERMINATED) {
        gdb_buf_printf(&b, "X%02x", st->signal & 0xff);
    } else {
        bb_cpu *cpu = gdb_cpu(s, st->cpu);
        gdb_buf_printf(&b, "T%02x", st->signal & 0xff);
        for (const int *r = s->arch->expedite; cpu && *r >= 0; r++) {
            uint8_t value[16];
            for (int i = 0; i < s->n_regs; i++) {
                if (s->regs[i].regnum != (unsigned)*r || s->regs[i].bits > 128) continue;
                if (!s->arch->reg_read(cpu, (unsigned)*r, value)) break;
                gdb_buf_printf(&b, "%02x:", *r);
                gdb_buf_hex(&b, value, s->regs[i].bits / 8);
                gdb_buf_str(&b, ";");
            }
        }
        gdb_buf_printf(&b, "thread:%x;", st->cpu + 1);
        if (st->reason && reason_allowed(s, st->reason)) {
            if (!strcmp(st->reason, "swbreak") || !strcmp(st->reason, "hwbreak"))
                gdb_buf_printf(&b, "%s:;", st->reason);
            else
                gdb_buf_printf(&b, "%s:%x;", st->reason, st->data_addr);
        }
    }
    reply_buf(s, &b);
}

/* ---- registers ---- */

static unsigned reg_bytes(const bb_gdb_reg *r)
{
    return r->bits / 8;
}

static void cmd_read_registers(bb_gdbstub *s)
{
    bb_cpu *cpu = gdb_cpu(s, s->g_cpu);
    gdb_buf b = {0};
    for (int i = 0; i < s->n_regs; i++) {
        uint8_t value[64];
        if (reg_bytes(&s->regs[i]) <= sizeof(value) &&
            s->arch->reg_read(cpu, s->regs[i].regnum, value)) {
            gdb_buf_hex(&b, value, reg_bytes(&s->regs[i]));
        } else {
            for (unsigned k = 0; k < reg_bytes(&s->regs[i]); k++)
                gdb_buf_str(&b, "xx");
        }
    }
    reply_buf(s, &b);
}

/* After gdb changed registers: a watchpoint's pending instruction is not run again if
 * gdb moved the PC away from it. */
static void registers_written(bb_cpu *cpu, uint32_t old_pc)
{
    if (cpu->pc != old_pc) bb_instrument_cancel_replay(cpu);
}

static void cmd_write_registers(bb_gdbstub *s, const char *hex, size_t len)
{
    size_t total = 0;
    for (int i = 0; i < s->n_regs; i++)
        total += 2 * reg_bytes(&s->regs[i]);
    if (len != total) {
        reply_error(s, EINVAL);
        return;
    }
    bb_cpu *cpu = gdb_cpu(s, s->g_cpu);
    uint32_t old_pc = cpu->pc;
    uint8_t values[BB_GDB_MAX_REGS][16];
    size_t pos = 0;
    for (int i = 0; i < s->n_regs; i++) { /* all or nothing: check every value first */
        unsigned bytes = reg_bytes(&s->regs[i]);
        if (bytes > sizeof(values[i]) ||
            (hex[pos] != 'x' && !gdb_hex_decode(hex + pos, values[i], bytes))) {
            reply_error(s, EINVAL);
            return;
        }
        pos += 2 * bytes;
    }
    pos = 0;
    for (int i = 0; i < s->n_regs; i++) {
        if (hex[pos] != 'x') s->arch->reg_write(cpu, s->regs[i].regnum, values[i]);
        pos += 2 * reg_bytes(&s->regs[i]);
    }
    registers_written(cpu, old_pc);
    reply(s, "OK");
}

static const bb_gdb_reg *find_reg(bb_gdbstub *s, uint64_t regnum)
{
    for (int i = 0; i < s->n_regs; i++)
        if (s->regs[i].regnum == regnum) return &s->regs[i];
    return NULL;
}

static void cmd_read_register(bb_gdbstub *s, const char *args)
{
    uint64_t regnum;
    const bb_gdb_reg *r = gdb_parse_hex(&args, &regnum) && !*args ? find_reg(s, regnum) : NULL;
    uint8_t value[64];
    if (!r || reg_bytes(r) > sizeof(value) ||
        !s->arch->reg_read(gdb_cpu(s, s->g_cpu), r->regnum, value)) {
        reply_error(s, EINVAL);
        return;
    }
    gdb_buf b = {0};
    gdb_buf_hex(&b, value, reg_bytes(r));
    reply_buf(s, &b);
}

static void cmd_write_register(bb_gdbstub *s, const char *args)
{
    uint64_t regnum;
    const bb_gdb_reg *r =
        gdb_parse_hex(&args, &regnum) && *args == '=' ? find_reg(s, regnum) : NULL;
    uint8_t value[64];
    if (!r || reg_bytes(r) > sizeof(value) || strlen(args + 1) != 2 * reg_bytes(r) ||
        !gdb_hex_decode(args + 1, value, reg_bytes(r))) {
        reply_error(s, EINVAL);
        return;
    }
    bb_cpu *cpu = gdb_cpu(s, s->g_cpu);
    uint32_t old_pc = cpu->pc;
    s->arch->reg_write(cpu, r->regnum, value);
    registers_written(cpu, old_pc);
    reply(s, "OK");
}

/* ---- memory ---- */

/* "ADDR,LEN" then `end` (':' or the end of the packet). */
static bool parse_range(const char **p, char end, uint32_t *addr, uint32_t *len)
{
    uint64_t a, l;
    const char *q = *p;
    if (!gdb_parse_hex(&q, &a) || *q++ != ',' || !gdb_parse_hex(&q, &l) || *q != end) return false;
    if (a > 0xffffffffu || l > 0xffffffffu) return false;
    *addr = (uint32_t)a;
    *len = (uint32_t)l;
    *p = end ? q + 1 : q;
    return true;
}

/* Reads as much of [addr, addr + len) as is mapped from the start; returns the count. */
static uint32_t read_memory(bb_cpu *cpu, uint32_t addr, uint8_t *buf, uint32_t len)
{
    uint32_t done = 0;
    while (done < len) {
        uint32_t at = addr + done;
        uint32_t chunk = BB_PAGE_SIZE - (at & (BB_PAGE_SIZE - 1));
        if (chunk > len - done) chunk = len - done;
        if (!bb_cpu_debug_rw(cpu, at, buf + done, chunk, false)) {
            /* The page may be partly mapped (tiny pages, the end of a region). */
            while (chunk && bb_cpu_debug_rw(cpu, at, buf + done, 1, false)) {
                done++, at++, chunk--;
            }
            break;
        }
        done += chunk;
    }
    return done;
}

static void cmd_read_memory(bb_gdbstub *s, const char *args)
{
    uint32_t addr, len;
    if (!parse_range(&args, 0, &addr, &len)) {
        reply_error(s, EINVAL);
        return;
    }
    if (len > (GDB_PACKET_SIZE - 8) / 2) len = (GDB_PACKET_SIZE - 8) / 2;
    if (len > 0xffffffffu - addr + 1ull) len = 0xffffffffu - addr + 1;
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf) {
        reply_error(s, ENOMEM);
        return;
    }
    uint32_t got = read_memory(gdb_cpu(s, s->g_cpu), addr, buf, len);
    if (got == 0 && len > 0) {
        reply_error(s, EFAULT);
    } else {
        gdb_buf b = {0};
        gdb_buf_hex(&b, buf, got);
        reply_buf(s, &b);
    }
    free(buf);
}

static void write_memory(bb_gdbstub *s, uint32_t addr, const uint8_t *data, uint32_t len)
{
    if (len && !bb_cpu_debug_rw(gdb_cpu(s, s->g_cpu), addr, (void *)data, len, true))
        reply_error(s, EFAULT);
    else
        reply(s, "OK");
}

static void cmd_write_memory_hex(bb_gdbstub *s, const char *args)
{
    uint32_t addr, len;
    if (!parse_range(&args, ':', &addr, &len) || len > GDB_PACKET_SIZE ||
        strlen(args) != 2ull * len) {
        reply_error(s, EINVAL);
        return;
    }
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf) {
        reply_error(s, ENOMEM);
        return;
    }
    if (gdb_hex_decode(args, buf, len))
        write_memory(s, addr, buf, len);
    else
        reply_error(s, EINVAL);
    free(buf);
}

static void cmd_write_memory_binary(bb_gdbstub *s, const char *body, size_t body_len)
{
    const char *args = body + 1;
    uint32_t addr, len;
    if (!parse_range(&args, ':', &addr, &len)) {
        reply_error(s, EINVAL);
        return;
    }
    const char *data = args, *end = body + body_len;
    if (len > GDB_PACKET_SIZE) {
        reply_error(s, EINVAL);
        return;
    }
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf) {
        reply_error(s, ENOMEM);
        return;
    }
    uint32_t n = 0;
    while (data < end && n < len) {
        char ch = *data++;
        if (ch == '}') {
            if (data == end) break;
            ch = (char)(*data++ ^ 0x20);
        }
        buf[n++] = (uint8_t)ch;
    }
    if (n != len || data != end)
        reply_error(s, EINVAL);
    else
        write_memory(s, addr, buf, len);
    free(buf);
}

/* gdb's CRC-32 (qCRC, `compare-sections`): polynomial 0x04c11db7, MSB first, initial
 * value 0xffffffff, no final inversion. */
static uint32_t crc32_gdb(uint32_t crc, const uint8_t *data, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++) {
        crc ^= (uint32_t)data[i] << 24;
        for (int bit = 0; bit < 8; bit++)
            crc = crc & 0x80000000u ? crc << 1 ^ 0x04c11db7u : crc << 1;
    }
    return crc;
}

static void cmd_crc(bb_gdbstub *s, const char *args)
{
    uint32_t addr, len;
    if (!parse_range(&args, 0, &addr, &len)) {
        reply_error(s, EINVAL);
        return;
    }
    uint32_t crc = 0xffffffffu;
    uint8_t chunk[4096];
    bb_cpu *cpu = gdb_cpu(s, s->g_cpu);
    for (uint32_t done = 0; done < len;) {
        uint32_t n = len - done < sizeof(chunk) ? len - done : (uint32_t)sizeof(chunk);
        if (read_memory(cpu, addr + done, chunk, n) != n) {
            reply_error(s, EFAULT);
            return;
        }
        crc = crc32_gdb(crc, chunk, n);
        done += n;
    }
    char text[16];
    snprintf(text, sizeof(text), "C%08x", crc);
    reply(s, text);
}

/* ---- execution ---- */

/* c/s/C/S with an optional resume address (and C/S a signal, which bare metal ignores). */
static void cmd_resume(bb_gdbstub *s, const char *body)
{
    const char *p = body + 1;
    uint64_t value;
    if (body[0] == 'C' || body[0] == 'S') {
        if (!gdb_parse_hex(&p, &value)) {
            reply_error(s, EINVAL);
            return;
        }
        if (*p == ';')
            p++;
        else if (*p) {
            reply_error(s, EINVAL);
            return;
        }
    }
    int cpu_index = s->c_cpu >= 0 ? s->c_cpu : s->last_stop.cpu;
    if (*p) {
        if (!gdb_parse_hex(&p, &value) || *p || value > 0xffffffffu) {
            reply_error(s, EINVAL);
            return;
        }
        gdb_cpu(s, cpu_index)->pc = (uint32_t)value;
        bb_instrument_cancel_replay(gdb_cpu(s, cpu_index));
    }
    if (body[0] == 's' || body[0] == 'S')
        gdb_resume_step(s, cpu_index);
    else
        gdb_resume_continue(s);
}

static void cmd_vcont(bb_gdbstub *s, const char *p)
{
    if (!strcmp(p, "?")) {
        reply(s, "vCont;c;C;s;S");
        return;
    }
    bool decided[BB_MAX_CPUS] = {false};
    int step = -1;
    bool cont = false;
    while (*p == ';') {
        p++;
        char action = *p++;
        uint64_t sig;
        if ((action == 'C' || action == 'S') && !gdb_parse_hex(&p, &sig)) break;
        if (action != 'c' && action != 's' && action != 'C' && action != 'S') {
            reply_error(s, EINVAL); /* t and r: not in all-stop mode, not announced */
            return;
        }
        int tid = THREAD_ALL;
        if (*p == ':' && (p++, !parse_thread(&p, &tid))) break;
        for (int i = 0; i < s->m->n_cpus; i++) {
            if (decided[i]) continue;
            if (tid != THREAD_ALL && tid != THREAD_ANY && tid != i + 1) continue;
            decided[i] = true;
            if (action == 's' || action == 'S') {
                if (step < 0) step = i;
            } else {
                cont = true;
            }
            if (tid == THREAD_ANY) break;
        }
    }
    if (*p || (step < 0 && !cont)) {
        reply_error(s, EINVAL);
        return;
    }
    if (step >= 0)
        gdb_resume_step(s, step);
    else
        gdb_resume_continue(s);
}

static void cmd_point(bb_gdbstub *s, const char *body)
{
    const char *p = body + 1;
    uint64_t type = 0, addr, kind;
    if (!gdb_parse_hex(&p, &type) || *p++ != ',' || !gdb_parse_hex(&p, &addr) || *p++ != ',' ||
        !gdb_parse_hex(&p, &kind) || (*p && *p != ';') || addr > 0xffffffffu ||
        kind > 0xffffffffu || type > 4) {
        if (type > 4)
            reply(s, "");
        else
            reply_error(s, EINVAL);
        return;
    }
    if (*p == ';') { /* conditions and commands: not announced */
        reply(s, "");
        return;
    }
    int rc = body[0] == 'Z' ? gdb_point_insert(s, (int)type, (uint32_t)addr, (uint32_t)kind)
                            : gdb_point_remove(s, (int)type, (uint32_t)addr, (uint32_t)kind);
    if (rc == 0)
        reply(s, "OK");
    else if (rc < 0)
        reply(s, "");
    else
        reply_error(s, rc);
}

/* ---- threads ---- */

static void cmd_set_thread(bb_gdbstub *s, const char *body)
{
    const char *p = body + 2;
    int tid;
    if ((body[1] != 'g' && body[1] != 'c') || !parse_thread(&p, &tid) || *p ||
        (tid > 0 && !thread_exists(s, tid))) {
        reply_error(s, EINVAL);
        return;
    }
    if (body[1] == 'g')
        s->g_cpu = tid > 0 ? tid - 1 : s->last_stop.cpu;
    else
        s->c_cpu = tid > 0 ? tid - 1 : -1;
    reply(s, "OK");
}

static void cmd_thread_alive(bb_gdbstub *s, const char *body)
{
    const char *p = body + 1;
    int tid;
    if (parse_thread(&p, &tid) && !*p && thread_exists(s, tid))
        reply(s, "OK");
    else
        reply_error(s, ESRCH);
}

static void cmd_thread_extra(bb_gdbstub *s, const char *args)
{
    int tid;
    if (!parse_thread(&args, &tid) || *args || !thread_exists(s, tid)) {
        reply_error(s, ESRCH);
        return;
    }
    char text[160];
    bb_cpu *cpu = gdb_cpu(s, tid - 1);
    snprintf(text, sizeof(text), "%s%s",
             s->m->cpu_model ? s->m->cpu_model->compatible : s->arch->architecture,
             cpu->halted ? ", waiting for an interrupt" : "");
    gdb_buf b = {0};
    gdb_buf_hex(&b, (const uint8_t *)text, strlen(text));
    reply_buf(s, &b);
}

static void cmd_thread_list(bb_gdbstub *s)
{
    gdb_buf b = {0};
    gdb_buf_str(&b, "m");
    for (int i = 0; i < s->m->n_cpus; i++)
        gdb_buf_printf(&b, "%s%x", i ? "," : "", i + 1);
    reply_buf(s, &b);
}

/* ---- queries ---- */

static void cmd_supported(bb_gdbstub *s, const char *features)
{
    s->swbreak_ok = strstr(features, "swbreak+") != NULL;
    s->hwbreak_ok = strstr(features, "hwbreak+") != NULL;
    char text[256];
    snprintf(text, sizeof(text),
             "PacketSize=%x;QStartNoAckMode+;qXfer:features:read+;qXfer:memory-map:read+;"
             "qXfer:threads:read+;swbreak+;hwbreak+;vContSupported+",
             GDB_PACKET_SIZE);
    reply(s, text);
}

/* qXfer:OBJECT:read:ANNEX:OFFSET,LENGTH */
static void cmd_xfer(bb_gdbstub *s, const char *args)
{
    char *doc = NULL;
    const char *p;
    if (starts(args, "features:read:target.xml:")) {
        p = args + strlen("features:read:target.xml:");
        doc = gdb_xml_target(s);
    } else if (starts(args, "memory-map:read::")) {
        p = args + strlen("memory-map:read::");
        doc = gdb_xml_memory_map(s);
    } else if (starts(args, "threads:read::")) {
        p = args + strlen("threads:read::");
        doc = gdb_xml_threads(s);
    } else if (starts(args, "features:read:")) {
        reply_error(s, ENOENT); /* an annex we do not have */
        return;
    } else {
        reply(s, "");
        return;
    }
    uint32_t offset, length;
    if (!doc || !parse_range(&p, 0, &offset, &length)) {
        reply_error(s, doc ? EINVAL : ENOMEM);
        free(doc);
        return;
    }
    size_t total = strlen(doc);
    if (length > GDB_PACKET_SIZE - 8) length = GDB_PACKET_SIZE - 8;
    gdb_buf b = {0};
    if (offset >= total) {
        gdb_buf_str(&b, "l");
    } else {
        size_t n = total - offset < length ? total - offset : length;
        gdb_buf_str(&b, offset + n < total ? "m" : "l");
        gdb_buf_add(&b, doc + offset, n);
    }
    free(doc);
    reply_buf(s, &b);
}

/* qRcmd,HEX: the monitor line; its output goes back in O packets before the final OK. */
static void cmd_monitor(bb_gdbstub *s, const char *hex)
{
    size_t n = strlen(hex) / 2;
    char *line = malloc(n + 1);
    if (!line || strlen(hex) % 2 || !gdb_hex_decode(hex, (uint8_t *)line, n)) {
        free(line);
        reply_error(s, EINVAL);
        return;
    }
    line[n] = 0;
    char *text = NULL;
    size_t text_len = 0;
    FILE *out = open_memstream(&text, &text_len);
    if (!out) {
        free(line);
        reply_error(s, ENOMEM);
        return;
    }
    int status = bb_gdbstub_monitor(s, line, out);
    fclose(out);
    free(line);
    for (size_t pos = 0; pos < text_len;) {
        size_t chunk = text_len - pos < 1024 ? text_len - pos : 1024;
        gdb_buf b = {0};
        gdb_buf_str(&b, "O");
        gdb_buf_hex(&b, (const uint8_t *)text + pos, chunk);
        reply_buf(s, &b);
        pos += chunk;
    }
    free(text);
    if (status == 0)
        reply(s, "OK");
    else
        reply_error(s, status < 0 ? ENOENT : EINVAL);
}

static void cmd_query(bb_gdbstub *s, const char *body)
{
    if (starts(body, "qSupported"))
        cmd_supported(s, body + strlen("qSupported"));
    else if (starts(body, "qXfer:"))
        cmd_xfer(s, body + strlen("qXfer:"));
    else if (!strcmp(body, "qC")) {
        char text[16];
        snprintf(text, sizeof(text), "QC%x", s->last_stop.cpu + 1);
        reply(s, text);
    } else if (starts(body, "qAttached"))
        reply(s, "1");
    else if (!strcmp(body, "qfThreadInfo"))
        cmd_thread_list(s);
    else if (!strcmp(body, "qsThreadInfo"))
        reply(s, "l");
    else if (starts(body, "qThreadExtraInfo,"))
        cmd_thread_extra(s, body + strlen("qThreadExtraInfo,"));
    else if (starts(body, "qRcmd,"))
        cmd_monitor(s, body + strlen("qRcmd,"));
    else if (starts(body, "qCRC:"))
        cmd_crc(s, body + strlen("qCRC:"));
    else if (starts(body, "qSymbol:"))
        reply(s, "OK");
    else
        reply(s, "");
}

static void cmd_set(bb_gdbstub *s, const char *body)
{
    if (!strcmp(body, "QStartNoAckMode")) {
        reply(s, "OK");
        s->conn.no_ack = true;
    } else {
        reply(s, "");
    }
}

static void cmd_v(bb_gdbstub *s, const char *body)
{
    if (starts(body, "vCont")) {
        cmd_vcont(s, body + strlen("vCont"));
    } else if (starts(body, "vKill")) {
        reply(s, "OK");
        gdb_finish(s, BB_STOP_REQUEST);
    } else {
        reply(s, ""); /* vMustReplyEmpty and everything we do not know */
    }
}

void gdb_handle_packet(bb_gdbstub *s, char *body, size_t len)
{
    if (len == 0) {
        reply(s, "");
        return;
    }
    if (strlen(body) != len && body[0] != 'X') { /* a NUL inside a text packet */
        reply_error(s, EINVAL);
        return;
    }
    switch (body[0]) {
    case '?': gdb_send_stop_reply(s); break;
    case 'g': cmd_read_registers(s); break;
    case 'G': cmd_write_registers(s, body + 1, len - 1); break;
    case 'p': cmd_read_register(s, body + 1); break;
    case 'P': cmd_write_register(s, body + 1); break;
    case 'm': cmd_read_memory(s, body + 1); break;
    case 'M': cmd_write_memory_hex(s, body + 1); break;
    case 'X': cmd_write_memory_binary(s, body, len); break;
    case 'c':
    case 's':
    case 'C':
    case 'S': cmd_resume(s, body); break;
    case 'v': cmd_v(s, body); break;
    case 'Z':
    case 'z': cmd_point(s, body); break;
    case 'H': cmd_set_thread(s, body); break;
    case 'T': cmd_thread_alive(s, body); break;
    case 'q': cmd_query(s, body); break;
    case 'Q': cmd_set(s, body); break;
    case 'D':
        reply(s, "OK");
        gdb_drop_connection(s, true);
        break;
    case 'k': gdb_finish(s, BB_STOP_REQUEST); break;
    default: reply(s, ""); break;
    }
}
