/*
 * syscalls.c: what newlib needs on the bare vexpress-a9 for the VFP/NEON test: stdout on
 * UART0 (PL011 at 0x10009000, polled), no input, a heap after the image, and the report
 * of an unexpected exception.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define UART0 ((volatile uint32_t *)0x10009000u)

extern char __heap_start[], __heap_end[];

int _write(int fd, const char *buf, int len);
int _read(int fd, char *buf, int len);
int _close(int fd);
int _fstat(int fd, struct stat *st);
int _isatty(int fd);
int _lseek(int fd, int offset, int whence);
void *_sbrk(ptrdiff_t increment);
int _kill(int pid, int sig);
int _getpid(void);
void fw_fatal_exception(int number, uint32_t lr);

static void uart_putc(char c)
{
    while (UART0[6] & 0x20) /* FR.TXFF */
        ;
    UART0[0] = (uint32_t)(unsigned char)c;
}

int _write(int fd, const char *buf, int len)
{
    if (fd != 1 && fd != 2) {
        errno = EBADF;
        return -1;
    }
    for (int i = 0; i < len; i++)
        uart_putc(buf[i]);
    return len;
}

int _read(int fd, char *buf, int len)
{
    (void)fd, (void)buf, (void)len;
    return 0;
}

int _close(int fd)
{
    (void)fd;
    errno = EBADF;
    return -1;
}

int _fstat(int fd, struct stat *st)
{
    (void)fd;
    st->st_mode = S_IFCHR;
    return 0;
}

int _isatty(int fd)
{
    return fd <= 2;
}

int _lseek(int fd, int offset, int whence)
{
    (void)fd, (void)offset, (void)whence;
    return 0;
}

void *_sbrk(ptrdiff_t increment)
{
    static char *brk = __heap_start;
    if (increment > __heap_end - brk || increment < __heap_start - brk) {
        errno = ENOMEM;
        return (void *)-1;
    }
    char *old = brk;
    brk += increment;
    return old;
}

int _kill(int pid, int sig)
{
    (void)pid, (void)sig;
    errno = EINVAL;
    return -1;
}

int _getpid(void)
{
    return 1;
}

void fw_fatal_exception(int number, uint32_t lr)
{
    static const char text[] = "unexpected exception ";
    for (const char *p = text; *p; p++)
        uart_putc(*p);
    uart_putc((char)('0' + number));
    uart_putc('\n');
    (void)lr;
    _exit(100 + number);
}
