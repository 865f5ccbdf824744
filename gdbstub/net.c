/*
 * net.c: the stub's TCP socket: "[HOST:]PORT" (HOST defaults to 127.0.0.1, so a debugger
 * port is never open to the network unless asked; "[::1]:PORT" for IPv6; port 0 lets the
 * system pick a free one), and accepting debuggers one at a time.
 */
#include "gdbstub/stub.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Splits the spec into host and port strings. */
static bool split_spec(const char *spec, char *host, size_t host_len, char *port, size_t port_len)
{
    const char *colon = strrchr(spec, ':');
    const char *port_text = colon ? colon + 1 : spec;
    size_t n = colon ? (size_t)(colon - spec) : 0;
    const char *host_text = spec;
    if (n >= 2 && spec[0] == '[' && spec[n - 1] == ']') { /* [IPv6] */
        host_text++;
        n -= 2;
    }
    if (n >= host_len || strlen(port_text) >= port_len || !*port_text) return false;
    memcpy(host, host_text, n);
    host[n] = 0;
    if (!*host) snprintf(host, host_len, "127.0.0.1");
    for (const char *p = port_text; *p; p++)
        if (*p < '0' || *p > '9') return false;
    if (strtol(port_text, NULL, 10) > 65535) return false;
    snprintf(port, port_len, "%s", port_text);
    return true;
}

int gdb_listen(const char *spec, char *where, size_t where_len, int *port, char *err, size_t errlen)
{
    char host[256], port_text[8];
    if (!split_spec(spec, host, sizeof(host), port_text, sizeof(port_text))) {
        snprintf(err, errlen, "--gdb '%s': expected [HOST:]PORT, e.g. 1234 or 0.0.0.0:1234", spec);
        return -1;
    }
    struct addrinfo hints, *list = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int rc = getaddrinfo(host, port_text, &hints, &list);
    if (rc != 0) {
        snprintf(err, errlen, "--gdb '%s': %s", spec, gai_strerror(rc));
        return -1;
    }
    int fd = -1, saved = 0;
    for (struct addrinfo *ai = list; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 1) != 0 ||
            fcntl(fd, F_SETFL, O_NONBLOCK) != 0) {
            saved = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(list);
    if (fd < 0) {
        snprintf(err, errlen, "--gdb '%s': %s", spec, strerror(saved));
        return -1;
    }
    struct sockaddr_storage addr;
    socklen_t len = sizeof(addr);
    char numeric_host[64] = "?", numeric_port[8] = "0";
    if (getsockname(fd, (struct sockaddr *)&addr, &len) == 0)
        getnameinfo((struct sockaddr *)&addr, len, numeric_host, sizeof(numeric_host), numeric_port,
                    sizeof(numeric_port), NI_NUMERICHOST | NI_NUMERICSERV);
    *port = (int)strtol(numeric_port, NULL, 10);
    if (strchr(numeric_host, ':'))
        snprintf(where, where_len, "[%s]:%s", numeric_host, numeric_port);
    else
        snprintf(where, where_len, "%s:%s", numeric_host, numeric_port);
    return fd;
}

int gdb_accept(int listen_fd)
{
    int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}
