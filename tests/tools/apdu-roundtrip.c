/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * apdu-roundtrip: time N APDU round trips through the real PC/SC stack
 * (SCardTransmit → pcscd → vpcd → simulator) to the card in reader 0.
 *
 *   apdu-roundtrip [N]      prints "N round trips in X ms (Y ms per APDU)"
 *
 * It sends the GIDS SELECT followed by PIN-status reads, which every GIDS card
 * answers without changing state. Exit status 0 when every APDU got an answer.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <winscard.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000;
    if (n <= 0) {
        fprintf(stderr, "usage: %s [N]\n", argv[0]);
        return 2;
    }
    SCARDCONTEXT ctx;
    SCARDHANDLE card;
    DWORD proto;
    char readers[1024];
    DWORD len = sizeof readers;
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
    if (rv == SCARD_S_SUCCESS)
        rv = SCardListReaders(ctx, NULL, readers, &len);
    if (rv == SCARD_S_SUCCESS)
        rv = SCardConnect(ctx, readers, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                          &card, &proto);
    if (rv != SCARD_S_SUCCESS) {
        fprintf(stderr, "apdu-roundtrip: %s\n", pcsc_stringify_error(rv));
        return 2;
    }
    const SCARD_IO_REQUEST *pci = proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
    static const unsigned char select_gids[] = {0x00, 0xA4, 0x04, 0x00, 0x09, 0xA0, 0x00, 0x00,
                                                0x03, 0x97, 0x42, 0x54, 0x46, 0x59, 0x00};
    static const unsigned char pin_status[] = {0x00, 0xCB, 0x3F, 0xFF, 0x04,
                                               0x5C, 0x02, 0x7F, 0x71, 0x00};
    unsigned char resp[300];
    double start = now_ms();
    for (long i = 0; i < n; i++) {
        const unsigned char *apdu = i == 0 ? select_gids : pin_status;
        DWORD apdu_len = i == 0 ? sizeof select_gids : sizeof pin_status;
        DWORD rlen = sizeof resp;
        rv = SCardTransmit(card, pci, apdu, apdu_len, NULL, resp, &rlen);
        if (rv != SCARD_S_SUCCESS || rlen < 2) {
            fprintf(stderr, "apdu-roundtrip: APDU %ld: %s\n", i, pcsc_stringify_error(rv));
            return 1;
        }
    }
    double elapsed = now_ms() - start;
    printf("%ld round trips in %.1f ms (%.3f ms per APDU)\n", n, elapsed, elapsed / (double)n);
    SCardDisconnect(card, SCARD_LEAVE_CARD);
    SCardReleaseContext(ctx);
    return 0;
}
