// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * gids-sim: the vpcd transport (TEST-ENV.md §5): we are the TCP client of pcscd's vpcd
 * driver; each message is a 2-byte big-endian length and a payload. TCP_QUICKACK is
 * re-armed before every recv() (it does not stick) and answers go out in one send(),
 * otherwise vpcd's two-part writes meet the delayed ACK and cost ~40 ms per APDU.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"

/* Connects to 127.0.0.1:port, retrying every 50 ms until vpcd listens or *stop is set. */
int sim_vpcd_connect(int port, volatile sig_atomic_t *stop)
{
    struct sockaddr_in sa;
    const struct timespec pause = {0, 50 * 1000 * 1000};

    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    while (!*stop) {
        int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return -1;
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            return fd;
        }
        close(fd);
        nanosleep(&pause, NULL);
    }
    return -1;
}

static int read_full(int fd, unsigned char *buf, size_t n)
{
    size_t got = 0;

    while (got < n) {
        int one = 1;
        ssize_t r;
        setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
        r = recv(fd, buf + got, n - got, 0);
        if (r < 0 && errno == EINTR)
            return -1; /* a signal: let the caller look at its stop flag */
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return 0;
}

/* One message; returns its length, or -1 when the connection is gone or too long. */
long sim_vpcd_recv(int fd, unsigned char *buf, size_t max)
{
    unsigned char hdr[2];
    size_t n;

    if (read_full(fd, hdr, 2))
        return -1;
    n = (size_t)hdr[0] << 8 | hdr[1];
    if (n > max || read_full(fd, buf, n))
        return -1;
    return (long)n;
}

int sim_vpcd_send(int fd, const unsigned char *p, size_t n)
{
    unsigned char frame[2 + 1024];
    ssize_t w;

    if (n > sizeof frame - 2)
        return -1;
    frame[0] = (unsigned char)(n >> 8);
    frame[1] = (unsigned char)n;
    memcpy(frame + 2, p, n);
    do
        w = send(fd, frame, n + 2, MSG_NOSIGNAL);
    while (w < 0 && errno == EINTR);
    return w == (ssize_t)(n + 2) ? 0 : -1;
}
