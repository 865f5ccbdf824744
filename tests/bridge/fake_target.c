/*
 * fake_target.c: a SerialICE target for tests, on a pty or a TCP port. It speaks the
 * shell's wire protocol as the real shell does (every received byte echoed, "ERROR: parsing
 * number" for a bad digit, replies "\r\n" + lowercase hex, prompt "\r\n> "), backed by a
 * memory map with a simple simulated peripheral, and has knobs to misbehave.
 *
 * usage: fake_target (--pty | --tcp PORT) [options]
 *   --info FILE        write the link's target ("pty:/dev/pts/N", "tcp:127.0.0.1:PORT")
 *   --base ADDR        where the peripheral sits (default 0x30000000)
 *   --baud N           model a serial line at N baud (10 bits a byte, both directions),
 *                      with the shell's blocking echo and a receive FIFO (--rx-fifo, 16)
 *   --garble N         every Nth command: one reply digit (reads) or echo byte (writes)
 *                      comes back as a non-hex character
 *   --drop N           every Nth command: one reply digit or echo byte is lost
 *   --silent-after N   after N commands, never answer again
 *   --mute             never answer at all (a board without the shell, or switched off)
 *   --hangup-after N   (TCP) close the connection after N commands, then accept the next
 *   --pause-after N:MS after N commands, answer nothing for MS ms (input discarded)
 *   --once             (TCP) exit when the first client disconnects
 *   --lifetime S       exit after S seconds whatever happens (default 120)
 *   --stats FILE       counters written at exit ("name value" lines)
 *   --verbose          every command on stderr
 *
 * Memory map (BASE = --base): BASE+0x000..0x0ff a register file (any width); BASE+0x100
 * COUNTER (each read returns one more); +0x104 ID (0x51ce0001, constant); +0x108 WRITES
 * (memory writes so far); +0x10c DOUBLE (reads twice the last value written); +0x110 READS
 * (memory reads before this one). Everything else is sparse memory reading 0 until written.
 * I/O ports are 64 KiB of bytes; MSRs read back what was written (hi, lo) or (msr, key);
 * CPUID answers (eax+1, ecx+2, eax^ecx, 0x0000e3bd).
 */

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define OUT_MAX  65536
#define SPARSE_N 4096
#define FIFO_MAX 64

static const char VERSION_LINE[] = "SerialICE v1.6-brassboard-fake (Jan  1 2024)";
static const char BOARDNAME[33] = "Brassboard fake target          ";

typedef struct options {
    bool pty;
    int tcp_port;
    const char *info, *stats;
    uint32_t base;
    long baud;
    int rx_fifo;
    long garble, drop, silent_after, pause_after, pause_ms, hangup_after;
    bool once, verbose, mute;
    long lifetime;
} options;

static options opt = {.base = 0x30000000u, .rx_fifo = 16, .lifetime = 120};
static volatile sig_atomic_t stop_requested;

/* ---- the simulated board ---- */

static uint8_t regfile[256];
static uint32_t counter, double_value;
static uint64_t n_commands, n_reads, n_writes, n_id_reads, n_garbled, n_dropped, n_parse_errors,
    n_overruns, n_at_signs, n_io, n_msr, n_cpuid;
static int64_t tx_idle_ns; /* --baud: time the shell's transmitter waited for the host */
static uint8_t io_space[65536];
static struct {
    uint32_t addr;
    uint8_t value;
    bool used;
} sparse[SPARSE_N];
static struct {
    uint32_t msr, hi, lo;
    bool used;
} msrs[64];

static uint8_t *sparse_byte(uint32_t addr, bool create)
{
    uint32_t h = (addr * 2654435761u) % SPARSE_N;
    for (int i = 0; i < SPARSE_N; i++) {
        uint32_t k = (h + (uint32_t)i) % SPARSE_N;
        if (sparse[k].used && sparse[k].addr == addr) return &sparse[k].value;
        if (!sparse[k].used) {
            if (!create) return NULL;
            sparse[k].used = true;
            sparse[k].addr = addr;
            sparse[k].value = 0;
            return &sparse[k].value;
        }
    }
    return NULL;
}

static uint64_t mem_read(uint32_t addr, unsigned size)
{
    uint32_t off = addr - opt.base;
    uint64_t v = 0;
    n_reads++;
    if (addr >= opt.base && off + size <= 0x100) {
        for (unsigned i = 0; i < size; i++)
            v |= (uint64_t)regfile[off + i] << (8 * i);
        return v;
    }
    if (addr >= opt.base && size == 4 && off >= 0x100 && off < 0x114) {
        switch (off) {
        case 0x100: return ++counter;
        case 0x104: n_id_reads++; return 0x51ce0001u;
        case 0x108: return (uint32_t)n_writes;
        case 0x10c: return 2u * double_value;
        case 0x110: return (uint32_t)(n_reads - 1);
        }
    }
    for (unsigned i = 0; i < size; i++) {
        uint8_t *b = sparse_byte(addr + i, false);
        if (b) v |= (uint64_t)*b << (8 * i);
    }
    return v;
}

static void mem_write(uint32_t addr, unsigned size, uint64_t v)
{
    uint32_t off = addr - opt.base;
    n_writes++;
    if (addr >= opt.base && off + size <= 0x100) {
        for (unsigned i = 0; i < size; i++)
            regfile[off + i] = (uint8_t)(v >> (8 * i));
        return;
    }
    if (addr >= opt.base && size == 4 && off >= 0x100 && off < 0x114) {
        if (off == 0x100) counter = (uint32_t)v;
        if (off == 0x10c) double_value = (uint32_t)v;
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        uint8_t *b = sparse_byte(addr + i, true);
        if (b) *b = (uint8_t)(v >> (8 * i));
    }
}

/* ---- time and the line model ---- */

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t byte_ns(void)
{
    return opt.baud ? 10 * 1000000000LL / opt.baud : 0;
}

static struct {
    uint8_t byte;
    int64_t at; /* when it is on the host's side of the line */
} out_q[OUT_MAX];
static size_t out_head, out_len;
static int64_t tx_free;             /* when the shell's transmitter is free */
static int64_t processing;          /* the (model) time of the byte being processed */
static int64_t fifo_done[FIFO_MAX]; /* when the last received bytes were taken from the FIFO */
static int fifo_pos;

/* Queues a byte to send; the shell's putc waits until it is sent. */
static void put_byte(uint8_t byte)
{
    if (out_len == OUT_MAX) return;
    int64_t start = processing > tx_free ? processing : tx_free;
    tx_free = start + byte_ns();
    processing = tx_free;
    out_q[(out_head + out_len) % OUT_MAX].byte = byte;
    out_q[(out_head + out_len) % OUT_MAX].at = tx_free;
    out_len++;
}

static void put_string(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n') put_byte('\r');
        put_byte((uint8_t)*s);
    }
}

/* ---- the shell ---- */

typedef struct shell {
    char cmd[64]; /* the bytes of the command so far, '*' first */
    size_t len, need;
    bool silent, hangup;
    int64_t pause_until;
    int mangle; /* this command: +1 garble, -1 drop one byte, 0 nothing */
} shell;

static shell sh;

/* An output byte that the knobs may garble or drop: the first reply digit of a read, the
 * echo of the first address digit of other commands. */
static void put_mangleable(uint8_t byte)
{
    if (sh.mangle > 0) {
        n_garbled++;
        put_byte('x');
    } else if (sh.mangle < 0) {
        n_dropped++;
    } else {
        put_byte(byte);
    }
    sh.mangle = 0;
}

static bool is_read(void)
{
    return sh.cmd[1] == 'r' || sh.cmd[1] == 'c';
}

static int nibble(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

static uint64_t field(size_t at, size_t digits)
{
    uint64_t v = 0;
    for (size_t i = 0; i < digits; i++) {
        int n = nibble(sh.cmd[at + i]);
        v = v << 4 | (uint64_t)(n < 0 ? 0 : n);
    }
    return v;
}

static unsigned width_size(char w)
{
    return w == 'b' ? 1 : w == 'w' ? 2 : w == 'l' ? 4 : w == 'q' ? 8 : 0;
}

/* The full length of a command, once its first bytes are known (0: not yet known). */
static size_t command_length(void)
{
    if (sh.len < 3) return 0;
    char a = sh.cmd[1], b = sh.cmd[2];
    if (a == 'r' && b == 'm') return 13;
    if (a == 'w' && b == 'm') return sh.len < 13 ? 0 : 14 + 2 * width_size(sh.cmd[12]);
    if (a == 'r' && b == 'i') return 9;
    if (a == 'w' && b == 'i') {
        unsigned s = sh.len < 9 ? 0 : width_size(sh.cmd[8]);
        return sh.len < 9 ? 0 : 10 + 2 * (s > 4 ? 0 : s);
    }
    if ((a == 'r' && b == 'c') || (a == 'c' && b == 'i')) return 20;
    if (a == 'w' && b == 'c') return 38;
    return 3;
}

/* Is byte `i` of the command a hex digit position? (The shell complains about others.) */
static bool digit_position(size_t i)
{
    char a = sh.cmd[1], b = sh.cmd[2];
    if (i < 3) return false;
    if (b == 'm') return (i >= 3 && i < 11) || (a == 'w' && i >= 14);
    if (b == 'i' && a != 'c') return (i >= 3 && i < 7) || (a == 'w' && i >= 10);
    if (a == 'c' || b == 'c') return i != 11 && i != 20 && i != 29;
    return false;
}

static void put_hex(uint64_t v, unsigned digits)
{
    for (unsigned i = 0; i < digits; i++)
        put_mangleable((uint8_t) "0123456789abcdef"[(v >> (4 * (digits - 1 - i))) & 15]);
}

static void run_command(void)
{
    char a = sh.cmd[1], b = sh.cmd[2];
    n_commands++;
    if (opt.verbose) fprintf(stderr, "fake_target: %.*s\n", (int)sh.len, sh.cmd);
    if (a == 'r' && b == 'm') {
        unsigned size = width_size(sh.cmd[12]);
        put_byte('\r');
        put_byte('\n');
        if (size) put_hex(mem_read((uint32_t)field(3, 8), size), 2 * size);
    } else if (a == 'w' && b == 'm') {
        unsigned size = width_size(sh.cmd[12]);
        if (size) mem_write((uint32_t)field(3, 8), size, field(14, 2 * size));
    } else if (a == 'r' && b == 'i') {
        unsigned size = width_size(sh.cmd[8]);
        uint16_t port = (uint16_t)field(3, 4);
        n_io++;
        put_byte('\r');
        put_byte('\n');
        if (size && size <= 4) {
            uint32_t v = 0;
            for (unsigned i = 0; i < size; i++)
                v |= (uint32_t)io_space[(uint16_t)(port + i)] << (8 * i);
            put_hex(v, 2 * size);
        }
    } else if (a == 'w' && b == 'i') {
        unsigned size = width_size(sh.cmd[8]);
        uint16_t port = (uint16_t)field(3, 4);
        n_io++;
        if (size && size <= 4) {
            uint32_t v = (uint32_t)field(10, 2 * size);
            for (unsigned i = 0; i < size; i++)
                io_space[(uint16_t)(port + i)] = (uint8_t)(v >> (8 * i));
        }
    } else if (a == 'r' && b == 'c') {
        uint32_t msr = (uint32_t)field(3, 8), key = (uint32_t)field(12, 8), hi = msr, lo = key;
        n_msr++;
        for (int i = 0; i < 64; i++)
            if (msrs[i].used && msrs[i].msr == msr) hi = msrs[i].hi, lo = msrs[i].lo;
        put_byte('\r');
        put_byte('\n');
        put_hex(hi, 8);
        put_byte('.');
        put_hex(lo, 8);
    } else if (a == 'w' && b == 'c') {
        uint32_t msr = (uint32_t)field(3, 8);
        n_msr++;
        for (int i = 0; i < 64; i++) {
            if (!msrs[i].used || msrs[i].msr == msr) {
                msrs[i].used = true;
                msrs[i].msr = msr;
                msrs[i].hi = (uint32_t)field(21, 8);
                msrs[i].lo = (uint32_t)field(30, 8);
                break;
            }
        }
    } else if (a == 'c' && b == 'i') {
        uint32_t eax = (uint32_t)field(3, 8), ecx = (uint32_t)field(12, 8);
        uint32_t regs[4] = {eax + 1, ecx + 2, eax ^ ecx, 0x0000e3bdu};
        n_cpuid++;
        put_byte('\r');
        put_byte('\n');
        for (int i = 0; i < 4; i++) {
            if (i) put_byte('.');
            put_hex(regs[i], 8);
        }
    } else if (a == 'm' && b == 'b') {
        put_byte('\r');
        put_byte('\n');
        put_string(BOARDNAME);
    } else if (a == 'v' && b == 'i') {
        put_string("\n");
        put_string(VERSION_LINE);
        put_string("\n");
    } else {
        put_string("ERROR\n");
    }
    put_string("\n> ");
    if (opt.silent_after && (long)n_commands >= opt.silent_after) sh.silent = true;
    if (opt.hangup_after && (long)n_commands == opt.hangup_after) sh.hangup = true;
    if (opt.pause_after && (long)n_commands == opt.pause_after)
        sh.pause_until = processing + opt.pause_ms * 1000000LL;
}

/* One byte taken from the UART's receive FIFO: echoed, then interpreted. */
static void shell_byte(uint8_t byte)
{
    if (sh.len == 0) {
        put_byte(byte);
        if (byte != '*') {
            if (byte == '@') n_at_signs++;
            put_string("\n> ");
            return;
        }
        sh.cmd[sh.len++] = (char)byte;
        sh.mangle = 0;
        long next = (long)n_commands + 1;
        if (opt.garble && next % opt.garble == 0) sh.mangle = 1;
        if (opt.drop && next % opt.drop == 0) sh.mangle = -1;
        return;
    }
    sh.cmd[sh.len++] = (char)byte;
    if (sh.len == 4 && !is_read())
        put_mangleable(byte);
    else
        put_byte(byte);
    if (digit_position(sh.len - 1) && nibble((char)byte) < 0) {
        n_parse_errors++;
        put_string("ERROR: parsing number\n");
    }
    if (!sh.need) sh.need = command_length();
    if (sh.need && sh.len >= sh.need) {
        run_command();
        sh.len = sh.need = 0;
        sh.mangle = 0;
    }
}

/* A byte arrived at `at` (model time): the FIFO takes it unless full, the shell reads it
 * when it has sent everything before (its putc waits for the transmitter). */
static void receive(uint8_t byte, int64_t at)
{
    if (sh.silent || at < sh.pause_until) return;
    if (opt.baud) {
        int waiting = 0;
        for (int i = 0; i < opt.rx_fifo && i < FIFO_MAX; i++)
            if (fifo_done[i] > at) waiting++;
        if (waiting >= opt.rx_fifo) {
            n_overruns++;
            return;
        }
    }
    if (opt.baud && tx_free && at > tx_free) tx_idle_ns += at - tx_free;
    processing = at > tx_free ? at : tx_free;
    fifo_done[fifo_pos] = processing; /* when the shell takes it from the FIFO */
    shell_byte(byte);
    fifo_pos = (fifo_pos + 1) % (opt.rx_fifo < FIFO_MAX ? opt.rx_fifo : FIFO_MAX);
}

static int64_t rx_free; /* when the line into the shell is free */

static void bytes_arrived(const uint8_t *buf, ssize_t n)
{
    int64_t now = now_ns();
    for (ssize_t i = 0; i < n; i++) {
        int64_t start = rx_free > now ? rx_free : now;
        rx_free = start + byte_ns();
        receive(buf[i], rx_free);
    }
}

/* Sends the bytes whose time has come; returns ns until the next one (or -1: none). */
static int64_t release(int fd)
{
    int64_t now = now_ns();
    uint8_t buf[4096];
    size_t n = 0;
    while (out_len && out_q[out_head].at <= now && n < sizeof(buf)) {
        buf[n++] = out_q[out_head].byte;
        out_head = (out_head + 1) % OUT_MAX;
        out_len--;
    }
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, buf + done, n - done);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && errno == EAGAIN) {
            struct pollfd p = {fd, POLLOUT, 0};
            poll(&p, 1, 100);
            continue;
        }
        if (w <= 0) return -2;
        done += (size_t)w;
    }
    return out_len ? out_q[out_head].at - now : -1;
}

static void reset_line(void)
{
    memset(&sh, 0, sizeof(sh));
    sh.silent = opt.mute;
    out_len = 0;
    tx_free = rx_free = processing = 0;
    memset(fifo_done, 0, sizeof(fifo_done));
}

/* Serves one connection until it closes (or a stop). Returns false on stop requests. */
static bool serve(int fd, int64_t deadline)
{
    while (!stop_requested) {
        int64_t next = release(fd);
        if (next == -2 || (sh.hangup && out_len == 0)) return true;
        int64_t now = now_ns();
        if (now > deadline) {
            stop_requested = 1;
            break;
        }
        int64_t wait = next >= 0 ? next : deadline - now;
        if (wait > 200000000) wait = 200000000;
        struct timespec ts = {wait / 1000000000, wait % 1000000000};
        struct pollfd p = {fd, POLLIN, 0};
        int ready = ppoll(&p, 1, &ts, NULL);
        if (ready < 0 && errno != EINTR) return true;
        if (ready <= 0) continue;
        uint8_t buf[4096];
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n > 0)
            bytes_arrived(buf, n);
        else if (n == 0 || (errno != EAGAIN && errno != EINTR))
            return true;
    }
    return false;
}

static void write_file(const char *path, const char *text)
{
    char tmp[1024];
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) return;
    fputs(text, f);
    fclose(f);
    rename(tmp, path);
}

static void write_stats(void)
{
    if (!opt.stats) return;
    char text[1024];
    snprintf(text, sizeof(text),
             "commands %llu\nreads %llu\nwrites %llu\nid_reads %llu\ngarbled %llu\ndropped %llu\n"
             "parse_errors %llu\noverruns %llu\nat_signs %llu\nio %llu\nmsr %llu\ncpuid %llu\n"
             "tx_idle_us %llu\n",
             (unsigned long long)n_commands, (unsigned long long)n_reads,
             (unsigned long long)n_writes, (unsigned long long)n_id_reads,
             (unsigned long long)n_garbled, (unsigned long long)n_dropped,
             (unsigned long long)n_parse_errors, (unsigned long long)n_overruns,
             (unsigned long long)n_at_signs, (unsigned long long)n_io, (unsigned long long)n_msr,
             (unsigned long long)n_cpuid, (unsigned long long)(tx_idle_ns / 1000));
    write_file(opt.stats, text);
}

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static int run_pty(int64_t deadline)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
        perror("fake_target: pty");
        return 1;
    }
    const char *name = ptsname(master);
    /* Hold the slave open (a board's line does not hang up) and make it raw. */
    int slave = open(name, O_RDWR | O_NOCTTY);
    struct termios t;
    if (slave < 0 || tcgetattr(slave, &t) != 0) {
        perror("fake_target: pty slave");
        return 1;
    }
    cfmakeraw(&t);
    tcsetattr(slave, TCSANOW, &t);
    fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
    char info[300];
    snprintf(info, sizeof(info), "pty:%s\n", name);
    if (opt.info)
        write_file(opt.info, info);
    else
        fputs(info, stdout), fflush(stdout);
    serve(master, deadline);
    close(slave);
    close(master);
    return 0;
}

static int run_tcp(int64_t deadline)
{
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)opt.tcp_port);
    socklen_t len = sizeof(a);
    if (bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(s, 1) != 0 ||
        getsockname(s, (struct sockaddr *)&a, &len) != 0) {
        perror("fake_target: tcp");
        return 1;
    }
    char info[64];
    snprintf(info, sizeof(info), "tcp:127.0.0.1:%u\n", ntohs(a.sin_port));
    if (opt.info)
        write_file(opt.info, info);
    else
        fputs(info, stdout), fflush(stdout);
    while (!stop_requested && now_ns() < deadline) {
        struct pollfd p = {s, POLLIN, 0};
        if (poll(&p, 1, 200) <= 0) continue;
        int c = accept4(s, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (c < 0) continue;
        setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        reset_line();
        bool more = serve(c, deadline);
        close(c);
        if (!more || opt.once) break;
    }
    close(s);
    return 0;
}

static long number(const char *s)
{
    return strtol(s, NULL, 0);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = true;
        if (!strcmp(a, "--pty"))
            opt.pty = true, takes = false;
        else if (!strcmp(a, "--once"))
            opt.once = true, takes = false;
        else if (!strcmp(a, "--verbose"))
            opt.verbose = true, takes = false;
        else if (!strcmp(a, "--mute"))
            opt.mute = true, takes = false;
        else if (!v)
            takes = false, a = "";
        else if (!strcmp(a, "--tcp"))
            opt.tcp_port = (int)number(v);
        else if (!strcmp(a, "--info"))
            opt.info = v;
        else if (!strcmp(a, "--stats"))
            opt.stats = v;
        else if (!strcmp(a, "--base"))
            opt.base = (uint32_t)strtoul(v, NULL, 0);
        else if (!strcmp(a, "--baud"))
            opt.baud = number(v);
        else if (!strcmp(a, "--rx-fifo"))
            opt.rx_fifo = (int)number(v);
        else if (!strcmp(a, "--garble"))
            opt.garble = number(v);
        else if (!strcmp(a, "--drop"))
            opt.drop = number(v);
        else if (!strcmp(a, "--silent-after"))
            opt.silent_after = number(v);
        else if (!strcmp(a, "--lifetime"))
            opt.lifetime = number(v);
        else if (!strcmp(a, "--hangup-after"))
            opt.hangup_after = number(v);
        else if (!strcmp(a, "--pause-after")) {
            char *colon;
            opt.pause_after = strtol(v, &colon, 0);
            opt.pause_ms = *colon == ':' ? strtol(colon + 1, NULL, 0) : 1000;
        } else {
            fprintf(stderr, "fake_target: unknown option %s (see the comment at the top)\n", a);
            return 2;
        }
        if (takes) i++;
        if (!a[0]) {
            fprintf(stderr, "fake_target: %s needs a value\n", argv[i]);
            return 2;
        }
    }
    if (opt.rx_fifo < 1) opt.rx_fifo = 1;
    if (opt.rx_fifo > FIFO_MAX) opt.rx_fifo = FIFO_MAX;
    prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0); /* wake within a microsecond */
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGPIPE, SIG_IGN);
    int64_t deadline = now_ns() + opt.lifetime * 1000000000LL;
    reset_line();
    int rc = opt.pty ? run_pty(deadline) : run_tcp(deadline);
    write_stats();
    return rc;
}
