/*
 * chardev_tcp.c: the "tcp:[HOST:]PORT[,wait]" backend, a TCP server with one client.
 *
 * The listening socket is non-blocking: each read or write first tries to accept a
 * waiting client. While no client is connected output is dropped, as on a serial line
 * with nothing plugged in. With ",wait" the open blocks until the first client connects.
 * Writes to the client block until the kernel takes the bytes (no output is lost to a
 * slow reader); a client that goes away is dropped and the next one accepted. SIGPIPE is
 * never raised (MSG_NOSIGNAL).
 */
#include "core/chardev_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct tcp_options {
    char host[256];
    char port[8];
    bool wait;
} tcp_options;

/* Splits "[HOST:]PORT[,OPTION...]" (HOST may be "[v6addr]"). */
static bool parse_options(const char *spec, const char *rest, tcp_options *o, char *err,
                          size_t errlen)
{
    size_t addr_len = strcspn(rest, ",");
    char addr[256];
    if (addr_len >= sizeof(addr)) {
        snprintf(err, errlen, "serial backend '%s': address too long", spec);
        return false;
    }
    memcpy(addr, rest, addr_len);
    addr[addr_len] = '\0';

    const char *port = addr;
    snprintf(o->host, sizeof(o->host), "127.0.0.1");
    char *colon = strrchr(addr, ':');
    if (colon) {
        *colon = '\0';
        port = colon + 1;
        char *host = addr;
        size_t host_len = strlen(host);
        if (host_len >= 2 && host[0] == '[' && host[host_len - 1] == ']') {
            host[host_len - 1] = '\0';
            host++;
        }
        if (*host) snprintf(o->host, sizeof(o->host), "%s", host);
    }
    if (!*port || strspn(port, "0123456789") != strlen(port)) {
        snprintf(err, errlen, "serial backend '%s': expected a port number, not '%s'", spec, port);
        return false;
    }
    unsigned long number = strlen(port) > 6 ? 100000 : strtoul(port, NULL, 10);
    if (number < 1 || number > 65535) {
        snprintf(err, errlen, "serial backend '%s': port out of range (1-65535)", spec);
        return false;
    }
    snprintf(o->port, sizeof(o->port), "%lu", number);

    o->wait = false;
    const char *opt = rest + addr_len;
    while (*opt == ',') {
        opt++;
        size_t len = strcspn(opt, ",");
        if (len == 4 && strncmp(opt, "wait", 4) == 0)
            o->wait = true;
        else if (len == 6 && strncmp(opt, "nowait", 6) == 0)
            o->wait = false;
        else if (len == 6 && strncmp(opt, "server", 6) == 0) { /* always a server */
        } else {
            snprintf(err, errlen, "serial backend '%s': unknown option '%.*s' (expected wait)",
                     spec, (int)len, opt);
            return false;
        }
        opt += len;
    }
    return true;
}

static int listen_on(const tcp_options *o, const char *spec, char *err, size_t errlen)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *list;
    int rc = getaddrinfo(o->host, o->port, &hints, &list);
    if (rc != 0) {
        snprintf(err, errlen, "serial backend '%s': cannot resolve '%s': %s", spec, o->host,
                 gai_strerror(rc));
        return -1;
    }
    int fd = -1, saved_errno = 0;
    for (struct addrinfo *ai = list; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
        if (fd < 0) {
            saved_errno = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 1) != 0) {
            saved_errno = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(list);
    if (fd < 0)
        snprintf(err, errlen, "serial backend '%s': cannot listen on %s port %s: %s", spec, o->host,
                 o->port, strerror(saved_errno));
    return fd;
}

/* Takes a waiting client, if any. */
static void try_accept(bb_chardev *chr)
{
    if (chr->client_fd >= 0) return;
    int fd = accept4(chr->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0) return;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    chr->client_fd = fd;
}

static void drop_client(bb_chardev *chr)
{
    close(chr->client_fd);
    chr->client_fd = -1;
}

bool bb_chardev_tcp_open(bb_chardev *chr, const char *spec, const char *rest, char *err,
                         size_t errlen)
{
    tcp_options o;
    if (!parse_options(spec, rest, &o, err, errlen)) return false;
    chr->listen_fd = listen_on(&o, spec, err, errlen);
    if (chr->listen_fd < 0) return false;
    if (o.wait) {
        fprintf(stderr, "brassboard: serial waiting for a connection on %s port %s\n", o.host,
                o.port);
        while (chr->client_fd < 0) {
            struct pollfd p = {.fd = chr->listen_fd, .events = POLLIN};
            if (poll(&p, 1, -1) < 0) {
                snprintf(err, errlen, "serial backend '%s': interrupted while waiting: %s", spec,
                         strerror(errno));
                return false;
            }
            try_accept(chr);
        }
    }
    return true;
}

void bb_chardev_tcp_write(bb_chardev *chr, const uint8_t *buf, size_t len)
{
    try_accept(chr);
    while (chr->client_fd >= 0 && len) {
        ssize_t n = send(chr->client_fd, buf, len, MSG_NOSIGNAL);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            drop_client(chr); /* gone: the rest is dropped */
        }
    }
}

size_t bb_chardev_tcp_read(bb_chardev *chr, uint8_t *buf, size_t max)
{
    try_accept(chr);
    if (chr->client_fd < 0) return 0;
    ssize_t n = recv(chr->client_fd, buf, max, MSG_DONTWAIT);
    if (n > 0) return (size_t)n;
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) drop_client(chr);
    return 0;
}

void bb_chardev_tcp_close(bb_chardev *chr)
{
    if (chr->client_fd >= 0) drop_client(chr);
    if (chr->listen_fd >= 0) close(chr->listen_fd);
    chr->listen_fd = -1;
}
