/*
 * test_chardev.c: character device backends: file output, null, stdio through pipes,
 * tcp with a real client socket (both directions, reconnection, ",wait"), pty, input
 * injection, output taps and the messages for bad specs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/chardev.h"
#include "tests/unit/test_util.h"

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Reads from the chardev until `want` bytes arrived or about two seconds passed. */
static size_t read_for(bb_chardev *chr, uint8_t *buf, size_t want)
{
    size_t got = 0;
    for (int i = 0; i < 200 && got < want; i++) {
        got += bb_chardev_read(chr, buf + got, want - got);
        if (got < want) sleep_ms(10);
    }
    return got;
}

/* Reads from an fd until `want` bytes arrived or it stays silent for two seconds. */
static size_t read_fd(int fd, uint8_t *buf, size_t want)
{
    size_t got = 0;
    while (got < want) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 2000) <= 0) break;
        ssize_t n = read(fd, buf + got, want - got);
        if (n <= 0) break;
        got += (size_t)n;
    }
    return got;
}

typedef struct tap_record {
    char text[64];
    size_t len;
} tap_record;

static void tap(void *opaque, const uint8_t *buf, size_t len)
{
    tap_record *t = opaque;
    if (t->len + len < sizeof(t->text)) {
        memcpy(t->text + t->len, buf, len);
        t->len += len;
    }
}

static void test_file_and_null(void)
{
    char err[256];
    char path[] = "/tmp/bb_test_chardev_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(write(fd, "old contents", 12) == 12); /* truncated on open */
    close(fd);
    char spec[64];
    snprintf(spec, sizeof(spec), "file:%s", path);
    bb_chardev *chr = bb_chardev_open(spec, err, sizeof(err));
    CHECK(chr != NULL);
    if (chr) {
        tap_record t = {0};
        bb_chardev_set_tap(chr, tap, &t);
        bb_chardev_write(chr, (const uint8_t *)"hello ", 6);
        bb_chardev_write(chr, (const uint8_t *)"world\n", 6);
        uint8_t buf[8];
        CHECK(bb_chardev_read(chr, buf, sizeof(buf)) == 0); /* no input */
        bb_chardev_flush(chr);
        /* Written at once: visible before close. */
        char text[64] = "";
        fd = open(path, O_RDONLY);
        ssize_t n = read(fd, text, sizeof(text) - 1);
        close(fd);
        CHECK(n == 12 && memcmp(text, "hello world\n", 12) == 0);
        CHECK(t.len == 12 && memcmp(t.text, "hello world\n", 12) == 0);
        bb_chardev_close(chr);
    }
    unlink(path);

    chr = bb_chardev_open("null", err, sizeof(err));
    CHECK(chr != NULL);
    if (chr) {
        tap_record t = {0};
        bb_chardev_set_tap(chr, tap, &t);
        bb_chardev_write(chr, (const uint8_t *)"xyz", 3);
        CHECK(t.len == 3 && memcmp(t.text, "xyz", 3) == 0);
        uint8_t buf[8];
        CHECK(bb_chardev_read(chr, buf, sizeof(buf)) == 0);
        /* Injected input comes out in order, in pieces as asked. */
        bb_chardev_inject(chr, (const uint8_t *)"abc", 3);
        bb_chardev_inject(chr, (const uint8_t *)"de", 2);
        CHECK(bb_chardev_read(chr, buf, 2) == 2 && memcmp(buf, "ab", 2) == 0);
        CHECK(bb_chardev_read(chr, buf, sizeof(buf)) == 3 && memcmp(buf, "cde", 3) == 0);
        CHECK(bb_chardev_read(chr, buf, sizeof(buf)) == 0);
        /* A long injection grows the queue. */
        uint8_t big[1000], out[1000];
        for (int i = 0; i < 1000; i++)
            big[i] = (uint8_t)i;
        bb_chardev_inject(chr, big, 10);
        CHECK(bb_chardev_read(chr, out, 4) == 4);
        bb_chardev_inject(chr, big + 10, 990);
        CHECK(bb_chardev_read(chr, out + 4, 996) == 996 && memcmp(out, big, 1000) == 0);
        bb_chardev_close(chr);
    }
}

static void test_bad_specs(void)
{
    char err[256];
    CHECK(bb_chardev_open("tcp:99999", err, sizeof(err)) == NULL);
    CHECK(strstr(err, "serial backend 'tcp:99999': port out of range") != NULL);
    CHECK(bb_chardev_open("tcp:0", err, sizeof(err)) == NULL && strstr(err, "out of range"));
    CHECK(bb_chardev_open("tcp:12ab", err, sizeof(err)) == NULL && strstr(err, "'tcp:12ab'"));
    CHECK(bb_chardev_open("tcp:4444,bogus", err, sizeof(err)) == NULL && strstr(err, "'bogus'"));
    CHECK(bb_chardev_open("serial0", err, sizeof(err)) == NULL);
    CHECK(strstr(err, "serial backend 'serial0': unknown") != NULL);
    CHECK(bb_chardev_open("file:/nonexistent-dir/x", err, sizeof(err)) == NULL);
    CHECK(strstr(err, "/nonexistent-dir/x") && strstr(err, "No such file or directory"));
    CHECK(bb_chardev_open("file:", err, sizeof(err)) == NULL);
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        close(fd);
        return -1;
    }
    close(fd);
    return ntohs(a.sin_port);
}

static int connect_to(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void test_tcp(void)
{
    char err[256], spec[64];
    int port = free_port();
    CHECK(port > 0);
    snprintf(spec, sizeof(spec), "tcp:%d", port);
    bb_chardev *chr = bb_chardev_open(spec, err, sizeof(err));
    CHECK(chr != NULL);
    if (!chr) {
        printf("  %s\n", err);
        return;
    }
    /* Output while nobody is connected is dropped. */
    bb_chardev_write(chr, (const uint8_t *)"lost", 4);

    int client = connect_to(port);
    CHECK(client >= 0);
    bb_chardev_write(chr, (const uint8_t *)"to client", 9);
    uint8_t buf[64];
    CHECK(read_fd(client, buf, 9) == 9 && memcmp(buf, "to client", 9) == 0);
    CHECK(send(client, "from client", 11, 0) == 11);
    CHECK(read_for(chr, buf, 11) == 11 && memcmp(buf, "from client", 11) == 0);

    /* Injected bytes come before the socket's. */
    CHECK(send(client, "XY", 2, 0) == 2);
    sleep_ms(50);
    bb_chardev_inject(chr, (const uint8_t *)"i", 1);
    CHECK(read_for(chr, buf, 3) == 3 && memcmp(buf, "iXY", 3) == 0);

    /* The client leaves: writes must not raise SIGPIPE, and a new client is served. */
    close(client);
    CHECK(read_for(chr, buf, 1) == 0);
    for (int i = 0; i < 20; i++)
        bb_chardev_write(chr, (const uint8_t *)"into the void", 13);
    client = connect_to(port);
    CHECK(client >= 0);
    bb_chardev_write(chr, (const uint8_t *)"again", 5);
    CHECK(read_fd(client, buf, 5) == 5 && memcmp(buf, "again", 5) == 0);
    close(client);
    bb_chardev_close(chr);

    /* The port is free again after close (SO_REUSEADDR), and HOST:PORT works. */
    snprintf(spec, sizeof(spec), "tcp:127.0.0.1:%d", port);
    chr = bb_chardev_open(spec, err, sizeof(err));
    CHECK(chr != NULL);
    /* A second listener on the same port fails with a message naming the spec. */
    char err2[256];
    CHECK(bb_chardev_open(spec, err2, sizeof(err2)) == NULL && strstr(err2, spec));
    bb_chardev_close(chr);

    /* ",wait": open returns only once a client has connected. */
    port = free_port();
    snprintf(spec, sizeof(spec), "tcp::%d,wait", port);
    pid_t child = fork();
    if (child == 0) {
        int fd = -1;
        for (int i = 0; i < 200 && fd < 0; i++) {
            sleep_ms(10);
            fd = connect_to(port);
        }
        uint8_t b[4];
        size_t n = fd >= 0 ? read_fd(fd, b, 4) : 0;
        _exit(n == 4 && memcmp(b, "wait", 4) == 0 ? 0 : 1);
    }
    chr = bb_chardev_open(spec, err, sizeof(err));
    CHECK(chr != NULL);
    if (chr) {
        bb_chardev_write(chr, (const uint8_t *)"wait", 4); /* not dropped: client is there */
        bb_chardev_close(chr);
    }
    int status = 1;
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* stdio through pipes standing in for the terminal. */
static void test_stdio(void)
{
    int in_pipe[2], out_pipe[2];
    if (pipe(in_pipe) != 0 || pipe(out_pipe) != 0) {
        CHECK(!"pipe");
        return;
    }
    int saved_in = dup(0), saved_out = dup(1);
    fflush(stdout);
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    char err[256];
    bb_chardev *chr = bb_chardev_open("stdio", err, sizeof(err));
    if (chr) {
        bb_chardev_write(chr, (const uint8_t *)"out", 3);
        CHECK(write(in_pipe[1], "in", 2) == 2);
        uint8_t buf[8];
        size_t got = read_for(chr, buf, 2);
        close(in_pipe[1]); /* end of input */
        size_t after_eof = bb_chardev_read(chr, buf + got, sizeof(buf) - got);
        bb_chardev_close(chr);
        dup2(saved_out, 1);
        dup2(saved_in, 0);
        CHECK(got == 2 && memcmp(buf, "in", 2) == 0 && after_eof == 0);
        uint8_t out[8];
        CHECK(read_fd(out_pipe[0], out, 3) == 3 && memcmp(out, "out", 3) == 0);
    } else {
        dup2(saved_out, 1);
        dup2(saved_in, 0);
        CHECK(!"stdio open");
    }
    close(saved_in);
    close(saved_out);
    close(in_pipe[0]);
    close(out_pipe[0]);
    close(out_pipe[1]);
}

static void test_pty(void)
{
    char err[256];
    /* The slave's name is printed on stderr; read it back from a temporary file. */
    FILE *capture = tmpfile();
    int saved_err = dup(2);
    fflush(stderr);
    dup2(fileno(capture), 2);
    bb_chardev *chr = bb_chardev_open("pty", err, sizeof(err));
    dup2(saved_err, 2);
    close(saved_err);
    if (!chr) {
        printf("skipping pty test: %s\n", err);
        fclose(capture);
        return;
    }
    char line[128] = "", name[128] = "";
    rewind(capture);
    if (!fgets(line, sizeof(line), capture)) line[0] = '\0';
    fclose(capture);
    CHECK(sscanf(line, "brassboard: serial on %127s", name) == 1);
    CHECK(strncmp(name, "/dev/pts/", 9) == 0);
    int slave = open(name, O_RDWR | O_NOCTTY);
    CHECK(slave >= 0);
    if (slave >= 0) {
        bb_chardev_write(chr, (const uint8_t *)"pty\n", 4);
        uint8_t buf[8];
        CHECK(read_fd(slave, buf, 4) == 4 && memcmp(buf, "pty\n", 4) == 0); /* raw: no \r */
        CHECK(write(slave, "k", 1) == 1);
        CHECK(read_for(chr, buf, 1) == 1 && buf[0] == 'k');
        close(slave);
    }
    bb_chardev_close(chr);
}

int main(void)
{
    test_file_and_null();
    test_bad_specs();
    test_tcp();
    test_stdio();
    test_pty();
    if (failures) {
        printf("%d check(s) failed\n", failures);
        return 1;
    }
    printf("test_chardev: all checks passed\n");
    return 0;
}
