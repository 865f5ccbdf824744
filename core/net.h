/*
 * net.h: Ethernet backends for network devices. "user" is user-mode networking with
 * libslirp: the guest sits on 10.0.2.0/24 behind a virtual router at 10.0.2.2 that
 * answers DHCP (the guest gets 10.0.2.15), DNS at 10.0.2.3 and pings to itself, and
 * makes outgoing TCP and UDP connections from the host's sockets. "none" drops every
 * frame. Slirp runs on virtual time: its timers are clock events and its sockets are
 * polled on a 1 ms virtual-time tick.
 */
#ifndef BB_NET_H
#define BB_NET_H

#include <stddef.h>
#include <stdint.h>

typedef struct bb_machine bb_machine;
typedef struct bb_net bb_net;

/* Called with each frame for the guest (no FCS). */
typedef void (*bb_net_receive_fn)(void *opaque, const uint8_t *frame, size_t len);

/* Opens a backend ("user" or "none"). NULL with a message naming the spec on failure. */
bb_net *bb_net_open(bb_machine *m, const char *spec, bb_net_receive_fn receive, void *opaque,
                    char *err, size_t errlen);
/* A frame from the guest (no FCS). */
void bb_net_send(bb_net *net, const uint8_t *frame, size_t len);
void bb_net_close(bb_net *net);

#endif
