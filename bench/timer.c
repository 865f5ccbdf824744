/* bench_timer: runs a command once and writes its wall time, peak resident memory and exit
 * status to a file, for bench/measure.py.
 *
 *   bench_timer [--timeout S] RESULT_FILE COMMAND [ARGS...]
 *
 * The peak memory is ru_maxrss from wait4. Linux gives a child the peak of the process it was
 * forked from until it execs, so the launcher must be small: from a Python process every
 * command would seem to use at least Python's 14 MiB. This program's own footprint (about
 * 1 MiB) is the floor of what it reports. RESULT_FILE gets one line:
 *   wall_us=N cpu_us=N rss_kib=N status=CODE|signalN|timeout
 * where cpu_us is the user and system time of the command: on a loaded machine it moves
 * less than the wall time does. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t timed_out;
static pid_t child;

static void on_alarm(int signo)
{
    (void)signo;
    timed_out = 1;
    kill(child, SIGKILL);
}

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_timer [--timeout S] RESULT_FILE COMMAND [ARGS...]\n");
    return 2;
}

int main(int argc, char **argv)
{
    int arg = 1;
    unsigned timeout = 0;
    if (arg + 1 < argc && strcmp(argv[arg], "--timeout") == 0) {
        timeout = (unsigned)strtoul(argv[arg + 1], NULL, 10);
        arg += 2;
    }
    if (argc - arg < 2) return usage();
    const char *result_path = argv[arg];
    char **command = &argv[arg + 1];

    double start = now_us();
    child = fork();
    if (child < 0) {
        perror("bench_timer: fork");
        return 2;
    }
    if (child == 0) {
        execvp(command[0], command);
        fprintf(stderr, "bench_timer: %s: %s\n", command[0], strerror(errno));
        _exit(127);
    }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_alarm;
    sigaction(SIGALRM, &action, NULL);
    alarm(timeout);

    int status;
    struct rusage usage;
    while (wait4(child, &status, 0, &usage) < 0) {
        if (errno != EINTR) {
            perror("bench_timer: wait4");
            return 2;
        }
    }
    double wall = now_us() - start;

    FILE *result = fopen(result_path, "w");
    if (!result) {
        perror(result_path);
        return 2;
    }
    double cpu = (double)(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e6 +
                 (double)(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
    fprintf(result, "wall_us=%.0f cpu_us=%.0f rss_kib=%ld status=", wall, cpu, usage.ru_maxrss);
    if (timed_out)
        fprintf(result, "timeout\n");
    else if (WIFSIGNALED(status))
        fprintf(result, "signal%d\n", WTERMSIG(status));
    else
        fprintf(result, "%d\n", WEXITSTATUS(status));
    return fclose(result) == 0 ? 0 : 2;
}
