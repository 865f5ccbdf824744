/*
 * fake_process.h: starting and stopping the fake SerialICE target (fake_target.c) from a C
 * test, and reading its counters. Header-only: each test is one executable.
 */
#ifndef BRIDGE_FAKE_PROCESS_H
#define BRIDGE_FAKE_PROCESS_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct fake_process {
    pid_t pid;
    char target[256]; /* "tcp:127.0.0.1:PORT" or "pty:/dev/pts/N" */
    char info[256], stats[256];
    double cpu_s; /* CPU time it used (user + system), set by fake_stop */
} fake_process;

/* Starts fake_target with the given options (a NULL-terminated list). False on failure. */
static inline bool fake_start(fake_process *f, const char *program, const char *const *args)
{
    static int serial;
    memset(f, 0, sizeof(*f));
    snprintf(f->info, sizeof(f->info), "/tmp/bb-fake-%d-%d.info", (int)getpid(), serial);
    snprintf(f->stats, sizeof(f->stats), "/tmp/bb-fake-%d-%d.stats", (int)getpid(), serial++);
    unlink(f->info);
    unlink(f->stats);
    const char *argv[32];
    int n = 0;
    argv[n++] = program;
    argv[n++] = "--info";
    argv[n++] = f->info;
    argv[n++] = "--stats";
    argv[n++] = f->stats;
    argv[n++] = "--lifetime";
    argv[n++] = "120";
    for (int i = 0; args[i] && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    f->pid = fork();
    if (f->pid == 0) {
        execv(program, (char *const *)argv);
        _exit(127);
    }
    for (int i = 0; i < 200; i++) {
        FILE *in = fopen(f->info, "r");
        if (in) {
            bool ok = fgets(f->target, sizeof(f->target), in) != NULL;
            fclose(in);
            if (ok) {
                f->target[strcspn(f->target, "\n")] = 0;
                return true;
            }
        }
        struct timespec ts = {0, 25000000};
        nanosleep(&ts, NULL);
    }
    return false;
}

/* Stops it (it writes its counters) and waits for it. */
static inline void fake_stop(fake_process *f)
{
    if (f->pid <= 0) return;
    kill(f->pid, SIGTERM);
    struct rusage ru;
    memset(&ru, 0, sizeof(ru));
    wait4(f->pid, NULL, 0, &ru);
    f->cpu_s =
        ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    f->pid = 0;
    unlink(f->info);
}

/* A counter from the stats file (after fake_stop), or -1. */
static inline long fake_stat(const fake_process *f, const char *name)
{
    FILE *in = fopen(f->stats, "r");
    if (!in) return -1;
    char key[64];
    long value, found = -1;
    while (fscanf(in, "%63s %ld", key, &value) == 2)
        if (strcmp(key, name) == 0) found = value;
    fclose(in);
    return found;
}

#endif
