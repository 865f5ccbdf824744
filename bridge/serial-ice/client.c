/*
 * client.c: the SerialICE protocol engine (see client.h).
 *
 * Every command in flight is a transaction with the byte pattern it expects back: its
 * echo, its reply (see wire.h) and the prompt. Received bytes ('\r' dropped) are matched
 * against the oldest transaction as they arrive; a transaction leaves the queue when its
 * prompt has been seen. A caller waiting for a read needs only its reply digits, so the
 * next command is sent while the prompt is still on its way.
 *
 * With pace=BAUD (pace.h), received bytes are held back until they would have arrived
 * over a serial line of that speed: the client knows which of them are echoes (it follows
 * the patterns as the bytes come), and sleeps until the byte it waits for is due.
 */
#include "bridge/serial-ice/client.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bridge/serial-ice/pace.h"
#include "bridge/serial-ice/wire.h"

#define QUEUE_MAX    64   /* transactions in flight (posted writes and one more) */
#define TX_MAX       4096 /* bytes queued for sending */
#define TEXT_MAX     128  /* version line, board name */
#define QUIET_MS     20   /* silence after a prompt that ends a resynchronisation */
#define RESYNC_TRIES 64   /* '@'s sent before giving up (longer than any command) */
#define MAX_WARNINGS 20

typedef struct txn {
    uint8_t pattern[SI_COMMAND_MAX + SI_REPLY_MAX + SI_PROMPT_LEN];
    size_t len, echo_end, reply_end, pos;
    char command[SI_COMMAND_MAX];
    bool posted;
} txn;

typedef struct result {
    bool ready;
    uint64_t values[4];
    int group;
    char text[TEXT_MAX];
    size_t text_len;
} result;

struct si_client {
    si_link *link;
    si_client_options opts;
    txn queue[QUEUE_MAX];
    int head, count;
    uint8_t tx[TX_MAX];
    size_t tx_start, tx_end;
    uint64_t sent, echoed; /* bytes, for the window */
    result res;            /* of the one synchronous command in flight */
    bool down;
    bool broken; /* the link itself failed: reopened before the next probe */
    double last_probe_ms;
    char version[TEXT_MAX];
    char error[320];
    si_stats stats;
    int warnings;
    /* pace=: the line model, and where in the patterns the next received byte falls */
    si_pace *pace;
    int stamp_txn;     /* transactions after the head */
    size_t stamp_pos;  /* position in its pattern */
    int64_t result_at; /* when the awaited result's last byte arrives (-1: not known yet) */
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void si_client_options_default(si_client_options *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->timeout_ms = 1000;
    opts->retries = 2;
    opts->window = 16;
    opts->reprobe_ms = 2000;
}

si_client *si_client_new(si_link *link, const si_client_options *opts)
{
    si_client *c = calloc(1, sizeof(*c));
    if (!c) return NULL;
    c->link = link;
    if (opts)
        c->opts = *opts;
    else
        si_client_options_default(&c->opts);
    if (c->opts.timeout_ms <= 0) c->opts.timeout_ms = 1000;
    if (c->opts.retries < 0) c->opts.retries = 0;
    if (c->opts.window <= 0) c->opts.window = 16;
    if (c->opts.lockstep) c->opts.window = 1;
    if (c->opts.pace_baud > 0 && !(c->pace = si_pace_new(c->opts.pace_baud))) {
        free(c);
        return NULL;
    }
    c->result_at = -1;
    return c;
}

static void set_error(si_client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_error(si_client *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->error, sizeof(c->error), fmt, ap);
    va_end(ap);
}

static void warn(si_client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(si_client *c, const char *fmt, ...)
{
    if (c->warnings > MAX_WARNINGS) return;
    char msg[512];
    if (c->warnings++ == MAX_WARNINGS) {
        snprintf(msg, sizeof(msg), "serialice %s: further warnings suppressed",
                 si_link_name(c->link));
    } else {
        char body[400];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(body, sizeof(body), fmt, ap);
        va_end(ap);
        snprintf(msg, sizeof(msg), "serialice %s: %s", si_link_name(c->link), body);
    }
    if (c->opts.warn)
        c->opts.warn(c->opts.warn_opaque, msg);
    else
        fprintf(stderr, "brassboard: %s\n", msg);
}

/* ---- the receive side: matching bytes against the expected patterns ---- */

static int hex_value(uint8_t ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

static void describe_byte(char *buf, size_t len, uint8_t ch)
{
    if (ch >= 0x20 && ch < 0x7f)
        snprintf(buf, len, "'%c'", ch);
    else if (ch == '\n')
        snprintf(buf, len, "a line end");
    else
        snprintf(buf, len, "byte 0x%02x", ch);
}

static void describe_expected(char *buf, size_t len, uint8_t pat)
{
    if (pat == SI_PAT_HEX)
        snprintf(buf, len, "a hex digit");
    else if (pat == SI_PAT_TEXT)
        snprintf(buf, len, "text");
    else
        describe_byte(buf, len, pat);
}

/* Where in a transaction's pattern a position lies, for messages. */
static const char *part_of(const txn *t, size_t pos)
{
    return pos < t->echo_end ? "echo of" : pos < t->reply_end ? "reply to" : "prompt after";
}

static void complete_head(si_client *c)
{
    c->head = (c->head + 1) % QUEUE_MAX;
    c->count--;
    if (c->stamp_txn > 0) c->stamp_txn--;
}

/* Feeds one received byte; SI_ERR_GARBLED (with the error set) when it is not expected. */
static int feed(si_client *c, uint8_t ch)
{
    if (ch == '\r') return SI_OK; /* the shell ends lines with \r\n; the host ignores CR */
    if (c->count == 0) {
        char got[24];
        describe_byte(got, sizeof(got), ch);
        set_error(c, "unexpected %s from the board while no command was pending", got);
        return SI_ERR_GARBLED;
    }
    txn *t = &c->queue[c->head];
    uint8_t pat = t->pattern[t->pos];
    bool in_reply = t->pos >= t->echo_end && t->pos < t->reply_end;
    bool ok = true;
    if (pat == SI_PAT_HEX) {
        int v = hex_value(ch);
        if (v < 0)
            ok = false;
        else
            c->res.values[c->res.group] = c->res.values[c->res.group] << 4 | (uint64_t)v;
    } else if (pat == SI_PAT_TEXT || pat == SI_PAT_LINE) {
        if (ch == '\n') {
            ok = pat == SI_PAT_LINE;
        } else if (c->res.text_len + 1 < sizeof(c->res.text)) {
            c->res.text[c->res.text_len++] = (char)ch;
            if (pat == SI_PAT_LINE) return SI_OK; /* stay on the marker until the line end */
        } else {
            set_error(c, "reply to '%s' garbled: a line longer than %d characters", t->command,
                      TEXT_MAX - 1);
            return SI_ERR_GARBLED;
        }
    } else {
        ok = ch == pat;
        if (ok && in_reply && pat == '.' && c->res.group < 3) c->res.group++;
    }
    if (!ok) {
        char got[24], want[24];
        describe_byte(got, sizeof(got), ch);
        describe_expected(want, sizeof(want), pat);
        set_error(c, "%s '%s' garbled: expected %s, got %s", part_of(t, t->pos), t->command, want,
                  got);
        return SI_ERR_GARBLED;
    }
    t->pos++;
    if (t->pos <= t->echo_end) c->echoed++;
    if (t->pos == t->reply_end && !t->posted) c->res.ready = true;
    if (t->pos == t->len) complete_head(c);
    return SI_OK;
}

/* ---- pace=: received bytes held back until the modelled line delivers them ---- */

/* Holds a received byte back: whether it echoes a sent byte follows from where it falls in
 * the patterns of the transactions in flight (as feed will match it). */
static void pace_receive(si_client *c, uint8_t ch, int64_t now)
{
    bool echo = false, completes_result = false;
    if (ch != '\r' && c->stamp_txn < c->count) {
        const txn *t = &c->queue[(c->head + c->stamp_txn) % QUEUE_MAX];
        echo = c->stamp_pos < t->echo_end;
        if (t->pattern[c->stamp_pos] != SI_PAT_LINE || ch == '\n') c->stamp_pos++;
        completes_result = c->stamp_pos == t->reply_end && !t->posted;
        if (c->stamp_pos == t->len) {
            c->stamp_txn++;
            c->stamp_pos = 0;
        }
    }
    int64_t at = si_pace_received(c->pace, ch, echo, now);
    if (completes_result) c->result_at = at;
}

/* Feeds the held-back bytes whose time has come. */
static int pace_feed(si_client *c)
{
    int64_t now = si_pace_now();
    for (int ch; (ch = si_pace_take(c->pace, now)) >= 0;) {
        int rc = feed(c, (uint8_t)ch);
        if (rc != SI_OK) {
            c->stats.garbled++;
            return rc;
        }
    }
    return SI_OK;
}

static void pace_reset(si_client *c)
{
    if (!c->pace) return;
    si_pace_reset(c->pace);
    c->stamp_txn = 0;
    c->stamp_pos = 0;
    c->result_at = -1;
}

/* ---- the send side ---- */

static size_t tx_pending(const si_client *c)
{
    return c->tx_end - c->tx_start;
}

static bool window_open(const si_client *c)
{
    return c->sent - c->echoed < (uint64_t)c->opts.window;
}

/* Sends what the window allows; SI_ERR_IO when the link broke. */
static int send_some(si_client *c)
{
    while (tx_pending(c) && window_open(c)) {
        size_t room = (size_t)((uint64_t)c->opts.window - (c->sent - c->echoed));
        size_t n = tx_pending(c) < room ? tx_pending(c) : room;
        ssize_t w = si_link_write(c->link, c->tx + c->tx_start, n);
        if (w < 0) {
            set_error(c, "the link broke while sending (%s)", strerror(errno));
            return SI_ERR_IO;
        }
        if (w == 0) break; /* the descriptor is full: poll for POLLOUT */
        if (c->pace) si_pace_sent(c->pace, (size_t)w, si_pace_now());
        c->tx_start += (size_t)w;
        c->sent += (uint64_t)w;
        c->stats.bytes_sent += (uint64_t)w;
    }
    if (c->tx_start == c->tx_end) c->tx_start = c->tx_end = 0;
    return SI_OK;
}

typedef enum wait_for { UNTIL_RESULT, UNTIL_IDLE, UNTIL_ROOM } wait_for;

static bool satisfied(const si_client *c, wait_for what)
{
    switch (what) {
    case UNTIL_RESULT: return c->res.ready;
    case UNTIL_IDLE: return c->count == 0 && !tx_pending(c);
    case UNTIL_ROOM: return c->count < QUEUE_MAX - 1 && TX_MAX - tx_pending(c) >= SI_COMMAND_MAX;
    }
    return true;
}

/* Sends and receives until `what` holds. Fails when nothing arrives for timeout_ms while
 * something is expected, when a byte is not what the protocol says, or the link breaks. */
static int pump(si_client *c, wait_for what, const char *waiting_for)
{
    double last_progress = now_ms();
    uint8_t buf[512];
    for (;;) {
        int rc = send_some(c);
        if (rc != SI_OK) return rc;
        if (c->pace && (rc = pace_feed(c)) != SI_OK) return rc;
        if (satisfied(c, what)) return SI_OK;
        if (c->pace && si_pace_next(c->pace) >= 0) last_progress = now_ms(); /* bytes due */
        double left = last_progress + c->opts.timeout_ms - now_ms();
        if (left <= 0) {
            c->stats.timeouts++;
            set_error(c, "no answer from the board for %d ms (waiting for %s)", c->opts.timeout_ms,
                      waiting_for);
            return SI_ERR_TIMEOUT;
        }
        short events = POLLIN;
        if (tx_pending(c) && window_open(c)) events |= POLLOUT;
        int64_t wait_ns = (int64_t)((left + 1) * 1e6);
        if (c->pace) {
            /* Sleep until the byte that can satisfy the wait is due (the result's last
             * byte, or, waiting for room or for an echo to open the window, the next). */
            int64_t due = what == UNTIL_RESULT && c->result_at >= 0 ? c->result_at
                          : what == UNTIL_IDLE && !tx_pending(c)    ? si_pace_last(c->pace)
                                                                    : si_pace_next(c->pace);
            if (tx_pending(c) && !window_open(c) && si_pace_next(c->pace) >= 0)
                due = si_pace_next(c->pace);
            if (due >= 0) {
                int64_t until = due - si_pace_now();
                if (until < wait_ns) wait_ns = until > 0 ? until : 0;
            }
        }
        int revents = si_link_wait(c->link, events, wait_ns);
        if (revents < 0) {
            set_error(c, "poll failed: %s", strerror(errno));
            return SI_ERR_IO;
        }
        if (!(revents & (POLLIN | POLLHUP | POLLERR))) continue;
        ssize_t n = si_link_read(c->link, buf, sizeof(buf));
        if (n < 0) {
            set_error(c, "the link broke (%s)", errno ? strerror(errno) : "closed by the far side");
            return SI_ERR_IO;
        }
        if (n == 0) continue;
        c->stats.bytes_received += (uint64_t)n;
        for (ssize_t i = 0; c->pace && i < n; i++) {
            if (buf[i] != '\r') last_progress = now_ms();
            pace_receive(c, buf[i], si_pace_now());
        }
        for (ssize_t i = 0; !c->pace && i < n; i++) {
            if (buf[i] != '\r') last_progress = now_ms(); /* a stream of CRs is no answer */
            rc = feed(c, buf[i]);
            if (rc != SI_OK) {
                c->stats.garbled++;
                return rc;
            }
        }
    }
}

/* Forgets every transaction in flight (after a failure); posted ones are reported. */
static void drop_in_flight(si_client *c)
{
    int unconfirmed = 0;
    for (int i = 0; i < c->count; i++)
        if (c->queue[(c->head + i) % QUEUE_MAX].posted) unconfirmed++;
    if (unconfirmed) {
        c->stats.unconfirmed_posted += (uint64_t)unconfirmed;
        warn(c,
             "%d posted write%s not confirmed by the board (they may or may not have "
             "happened)",
             unconfirmed, unconfirmed == 1 ? "" : "s");
    }
    c->head = c->count = 0;
    c->tx_start = c->tx_end = 0;
    c->sent = c->echoed = 0;
    memset(&c->res, 0, sizeof(c->res));
    pace_reset(c);
}

/* Waits up to ms for input; returns bytes read into buf (0 on silence, -1 broken link). */
static ssize_t read_within(si_client *c, uint8_t *buf, size_t len, double ms)
{
    int revents = si_link_wait(c->link, POLLIN, ms < 0 ? 0 : (int64_t)(ms * 1e6));
    if (revents <= 0 || !(revents & (POLLIN | POLLHUP | POLLERR))) return 0;
    ssize_t n = si_link_read(c->link, buf, len);
    if (n > 0) c->stats.bytes_received += (uint64_t)n;
    return n;
}

/* Brings the shell back to its prompt: sends '@' (which the shell echoes, and answers
 * with a prompt when it is not inside a command) until the output ends with a prompt
 * followed by silence. Bounded by RESYNC_TRIES and a few timeouts. */
static int resync(si_client *c)
{
    drop_in_flight(c);
    c->stats.resyncs++;
    const double budget_end = now_ms() + 4.0 * c->opts.timeout_ms;
    int silent = 0;
    for (int attempt = 0; attempt < RESYNC_TRIES && now_ms() < budget_end; attempt++) {
        if (si_link_write(c->link, "@", 1) < 0) {
            set_error(c, "the link broke (%s)", strerror(errno));
            return SI_ERR_IO;
        }
        c->stats.bytes_sent++;
        char tail[SI_PROMPT_LEN] = {0};
        bool got_any = false;
        double end = now_ms() + c->opts.timeout_ms;
        for (;;) {
            uint8_t buf[256];
            double wait = got_any ? QUIET_MS : end - now_ms();
            if (wait <= 0 || now_ms() > budget_end) break;
            ssize_t n = read_within(c, buf, sizeof(buf), wait);
            if (n < 0) {
                set_error(c, "the link broke (%s)", errno ? strerror(errno) : "closed");
                return SI_ERR_IO;
            }
            if (n == 0) break;
            got_any = true;
            for (ssize_t i = 0; i < n; i++) {
                if (buf[i] == '\r') continue;
                memmove(tail, tail + 1, SI_PROMPT_LEN - 1);
                tail[SI_PROMPT_LEN - 1] = (char)buf[i];
            }
        }
        if (got_any && memcmp(tail, SI_PROMPT, SI_PROMPT_LEN) == 0) return SI_OK;
        if (!got_any && ++silent >= 2) break;
    }
    set_error(c, "the board does not answer: no SerialICE prompt within %d ms%s",
              c->opts.timeout_ms, silent ? "" : " (it sends something else: baud rate?)");
    return SI_ERR_DOWN;
}

/* Queues a command (waiting for room, or in lockstep for everything before it). */
static int enqueue(si_client *c, const si_command *cmd, bool posted)
{
    int rc = pump(c, c->opts.lockstep ? UNTIL_IDLE : UNTIL_ROOM, "earlier commands");
    if (rc != SI_OK) return rc;
    txn *t = &c->queue[(c->head + c->count) % QUEUE_MAX];
    memcpy(t->pattern, cmd->text, cmd->len);
    memcpy(t->pattern + cmd->len, cmd->reply, cmd->reply_len);
    memcpy(t->pattern + cmd->len + cmd->reply_len, SI_PROMPT, SI_PROMPT_LEN);
    t->echo_end = cmd->len;
    t->len = cmd->len + cmd->reply_len + SI_PROMPT_LEN;
    /* A write's answer is its prompt (the shell wrote); a read's is its value. */
    t->reply_end = cmd->is_write ? t->len : cmd->len + cmd->reply_len;
    t->pos = 0;
    t->posted = posted;
    snprintf(t->command, sizeof(t->command), "%s", cmd->text);
    c->count++;
    if (TX_MAX - c->tx_end < cmd->len) { /* move what is still to send to the front */
        memmove(c->tx, c->tx + c->tx_start, tx_pending(c));
        c->tx_end -= c->tx_start;
        c->tx_start = 0;
    }
    memcpy(c->tx + c->tx_end, cmd->text, cmd->len);
    c->tx_end += cmd->len;
    if (!posted) {
        memset(&c->res, 0, sizeof(c->res));
        c->result_at = -1;
    }
    c->stats.commands++;
    if (posted) c->stats.posted++;
    return send_some(c);
}

/* When down, tries the board again if reprobe_ms has passed. */
static int check_up(si_client *c)
{
    if (!c->down) return SI_OK;
    double now = now_ms();
    if (now - c->last_probe_ms < c->opts.reprobe_ms) return SI_ERR_DOWN;
    c->last_probe_ms = now;
    if (c->broken) {
        char why[256];
        if (!si_link_reopen(c->link, why, sizeof(why))) {
            set_error(c, "cannot reopen the link: %s", why);
            return SI_ERR_DOWN;
        }
        c->broken = false;
    }
    if (resync(c) != SI_OK) {
        if (strstr(c->error, "the link broke")) c->broken = true;
        return SI_ERR_DOWN;
    }
    c->down = false;
    warn(c, "the board answers again");
    return SI_OK;
}

static int go_down(si_client *c, int rc)
{
    c->down = true;
    if (rc == SI_ERR_IO) c->broken = true;
    c->last_probe_ms = now_ms();
    c->stats.failures++;
    warn(c, "%s", c->error);
    return rc == SI_ERR_IO ? SI_ERR_IO : SI_ERR_DOWN;
}

/* Runs one command: queued and left in flight when posted, otherwise until its answer,
 * with resynchronisation and retries. */
static int transact(si_client *c, const si_command *cmd, bool posted)
{
    int rc = check_up(c);
    if (rc != SI_OK) return rc;
    for (int attempt = 0;; attempt++) {
        rc = enqueue(c, cmd, posted);
        if (rc == SI_OK && !posted) rc = pump(c, UNTIL_RESULT, cmd->text);
        if (rc == SI_OK) return SI_OK;
        if (rc == SI_ERR_IO) return go_down(c, rc);
        char failure[sizeof(c->error)];
        snprintf(failure, sizeof(failure), "%s", c->error);
        int rs = resync(c);
        if (rs != SI_OK) return go_down(c, rs);
        if (posted) {
            /* The failure belonged to an earlier posted write or to this one: queue this
             * one again, once, on the resynchronised shell. */
            warn(c, "%s; resynchronised", failure);
            if (attempt > 0) return rc;
            continue;
        }
        if (attempt >= c->opts.retries) {
            set_error(c, "%s (after %d retries)", failure, attempt);
            c->stats.failures++;
            warn(c, "%s", c->error);
            return rc;
        }
        c->stats.retries++;
        warn(c, "%s; resynchronised, retrying", failure);
    }
}

int si_client_handshake(si_client *c)
{
    si_link_discard(c->link);
    int rs = resync(c);
    if (rs != SI_OK) {
        c->down = true;
        c->broken = rs == SI_ERR_IO;
        c->last_probe_ms = now_ms();
        return SI_ERR_DOWN;
    }
    si_command cmd;
    si_cmd_version(&cmd);
    int rc = transact(c, &cmd, false);
    if (rc != SI_OK) return rc;
    snprintf(c->version, sizeof(c->version), "%.*s", (int)c->res.text_len, c->res.text);
    if (strncmp(c->version, "SerialICE", 9) != 0)
        warn(c, "the version line does not start with \"SerialICE\": '%s'", c->version);
    return SI_OK;
}

void si_client_free(si_client *c)
{
    if (!c) return;
    if (!c->down && c->count && pump(c, UNTIL_IDLE, "posted writes") != SI_OK) {
        drop_in_flight(c);
        warn(c, "%s", c->error);
    }
    si_link_close(c->link);
    si_pace_free(c->pace);
    free(c);
}

const char *si_client_version(const si_client *c)
{
    return c->version;
}

const char *si_client_error(const si_client *c)
{
    return c->error;
}

const si_stats *si_client_stats(const si_client *c)
{
    return &c->stats;
}

bool si_client_is_down(const si_client *c)
{
    return c->down;
}

static uint64_t width_mask(unsigned size)
{
    return size >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * size)) - 1;
}

int si_read_mem(si_client *c, uint32_t addr, unsigned size, uint64_t *value)
{
    si_command cmd;
    if (!si_cmd_read_mem(&cmd, addr, size)) return SI_ERR_ARG;
    int rc = transact(c, &cmd, false);
    if (rc == SI_OK) *value = c->res.values[0] & width_mask(size);
    return rc;
}

int si_write_mem(si_client *c, uint32_t addr, unsigned size, uint64_t value, bool posted)
{
    si_command cmd;
    if (!si_cmd_write_mem(&cmd, addr, size, value & width_mask(size))) return SI_ERR_ARG;
    return transact(c, &cmd, posted && !c->opts.lockstep);
}

int si_read_io(si_client *c, uint16_t port, unsigned size, uint32_t *value)
{
    si_command cmd;
    if (!si_cmd_read_io(&cmd, port, size)) return SI_ERR_ARG;
    int rc = transact(c, &cmd, false);
    if (rc == SI_OK) *value = (uint32_t)(c->res.values[0] & width_mask(size));
    return rc;
}

int si_write_io(si_client *c, uint16_t port, unsigned size, uint32_t value)
{
    si_command cmd;
    if (!si_cmd_write_io(&cmd, port, size, (uint32_t)(value & width_mask(size)))) return SI_ERR_ARG;
    return transact(c, &cmd, false);
}

int si_read_msr(si_client *c, uint32_t msr, uint32_t key, uint32_t *hi, uint32_t *lo)
{
    si_command cmd;
    si_cmd_read_msr(&cmd, msr, key);
    int rc = transact(c, &cmd, false);
    if (rc == SI_OK) {
        *hi = (uint32_t)c->res.values[0];
        *lo = (uint32_t)c->res.values[1];
    }
    return rc;
}

int si_write_msr(si_client *c, uint32_t msr, uint32_t key, uint32_t hi, uint32_t lo)
{
    si_command cmd;
    si_cmd_write_msr(&cmd, msr, key, hi, lo);
    return transact(c, &cmd, false);
}

int si_cpuid(si_client *c, uint32_t eax, uint32_t ecx, uint32_t regs[4])
{
    si_command cmd;
    si_cmd_cpuid(&cmd, eax, ecx);
    int rc = transact(c, &cmd, false);
    if (rc == SI_OK)
        for (int i = 0; i < 4; i++)
            regs[i] = (uint32_t)c->res.values[i];
    return rc;
}

int si_mainboard(si_client *c, char *name, size_t len)
{
    si_command cmd;
    si_cmd_mainboard(&cmd);
    int rc = transact(c, &cmd, false);
    if (rc != SI_OK) return rc;
    size_t n = c->res.text_len;
    while (n && c->res.text[n - 1] == ' ')
        n--;
    snprintf(name, len, "%.*s", (int)n, c->res.text);
    return SI_OK;
}

int si_flush(si_client *c)
{
    int rc = check_up(c);
    if (rc != SI_OK) return rc;
    rc = pump(c, UNTIL_IDLE, "posted writes");
    if (rc == SI_OK) return SI_OK;
    if (rc == SI_ERR_IO) return go_down(c, rc);
    int rs = resync(c);
    if (rs != SI_OK) return go_down(c, rs);
    return rc;
}
