/*
 * semihosting.c: the ARM semihosting calls (operation in r0, parameter in r1).
 *
 * Console output (SYS_WRITEC, SYS_WRITE0, SYS_WRITE to the ":tt" handles) goes straight
 * to the host's fd 1 or 2 with write(2), so it keeps its order with UART output on the
 * stdio backend. The special file ":semihosting-features" reports SH_EXT_EXIT_EXTENDED
 * and SH_EXT_STDOUT_STDERR, so C libraries pass exit codes with SYS_EXIT_EXTENDED and
 * open ":tt" in mode "a" for stderr.
 *
 * Time is virtual and deterministic: SYS_CLOCK is centiseconds and SYS_ELAPSED
 * nanoseconds of virtual time, and SYS_TIME counts seconds of virtual time from an epoch
 * of 0 (the guest sees 1970-01-01 at reset), so runs are reproducible.
 *
 * Host files (opening real paths, SYS_REMOVE, SYS_RENAME, SYS_TMPNAM) need
 * BB_SEMIHOSTING_FULL; otherwise they fail with EPERM. SYS_SYSTEM is always refused.
 * Errors return -1 and set the value SYS_ERRNO reports (host errno numbers, which match
 * newlib's for the common ones).
 */
#include "core/semihosting.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/machine.h"

enum {
    SYS_OPEN = 0x01,
    SYS_CLOSE = 0x02,
    SYS_WRITEC = 0x03,
    SYS_WRITE0 = 0x04,
    SYS_WRITE = 0x05,
    SYS_READ = 0x06,
    SYS_READC = 0x07,
    SYS_ISERROR = 0x08,
    SYS_ISTTY = 0x09,
    SYS_SEEK = 0x0a,
    SYS_FLEN = 0x0c,
    SYS_TMPNAM = 0x0d,
    SYS_REMOVE = 0x0e,
    SYS_RENAME = 0x0f,
    SYS_CLOCK = 0x10,
    SYS_TIME = 0x11,
    SYS_SYSTEM = 0x12,
    SYS_ERRNO = 0x13,
    SYS_GET_CMDLINE = 0x15,
    SYS_HEAPINFO = 0x16,
    SYS_EXIT = 0x18,
    SYS_EXIT_EXTENDED = 0x20,
    SYS_ELAPSED = 0x30,
    SYS_TICKFREQ = 0x31,
};

#define ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define FAILED                       0xffffffffu /* -1 in r0 */
#define MAX_HANDLES                  32
#define MAX_PATH                     1024

static const uint8_t features[] = {'S', 'H', 'F', 'B', 0x03};

typedef enum handle_kind {
    HANDLE_FREE,
    HANDLE_STDIN,
    HANDLE_STDOUT,
    HANDLE_STDERR,
    HANDLE_FEATURES,
    HANDLE_FILE,
} handle_kind;

typedef struct handle {
    handle_kind kind;
    int fd;       /* HANDLE_FILE */
    uint32_t pos; /* HANDLE_FEATURES: read position */
} handle;

/* Handle N (from 1) is handles[N - 1]. */
struct bb_semihosting_state {
    handle handles[MAX_HANDLES];
    int last_errno;
    char cmdline[256]; /* empty: nothing sets it yet */
};

typedef struct call {
    bb_machine *m;
    struct bb_semihosting_state *st;
    const bb_semihosting_guest *guest;
} call;

static uint32_t fail(call *c, int err)
{
    c->st->last_errno = err;
    return FAILED;
}

static bool write_host(int fd, const uint8_t *buf, size_t len)
{
    while (len) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

/* Reads n little-endian words of the parameter block. */
static bool read_args(call *c, uint32_t addr, uint32_t *args, int n)
{
    uint8_t raw[16];
    if (!c->guest->read(c->guest->opaque, addr, raw, 4 * (size_t)n)) return false;
    for (int i = 0; i < n; i++)
        args[i] = raw[4 * i] | (uint32_t)raw[4 * i + 1] << 8 | (uint32_t)raw[4 * i + 2] << 16 |
                  (uint32_t)raw[4 * i + 3] << 24;
    return true;
}

static bool write_words(call *c, uint32_t addr, const uint32_t *words, int n)
{
    uint8_t raw[16];
    for (int i = 0; i < n; i++)
        for (int b = 0; b < 4; b++)
            raw[4 * i + b] = (uint8_t)(words[i] >> (8 * b));
    return c->guest->write(c->guest->opaque, addr, raw, 4 * (size_t)n);
}

/* A guest string of `len` bytes (not counting a NUL) into a host buffer. */
static bool read_name(call *c, uint32_t addr, uint32_t len, char *out, int *err)
{
    if (len >= MAX_PATH) {
        *err = ENAMETOOLONG;
        return false;
    }
    if (!c->guest->read(c->guest->opaque, addr, out, len)) {
        *err = EFAULT;
        return false;
    }
    out[len] = '\0';
    return true;
}

static handle *get_handle(call *c, uint32_t number)
{
    if (number < 1 || number > MAX_HANDLES) return NULL;
    handle *h = &c->st->handles[number - 1];
    return h->kind == HANDLE_FREE ? NULL : h;
}

static uint32_t new_handle(call *c, handle_kind kind, int fd)
{
    for (uint32_t i = 0; i < MAX_HANDLES; i++) {
        if (c->st->handles[i].kind == HANDLE_FREE) {
            c->st->handles[i] = (handle){kind, fd, 0};
            return i + 1;
        }
    }
    if (fd >= 0) close(fd);
    return fail(c, EMFILE);
}

static bool host_files_allowed(call *c)
{
    return c->m->semihosting == BB_SEMIHOSTING_FULL;
}

/* --- files --- */

static uint32_t sys_open(call *c, uint32_t param)
{
    static const int open_flags[] = {
        O_RDONLY,
        O_RDONLY,
        O_RDWR,
        O_RDWR, /* r rb r+ r+b */
        O_WRONLY | O_CREAT | O_TRUNC,
        O_WRONLY | O_CREAT | O_TRUNC, /* w wb */
        O_RDWR | O_CREAT | O_TRUNC,
        O_RDWR | O_CREAT | O_TRUNC, /* w+ w+b */
        O_WRONLY | O_CREAT | O_APPEND,
        O_WRONLY | O_CREAT | O_APPEND, /* a ab */
        O_RDWR | O_CREAT | O_APPEND,
        O_RDWR | O_CREAT | O_APPEND, /* a+ a+b */
    };
    uint32_t args[3];
    char name[MAX_PATH];
    int err;
    if (!read_args(c, param, args, 3)) return fail(c, EFAULT);
    if (!read_name(c, args[0], args[2], name, &err)) return fail(c, err);
    uint32_t mode = args[1];
    if (mode > 11) return fail(c, EINVAL);
    if (strcmp(name, ":tt") == 0)
        return new_handle(c,
                          mode < 4   ? HANDLE_STDIN
                          : mode < 8 ? HANDLE_STDOUT
                                     : HANDLE_STDERR,
                          -1);
    if (strcmp(name, ":semihosting-features") == 0)
        return mode < 4 ? new_handle(c, HANDLE_FEATURES, -1) : fail(c, EACCES);
    if (!host_files_allowed(c)) return fail(c, EPERM);
    int fd = open(name, open_flags[mode] | O_CLOEXEC, 0644);
    if (fd < 0) return fail(c, errno);
    return new_handle(c, HANDLE_FILE, fd);
}

static uint32_t sys_close(call *c, uint32_t param)
{
    uint32_t args[1];
    if (!read_args(c, param, args, 1)) return fail(c, EFAULT);
    handle *h = get_handle(c, args[0]);
    if (!h) return fail(c, EBADF);
    if (h->kind == HANDLE_FILE) close(h->fd);
    h->kind = HANDLE_FREE;
    return 0;
}

/* SYS_WRITE: returns the number of bytes not written. */
static uint32_t sys_write(call *c, uint32_t param)
{
    uint32_t args[3];
    if (!read_args(c, param, args, 3)) return fail(c, EFAULT);
    handle *h = get_handle(c, args[0]);
    int fd = !h                         ? -1
             : h->kind == HANDLE_STDOUT ? STDOUT_FILENO
             : h->kind == HANDLE_STDERR ? STDERR_FILENO
             : h->kind == HANDLE_FILE   ? h->fd
                                        : -1;
    if (fd < 0) return fail(c, EBADF);
    uint32_t addr = args[1], left = args[2];
    uint8_t buf[4096];
    while (left) {
        uint32_t chunk = left < sizeof(buf) ? left : (uint32_t)sizeof(buf);
        if (!c->guest->read(c->guest->opaque, addr, buf, chunk)) {
            c->st->last_errno = EFAULT;
            break;
        }
        if (!write_host(fd, buf, chunk)) {
            c->st->last_errno = errno;
            break;
        }
        addr += chunk;
        left -= chunk;
    }
    return left;
}

/* Reads up to len bytes of a handle into buf; returns the count, or -1. */
static ssize_t read_handle(call *c, handle *h, uint8_t *buf, size_t len)
{
    if (h->kind == HANDLE_FEATURES) {
        size_t avail = h->pos < sizeof(features) ? sizeof(features) - h->pos : 0;
        size_t n = len < avail ? len : avail;
        memcpy(buf, features + h->pos, n);
        h->pos += (uint32_t)n;
        return (ssize_t)n;
    }
    int fd = h->kind == HANDLE_STDIN ? STDIN_FILENO : h->kind == HANDLE_FILE ? h->fd : -1;
    if (fd < 0) {
        c->st->last_errno = EBADF;
        return -1;
    }
    for (;;) {
        ssize_t n = read(fd, buf, len);
        if (n >= 0) return n;
        if (errno != EINTR) {
            c->st->last_errno = errno;
            return -1;
        }
    }
}

/* SYS_READ: returns the number of bytes not read (all of them at end of file). The
 * console returns what one read gives (a line on a terminal), as the spec allows. */
static uint32_t sys_read(call *c, uint32_t param)
{
    uint32_t args[3];
    if (!read_args(c, param, args, 3)) return fail(c, EFAULT);
    handle *h = get_handle(c, args[0]);
    if (!h) return fail(c, EBADF);
    uint32_t addr = args[1], left = args[2];
    uint8_t buf[4096];
    while (left) {
        size_t want = left < sizeof(buf) ? left : sizeof(buf);
        ssize_t n = read_handle(c, h, buf, want);
        if (n < 0) return left == args[2] ? FAILED : left;
        if (n == 0) break;
        if (!c->guest->write(c->guest->opaque, addr, buf, (size_t)n)) return fail(c, EFAULT);
        addr += (uint32_t)n;
        left -= (uint32_t)n;
        if (h->kind == HANDLE_STDIN || (size_t)n < want) break;
    }
    return left;
}

static uint32_t sys_istty(call *c, uint32_t param)
{
    uint32_t args[1];
    if (!read_args(c, param, args, 1)) return fail(c, EFAULT);
    handle *h = get_handle(c, args[0]);
    if (!h) return fail(c, EBADF);
    switch (h->kind) {
    case HANDLE_STDIN:
    case HANDLE_STDOUT:
    case HANDLE_STDERR: return 1;
    case HANDLE_FILE: return isatty(h->fd) ? 1 : 0;
    default: return 0;
    }
}

static uint32_t sys_seek(call *c, uint32_t param)
{
    uint32_t args[2];
    if (!read_args(c, param, args, 2)) return fail(c, EFAULT);
    handle *h = get_handle(c, args[0]);
    if (!h) return fail(c, EBADF);
    if (h->kind == HANDLE_FEATURES) {
        if (args[1] > sizeof(features)) return fail(c, EINVAL);
        h->pos = args[1];
        return 0;
    }
    if (h->kind != HANDLE_FILE) return fail(c, ESPIPE);
    if (lseek(h->fd, (off_t)args[1], SEEK_SET) < 0) return fail(c, errno);
    return 0;
}

static uint32_t sys_flen(call *c, uint32_t param)
{
    uint32_t args[1];
    if (!read_args(c, param, args, 1)) return fail(c, EFAULT);
    handle *h = get_handle(c, args[0]);
    if (!h) return fail(c, EBADF);
    if (h->kind == HANDLE_FEATURES) return sizeof(features);
    if (h->kind != HANDLE_FILE) return 0; /* the console has no length */
    struct stat st;
    if (fstat(h->fd, &st) != 0) return fail(c, errno);
    return (uint32_t)st.st_size;
}

static uint32_t sys_tmpnam(call *c, uint32_t param)
{
    uint32_t args[3];
    if (!read_args(c, param, args, 3)) return fail(c, EFAULT);
    if (!host_files_allowed(c)) return fail(c, EPERM);
    char name[64];
    int len =
        snprintf(name, sizeof(name), "/tmp/brassboard-%ld-%03u", (long)getpid(), args[1] & 0xff);
    if ((uint32_t)len + 1 > args[2]) return fail(c, ERANGE);
    if (!c->guest->write(c->guest->opaque, args[0], name, (size_t)len + 1)) return fail(c, EFAULT);
    return 0;
}

static uint32_t sys_remove(call *c, uint32_t param)
{
    uint32_t args[2];
    char name[MAX_PATH];
    int err;
    if (!read_args(c, param, args, 2)) return fail(c, EFAULT);
    if (!host_files_allowed(c)) return fail(c, EPERM);
    if (!read_name(c, args[0], args[1], name, &err)) return fail(c, err);
    return unlink(name) == 0 ? 0 : fail(c, errno);
}

static uint32_t sys_rename(call *c, uint32_t param)
{
    uint32_t args[4];
    char from[MAX_PATH], to[MAX_PATH];
    int err;
    if (!read_args(c, param, args, 4)) return fail(c, EFAULT);
    if (!host_files_allowed(c)) return fail(c, EPERM);
    if (!read_name(c, args[0], args[1], from, &err) || !read_name(c, args[2], args[3], to, &err))
        return fail(c, err);
    return rename(from, to) == 0 ? 0 : fail(c, errno);
}

/* --- console --- */

static uint32_t sys_writec(call *c, uint32_t param)
{
    uint8_t ch;
    if (!c->guest->read(c->guest->opaque, param, &ch, 1)) return fail(c, EFAULT);
    write_host(STDOUT_FILENO, &ch, 1);
    return 0;
}

/* Writes a NUL-terminated guest string, read in pieces that never cross a 1 KiB boundary
 * (the smallest ARM page), so a string ending just before an unmapped page still works. */
static uint32_t sys_write0(call *c, uint32_t param)
{
    uint8_t buf[1024];
    uint32_t addr = param;
    for (;;) {
        uint32_t chunk = 1024 - (addr & 1023);
        if (!c->guest->read(c->guest->opaque, addr, buf, chunk)) return fail(c, EFAULT);
        uint8_t *nul = memchr(buf, 0, chunk);
        size_t len = nul ? (size_t)(nul - buf) : chunk;
        write_host(STDOUT_FILENO, buf, len);
        if (nul) return 0;
        addr += chunk;
    }
}

static uint32_t sys_readc(call *c)
{
    uint8_t ch;
    for (;;) {
        ssize_t n = read(STDIN_FILENO, &ch, 1);
        if (n == 1) return ch;
        if (n < 0 && errno == EINTR) continue;
        return fail(c, n == 0 ? 0 : errno);
    }
}

/* --- the rest --- */

static uint32_t sys_get_cmdline(call *c, uint32_t param)
{
    uint32_t args[2];
    if (!read_args(c, param, args, 2)) return fail(c, EFAULT);
    uint32_t len = (uint32_t)strlen(c->st->cmdline);
    if (len + 1 > args[1]) return fail(c, ERANGE);
    if (!c->guest->write(c->guest->opaque, args[0], c->st->cmdline, len + 1) ||
        !write_words(c, param + 4, &len, 1))
        return fail(c, EFAULT);
    return 0;
}

/* Zeros everywhere: the C library then uses its own linker symbols for heap and stack. */
/* Heap from the end of the loaded image to 1 MiB below the end of RAM; the stack in that
 * last MiB. This is what C library start-up code (rdimon) sets its heap and stack from. */
static uint32_t sys_heapinfo(call *c, uint32_t param)
{
    enum { STACK_SIZE = 0x100000 };
    uint32_t block[1];
    uint64_t ram_end = c->m->ram_base + c->m->ram_size;
    uint64_t heap_base = (c->m->image_end + 15) & ~(uint64_t)15;
    if (heap_base < c->m->ram_base) heap_base = c->m->ram_base;
    uint64_t stack_limit = ram_end > STACK_SIZE ? ram_end - STACK_SIZE : ram_end;
    if (heap_base > stack_limit) heap_base = stack_limit;
    const uint32_t words[4] = {(uint32_t)heap_base, (uint32_t)stack_limit, (uint32_t)ram_end,
                               (uint32_t)stack_limit};
    if (!read_args(c, param, block, 1) || !write_words(c, block[0], words, 4))
        return fail(c, EFAULT);
    return 0;
}

static uint32_t sys_elapsed(call *c, uint32_t param)
{
    uint64_t ns = bb_clock_now(c->m->clock);
    const uint32_t words[2] = {(uint32_t)ns, (uint32_t)(ns >> 32)};
    return write_words(c, param, words, 2) ? 0 : fail(c, EFAULT);
}

static uint32_t exit_with(call *c, int code)
{
    bb_machine_exit(c->m, code);
    return 0;
}

static uint32_t dispatch(call *c, uint32_t op, uint32_t param)
{
    switch (op) {
    case SYS_OPEN: return sys_open(c, param);
    case SYS_CLOSE: return sys_close(c, param);
    case SYS_WRITEC: return sys_writec(c, param);
    case SYS_WRITE0: return sys_write0(c, param);
    case SYS_WRITE: return sys_write(c, param);
    case SYS_READ: return sys_read(c, param);
    case SYS_READC: return sys_readc(c);
    case SYS_ISERROR: {
        uint32_t args[1];
        if (!read_args(c, param, args, 1)) return fail(c, EFAULT);
        return (int32_t)args[0] < 0 ? 1 : 0;
    }
    case SYS_ISTTY: return sys_istty(c, param);
    case SYS_SEEK: return sys_seek(c, param);
    case SYS_FLEN: return sys_flen(c, param);
    case SYS_TMPNAM: return sys_tmpnam(c, param);
    case SYS_REMOVE: return sys_remove(c, param);
    case SYS_RENAME: return sys_rename(c, param);
    case SYS_CLOCK: return (uint32_t)(bb_clock_now(c->m->clock) / 10000000u);
    case SYS_TIME: return (uint32_t)(bb_clock_now(c->m->clock) / 1000000000u);
    case SYS_SYSTEM: return fail(c, EPERM);
    case SYS_ERRNO: return (uint32_t)c->st->last_errno;
    case SYS_GET_CMDLINE: return sys_get_cmdline(c, param);
    case SYS_HEAPINFO: return sys_heapinfo(c, param);
    /* On 32-bit ARM, r1 holds the reason itself. */
    case SYS_EXIT: return exit_with(c, param == ADP_STOPPED_APPLICATION_EXIT ? 0 : 1);
    case SYS_EXIT_EXTENDED: {
        uint32_t args[2];
        if (!read_args(c, param, args, 2)) return fail(c, EFAULT);
        return exit_with(c, args[0] == ADP_STOPPED_APPLICATION_EXIT ? (int)args[1] : 1);
    }
    case SYS_ELAPSED: return sys_elapsed(c, param);
    case SYS_TICKFREQ: return 1000000000u;
    default:
        bb_log_printf(&c->m->log, BB_LOG_UNIMP, "unsupported semihosting call 0x%x", op);
        return fail(c, ENOSYS);
    }
}

uint32_t bb_semihosting_call(bb_machine *m, const bb_semihosting_guest *guest, uint32_t op,
                             uint32_t param)
{
    if (m->semihosting == BB_SEMIHOSTING_OFF) {
        bb_log_printf(&m->log, BB_LOG_GUEST_ERRORS,
                      "semihosting call 0x%x while semihosting is off", op);
        return FAILED;
    }
    if (!m->semihosting_state) {
        m->semihosting_state = calloc(1, sizeof(*m->semihosting_state));
        if (!m->semihosting_state) return FAILED;
    }
    call c = {m, m->semihosting_state, guest};
    return dispatch(&c, op, param);
}

void bb_semihosting_free(bb_machine *m)
{
    struct bb_semihosting_state *st = m->semihosting_state;
    if (!st) return;
    for (int i = 0; i < MAX_HANDLES; i++)
        if (st->handles[i].kind == HANDLE_FILE) close(st->handles[i].fd);
    free(st);
    m->semihosting_state = NULL;
}
