/*
 * The floor for OneSocketBench: getsockopt(TCP_INFO) + ioctl(SIOCOUTQNSD) on the sending end of
 * a loopback TCP pair whose receiver never reads, with unsent data queued, in a tight loop.
 * Builds the pair exactly as dev.sluice.bench.support.LoopbackPair does (same buffer sizes).
 *
 * As a program:
 *   cc -O2 -o sockcalls sockcalls.c
 *   ./sockcalls [--clocks-only] [iterations-per-run (1000000)] [runs (9)]
 * prints each run's ns/op and the median, then the median ns/op of
 * clock_gettime(CLOCK_MONOTONIC_RAW) and clock_gettime(CLOCK_MONOTONIC) (the floor for
 * ClockBench). Lines starting with "RESULT" are for scripts. Times are taken with
 * clock_gettime(CLOCK_MONOTONIC). --clocks-only skips the socket part.
 *
 * As a library (for dev.sluice.bench.Interleaved, which runs this loop through FFM in turn with
 * the JVM variants, on the same socket):
 *   cc -O2 -shared -fPIC -DSOCKCALLS_LIB -o libsockcalls.so sockcalls.c
 * exports sockcalls_loop().
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RECEIVER_RCVBUF 4096 /* LoopbackPair.RECEIVER_RCVBUF */
#define SENDER_SNDBUF 16384  /* LoopbackPair.SENDER_SNDBUF */
#define INFO_BYTES 512       /* TcpInfo.BUFFER_BYTES */
#define MAX_RUNS 101

/*
 * iters x (getsockopt(TCP_INFO) into a 512-byte buffer + ioctl(SIOCOUTQNSD)), reading
 * tcpi_snd_cwnd and the unsent count each time. Returns the sum of those (so nothing is
 * optimized away), or -1 if a call failed.
 */
long sockcalls_loop(int fd, long iters) {
    static unsigned char info[INFO_BYTES] __attribute__((aligned(8)));
    const struct tcp_info *ti = (const struct tcp_info *)info;
    long sum = 0;
    for (long i = 0; i < iters; i++) {
        socklen_t len = sizeof info;
        int q;
        if (getsockopt(fd, SOL_TCP, TCP_INFO, info, &len) != 0 || ioctl(fd, SIOCOUTQNSD, &q) != 0) {
            return -1;
        }
        sum += (long)ti->tcpi_snd_cwnd + q;
    }
    return sum;
}

#ifndef SOCKCALLS_LIB

static void die(const char *what) {
    perror(what);
    exit(1);
}

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Keeps the compiler from dropping the clock reads. */
static volatile uint64_t sink;

static void bench_sockcalls(long iters, int runs) {
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener < 0) die("socket");
    int v = RECEIVER_RCVBUF;
    if (setsockopt(listener, SOL_SOCKET, SO_RCVBUF, &v, sizeof v)) die("SO_RCVBUF");
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr)) die("bind");
    if (listen(listener, 1)) die("listen");
    socklen_t alen = sizeof addr;
    if (getsockname(listener, (struct sockaddr *)&addr, &alen)) die("getsockname");

    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    v = SENDER_SNDBUF;
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof v)) die("SO_SNDBUF");
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr)) die("connect");
    int receiver = accept(listener, NULL, NULL);
    if (receiver < 0) die("accept");

    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)) die("O_NONBLOCK");
    char chunk[4096];
    memset(chunk, 0, sizeof chunk);
    long queued = 0;
    for (;;) {
        ssize_t n = write(fd, chunk, sizeof chunk);
        if (n < 0) {
            if (errno == EAGAIN) break;
            die("write");
        }
        queued += n;
        if (queued > (64L << 20)) {
            fprintf(stderr, "receiver kept accepting data\n");
            exit(1);
        }
    }
    int notsent = 0;
    for (int i = 0; i < 50; i++) {
        usleep(10000);
        if (ioctl(fd, SIOCOUTQNSD, &notsent)) die("SIOCOUTQNSD");
        if (notsent > 0 && i >= 4) break;
    }
    if (notsent <= 0) {
        fprintf(stderr, "no unsent data queued (SIOCOUTQNSD=%d)\n", notsent);
        exit(1);
    }

    unsigned char info[INFO_BYTES] __attribute__((aligned(8)));
    socklen_t len = sizeof info;
    if (getsockopt(fd, SOL_TCP, TCP_INFO, info, &len)) die("TCP_INFO");
    printf("sockcalls: tcp_info=%u bytes snd_cwnd=%u unsent=%d queued=%ld; %ld iterations x %d runs\n",
           (unsigned)len, ((struct tcp_info *)info)->tcpi_snd_cwnd, notsent, queued, iters, runs);

    double ns[MAX_RUNS];
    /* One untimed run first, to warm caches and branch predictors as JMH warms up. */
    for (int r = -1; r < runs; r++) {
        int64_t t0 = now_ns();
        if (sockcalls_loop(fd, iters) < 0) die("getsockopt/ioctl");
        int64_t t1 = now_ns();
        if (r >= 0) ns[r] = (double)(t1 - t0) / iters;
    }
    for (int r = 0; r < runs; r++) printf("run %d: %.1f ns/op\n", r, ns[r]);
    printf("RESULT sockcalls_ns_per_op %.1f\n", median(ns, runs));
    close(receiver);
    close(fd);
    close(listener);
}

static void bench_clocks(long iters, int runs) {
    static const struct { clockid_t id; const char *name; } clocks[] = {
        {CLOCK_MONOTONIC_RAW, "clock_monotonic_raw"}, {CLOCK_MONOTONIC, "clock_monotonic"}};
    double ns[MAX_RUNS];
    for (unsigned c = 0; c < sizeof clocks / sizeof clocks[0]; c++) {
        for (int r = -1; r < runs; r++) {
            struct timespec ts;
            int64_t t0 = now_ns();
            for (long i = 0; i < iters; i++) {
                clock_gettime(clocks[c].id, &ts);
                sink += (uint64_t)ts.tv_nsec;
            }
            int64_t t1 = now_ns();
            if (r >= 0) ns[r] = (double)(t1 - t0) / iters;
        }
        printf("RESULT %s_ns_per_op %.1f\n", clocks[c].name, median(ns, runs));
    }
}

int main(int argc, char **argv) {
    int clocks_only = argc > 1 && strcmp(argv[1], "--clocks-only") == 0;
    if (clocks_only) {
        argc--;
        argv++;
    }
    long iters = argc > 1 ? atol(argv[1]) : 1000000;
    int runs = argc > 2 ? atoi(argv[2]) : 9;
    if (iters <= 0 || runs <= 0 || runs > MAX_RUNS) {
        fprintf(stderr, "usage: sockcalls [--clocks-only] [iterations>0] [runs 1..%d]\n", MAX_RUNS);
        return 2;
    }
    if (!clocks_only) bench_sockcalls(iters, runs);
    bench_clocks(iters * 10, runs);
    return 0;
}

#endif /* SOCKCALLS_LIB */
