// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * gids-sim: the control file (--ctl). Checked before each APDU with a cheap stat();
 * when it holds "fail-after N" the simulator arms a one-shot cut and empties the file.
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim.h"

/* Returns 1 and sets *armed = N when a command was found, else 0. */
int sim_ctl_poll(const char *path, long *armed)
{
    struct stat st;
    char buf[64], *end;
    ssize_t n;
    int fd;
    long v;

    if (!path || stat(path, &st) != 0 || st.st_size == 0)
        return 0;
    fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return 0;
    n = read(fd, buf, sizeof buf - 1);
    if (ftruncate(fd, 0) != 0) {
        /* cannot consume the command: ignore it rather than cutting repeatedly */
        close(fd);
        return 0;
    }
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    if (strncmp(buf, "fail-after", 10) != 0)
        return 0;
    v = strtol(buf + 10, &end, 10);
    if (end == buf + 10 || v < 0)
        return 0;
    *armed = v;
    return 1;
}
