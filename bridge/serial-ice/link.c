/*
 * link.c: serial ports through libserialport, other terminals through termios, and TCP
 * connections, all ending as a non-blocking descriptor (see link.h).
 */
#include "bridge/serial-ice/link.h"

#include "bridge/serial-ice/link_ftdi.h"

#include <errno.h>
#include <fcntl.h>
#include <libserialport.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

struct si_link {
    int fd;
    struct sp_port *port; /* libserialport ports; NULL otherwise */
    si_ftdi *ftdi;        /* FTDI adapters through libftdi (fd: a socket pair); NULL otherwise */
    int is_tty;
    char name[256];
    si_link_config cfg; /* for reopening */
};

void si_link_config_default(si_link_config *cfg)
{
    cfg->baud = 115200;
    cfg->data_bits = 8;
    cfg->parity = 'n';
    cfg->stop_bits = 1;
    cfg->flow = 'n';
    cfg->connect_ms = 3000;
    cfg->latency_ms = 1;
}

static bool set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

static si_link *new_link(const char *target)
{
    si_link *link = calloc(1, sizeof(*link));
    if (!link) return NULL;
    link->fd = -1;
    snprintf(link->name, sizeof(link->name), "%s", target);
    return link;
}

static si_link *open_tcp(const char *target, const char *hostport, const si_link_config *cfg,
                         char *err, size_t errlen)
{
    char host[200];
    const char *colon = strrchr(hostport, ':');
    if (!colon || colon == hostport || !colon[1] || (size_t)(colon - hostport) >= sizeof(host)) {
        snprintf(err, errlen, "'%s': expected tcp:HOST:PORT", target);
        return NULL;
    }
    memcpy(host, hostport, (size_t)(colon - hostport));
    host[colon - hostport] = 0;
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(host, colon + 1, &hints, &res);
    if (rc != 0) {
        snprintf(err, errlen, "'%s': %s", target, gai_strerror(rc));
        return NULL;
    }
    int fd = -1, why = 0;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) continue;
        set_nonblocking(fd);
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
            why = errno;
            close(fd);
            fd = -1;
            continue;
        }
        struct pollfd p = {fd, POLLOUT, 0};
        int ready = poll(&p, 1, cfg->connect_ms);
        int soerr = 0;
        socklen_t len = sizeof(soerr);
        if (ready <= 0)
            soerr = ETIMEDOUT;
        else
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
        if (soerr) {
            why = soerr;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0) {
        snprintf(err, errlen, "'%s': cannot connect: %s", target, strerror(why ? why : EINVAL));
        return NULL;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    si_link *link = new_link(target);
    if (!link) {
        close(fd);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    link->fd = fd;
    return link;
}

static speed_t termios_speed(int baud)
{
    static const struct {
        int baud;
        speed_t speed;
    } speeds[] = {{1200, B1200},       {2400, B2400},       {4800, B4800},      {9600, B9600},
                  {19200, B19200},     {38400, B38400},     {57600, B57600},    {115200, B115200},
                  {230400, B230400},   {460800, B460800},   {921600, B921600},  {1000000, B1000000},
                  {1500000, B1500000}, {2000000, B2000000}, {3000000, B3000000}};
    for (size_t i = 0; i < sizeof(speeds) / sizeof(speeds[0]); i++)
        if (speeds[i].baud == baud) return speeds[i].speed;
    return 0;
}

/* Raw mode with the configured framing, for terminals libserialport does not handle. */
static si_link *open_termios(const char *target, const char *path, const si_link_config *cfg,
                             char *err, size_t errlen)
{
    int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "'%s': %s", target, strerror(errno));
        return NULL;
    }
    struct termios t;
    if (!isatty(fd) || tcgetattr(fd, &t) != 0) {
        snprintf(err, errlen, "'%s': not a terminal", target);
        close(fd);
        return NULL;
    }
    speed_t speed = termios_speed(cfg->baud);
    if (!speed) {
        snprintf(err, errlen, "'%s': baud rate %d not supported here", target, cfg->baud);
        close(fd);
        return NULL;
    }
    cfmakeraw(&t);
    cfsetispeed(&t, speed);
    cfsetospeed(&t, speed);
    t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
    t.c_cflag |= CLOCAL | CREAD;
    t.c_cflag |= cfg->data_bits == 5   ? CS5
                 : cfg->data_bits == 6 ? CS6
                 : cfg->data_bits == 7 ? CS7
                                       : CS8;
    if (cfg->parity != 'n') t.c_cflag |= PARENB | (cfg->parity == 'o' ? PARODD : 0);
    if (cfg->stop_bits == 2) t.c_cflag |= CSTOPB;
    if (cfg->flow == 'h') t.c_cflag |= CRTSCTS;
    if (cfg->flow == 's') t.c_iflag |= IXON | IXOFF;
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    if (tcsetattr(fd, TCSANOW, &t) != 0) {
        snprintf(err, errlen, "'%s': cannot set the line up: %s", target, strerror(errno));
        close(fd);
        return NULL;
    }
    tcflush(fd, TCIOFLUSH);
    si_link *link = new_link(target);
    if (!link) {
        close(fd);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    link->fd = fd;
    link->is_tty = 1;
    return link;
}

static bool sp_ok(enum sp_return rc, const char *what, const char *target, char *err, size_t errlen)
{
    if (rc == SP_OK) return true;
    char *msg = rc == SP_ERR_FAIL ? sp_last_error_message() : NULL;
    snprintf(err, errlen, "'%s': %s: %s", target, what,
             msg                ? msg
             : rc == SP_ERR_ARG ? "not supported by the port"
                                : "failed");
    if (msg) sp_free_error_message(msg);
    return false;
}

static si_link *open_serial(const char *target, const si_link_config *cfg, char *err, size_t errlen)
{
    struct sp_port *port = NULL;
    if (sp_get_port_by_name(target, &port) != SP_OK) {
        /* Not a port libserialport lists (a pty, a tty it does not know): termios. */
        return open_termios(target, target, cfg, err, errlen);
    }
    enum sp_parity parity = cfg->parity == 'e'   ? SP_PARITY_EVEN
                            : cfg->parity == 'o' ? SP_PARITY_ODD
                                                 : SP_PARITY_NONE;
    enum sp_flowcontrol flow = cfg->flow == 'h'   ? SP_FLOWCONTROL_RTSCTS
                               : cfg->flow == 's' ? SP_FLOWCONTROL_XONXOFF
                                                  : SP_FLOWCONTROL_NONE;
    int fd = -1;
    bool ok = sp_ok(sp_open(port, SP_MODE_READ_WRITE), "cannot open", target, err, errlen);
    ok = ok && sp_ok(sp_set_baudrate(port, cfg->baud), "baud rate", target, err, errlen);
    ok = ok && sp_ok(sp_set_bits(port, cfg->data_bits), "data bits", target, err, errlen);
    ok = ok && sp_ok(sp_set_parity(port, parity), "parity", target, err, errlen);
    ok = ok && sp_ok(sp_set_stopbits(port, cfg->stop_bits), "stop bits", target, err, errlen);
    ok = ok && sp_ok(sp_set_flowcontrol(port, flow), "flow control", target, err, errlen);
    ok = ok && sp_ok(sp_get_port_handle(port, &fd), "no descriptor", target, err, errlen);
    si_link *link = ok ? new_link(target) : NULL;
    if (!link || !set_nonblocking(fd)) {
        if (ok) snprintf(err, errlen, "'%s': cannot set up the descriptor", target);
        sp_close(port);
        sp_free_port(port);
        free(link);
        return NULL;
    }
    sp_flush(port, SP_BUF_BOTH);
    link->fd = fd;
    link->port = port;
    link->is_tty = 1;
    return link;
}

si_link *si_link_open(const char *target, const si_link_config *cfg, char *err, size_t errlen)
{
    si_link *link;
    if (strncmp(target, "tcp:", 4) == 0) {
        link = open_tcp(target, target + 4, cfg, err, errlen);
    } else if (strncmp(target, "pty:", 4) == 0) {
        link = open_termios(target, target + 4, cfg, err, errlen);
    } else if (strncmp(target, "ftdi:", 5) == 0) {
        int fd = -1;
        si_ftdi *ftdi = si_ftdi_open(target, cfg, &fd, err, errlen);
        link = ftdi ? new_link(target) : NULL;
        if (ftdi && !link) {
            si_ftdi_close(ftdi);
            close(fd);
            snprintf(err, errlen, "out of memory");
        } else if (link) {
            link->fd = fd;
            link->ftdi = ftdi;
        }
    } else if (!target[0]) {
        snprintf(err, errlen, "no serial port or tcp:HOST:PORT given");
        return NULL;
    } else {
        link = open_serial(target, cfg, err, errlen);
    }
    if (link) link->cfg = *cfg;
    return link;
}

static void close_descriptor(si_link *link)
{
    if (link->port) {
        sp_close(link->port);
        sp_free_port(link->port);
    } else if (link->fd >= 0) {
        close(link->fd); /* the FTDI pump sees its socket closed */
    }
    si_ftdi_close(link->ftdi);
    link->ftdi = NULL;
    link->port = NULL;
    link->fd = -1;
}

bool si_link_reopen(si_link *link, char *err, size_t errlen)
{
    close_descriptor(link);
    si_link *fresh = si_link_open(link->name, &link->cfg, err, errlen);
    if (!fresh) return false;
    link->fd = fresh->fd;
    link->port = fresh->port;
    link->ftdi = fresh->ftdi;
    link->is_tty = fresh->is_tty;
    free(fresh);
    return true;
}

void si_link_close(si_link *link)
{
    if (!link) return;
    close_descriptor(link);
    free(link);
}

int si_link_fd(const si_link *link)
{
    return link->fd;
}

ssize_t si_link_write(si_link *link, const void *buf, size_t len)
{
    if (link->fd < 0) {
        errno = ENOTCONN;
        return -1;
    }
    for (;;) {
        /* A socket whose peer left must not raise SIGPIPE. */
        ssize_t n =
            link->is_tty ? write(link->fd, buf, len) : send(link->fd, buf, len, MSG_NOSIGNAL);
        if (n >= 0) return n;
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
        return -1;
    }
}

ssize_t si_link_read(si_link *link, void *buf, size_t len)
{
    if (link->fd < 0) {
        errno = ENOTCONN;
        return -1;
    }
    for (;;) {
        ssize_t n = read(link->fd, buf, len);
        if (n > 0) return n;
        if (n == 0 && link->is_tty) return 0;
        if (n == 0) { /* end of a socket: closed by the far side */
            errno = ECONNRESET;
            return -1;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
        return -1;
    }
}

int si_link_wait(si_link *link, short events, int64_t timeout_ns)
{
    if (link->fd < 0) return POLLERR; /* closed: a read or write says why */
    struct pollfd p = {link->fd, events, 0};
    struct timespec ts = {timeout_ns / 1000000000, timeout_ns % 1000000000};
    int ready = ppoll(&p, 1, timeout_ns < 0 ? NULL : &ts, NULL);
    if (ready < 0) return errno == EINTR ? 0 : -1;
    return ready > 0 ? p.revents : 0;
}

void si_link_discard(si_link *link)
{
    if (link->fd < 0) return;
    if (link->port)
        sp_flush(link->port, SP_BUF_BOTH);
    else if (link->is_tty)
        tcflush(link->fd, TCIOFLUSH);
}

const char *si_link_name(const si_link *link)
{
    return link->name;
}
