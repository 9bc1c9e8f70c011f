/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pcsc-wait: block until a reader of the private pcscd reports a card present
 * (or absent), using SCardGetStatusChange instead of a fixed sleep.
 *
 *   pcsc-wait present|absent [READER_INDEX [TIMEOUT_MS]]
 *
 * Exit status 0 when the state was reached, 1 on timeout, 2 on error. The
 * reader index counts the readers in the order pcscd lists them.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <winscard.h>

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Returns a malloc'ed copy of the name of reader `index`, or NULL. */
static char *reader_name(SCARDCONTEXT ctx, unsigned index)
{
    DWORD len = 0;
    if (SCardListReaders(ctx, NULL, NULL, &len) != SCARD_S_SUCCESS || len == 0)
        return NULL;
    char *all = malloc(len);
    if (all == NULL)
        return NULL;
    char *found = NULL;
    if (SCardListReaders(ctx, NULL, all, &len) == SCARD_S_SUCCESS) {
        unsigned i = 0;
        for (char *p = all; *p != '\0'; p += strlen(p) + 1, i++) {
            if (i == index) {
                found = strdup(p);
                break;
            }
        }
    }
    free(all);
    return found;
}

int main(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "present") != 0 && strcmp(argv[1], "absent") != 0)) {
        fprintf(stderr, "usage: %s present|absent [READER_INDEX [TIMEOUT_MS]]\n", argv[0]);
        return 2;
    }
    int want_present = strcmp(argv[1], "present") == 0;
    unsigned index = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 0;
    long timeout = argc > 3 ? strtol(argv[3], NULL, 10) : 10000;
    long deadline = now_ms() + timeout;

    SCARDCONTEXT ctx;
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
    if (rv != SCARD_S_SUCCESS) {
        fprintf(stderr, "pcsc-wait: SCardEstablishContext: %s\n", pcsc_stringify_error(rv));
        return 2;
    }
    int status = 1;
    char *name = NULL;
    while (now_ms() < deadline) {
        if (name == NULL)
            name = reader_name(ctx, index);
        if (name == NULL) { /* reader not there yet: wait for a reader change */
            SCARD_READERSTATE rs = {.szReader = "\\\\?PnP?\\Notification"};
            SCardGetStatusChange(ctx, 200, &rs, 1);
            continue;
        }
        SCARD_READERSTATE rs = {.szReader = name, .dwCurrentState = SCARD_STATE_UNAWARE};
        for (;;) {
            long left = deadline - now_ms();
            if (left <= 0)
                break;
            rv = SCardGetStatusChange(ctx, (DWORD)left, &rs, 1);
            if (rv == SCARD_E_TIMEOUT)
                break;
            if (rv != SCARD_S_SUCCESS) {
                fprintf(stderr, "pcsc-wait: SCardGetStatusChange: %s\n",
                        pcsc_stringify_error(rv));
                status = 2;
                goto out;
            }
            int present = (rs.dwEventState & SCARD_STATE_PRESENT) != 0;
            if (present == want_present) {
                status = 0;
                goto out;
            }
            rs.dwCurrentState = rs.dwEventState;
        }
    }
out:
    if (status == 1)
        fprintf(stderr, "pcsc-wait: reader %u not %s after %ld ms\n", index, argv[1], timeout);
    free(name);
    SCardReleaseContext(ctx);
    return status;
}
