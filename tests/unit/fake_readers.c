/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The fake reader list of fake_readers.h. */
#include "fake_readers.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <winscard.h>

static const char *readers[FAKE_READERS_MAX];
static bool cards[FAKE_READERS_MAX];

LONG __wrap_SCardEstablishContext(DWORD, LPCVOID, LPCVOID, LPSCARDCONTEXT);
LONG __wrap_SCardReleaseContext(SCARDCONTEXT);
LONG __wrap_SCardIsValidContext(SCARDCONTEXT);
LONG __wrap_SCardListReaders(SCARDCONTEXT, LPCSTR, LPSTR, LPDWORD);
LONG __wrap_SCardGetStatusChange(SCARDCONTEXT, DWORD, SCARD_READERSTATE *, DWORD);

void fake_readers_plug(const char *const names[], const bool present[], int n)
{
    memset(readers, 0, sizeof(readers));
    memset(cards, 0, sizeof(cards));
    for (int i = 0; i < n && i < FAKE_READERS_MAX; i++) {
        readers[i] = names[i];
        cards[i] = present[i];
    }
}

LONG __wrap_SCardEstablishContext(DWORD s, LPCVOID a, LPCVOID b, LPSCARDCONTEXT c)
{
    (void)s, (void)a, (void)b;
    *c = 1;
    return SCARD_S_SUCCESS;
}

LONG __wrap_SCardReleaseContext(SCARDCONTEXT c)
{
    (void)c;
    return SCARD_S_SUCCESS;
}

LONG __wrap_SCardIsValidContext(SCARDCONTEXT c)
{
    (void)c;
    return SCARD_S_SUCCESS;
}

LONG __wrap_SCardListReaders(SCARDCONTEXT c, LPCSTR g, LPSTR out, LPDWORD len)
{
    char multi[256];
    size_t n = 0;

    (void)c, (void)g;
    for (int i = 0; i < FAKE_READERS_MAX && readers[i]; i++) {
        strcpy(multi + n, readers[i]);
        n += strlen(readers[i]) + 1;
    }
    if (n == 0)
        return SCARD_E_NO_READERS_AVAILABLE;
    multi[n++] = '\0';
    if (out != NULL) {
        assert_true(*len >= n);
        memcpy(out, multi, n);
    }
    *len = (DWORD)n;
    return SCARD_S_SUCCESS;
}

LONG __wrap_SCardGetStatusChange(SCARDCONTEXT c, DWORD t, SCARD_READERSTATE *st, DWORD n)
{
    (void)c, (void)t;
    for (DWORD i = 0; i < n; i++) {
        st[i].dwEventState = SCARD_STATE_EMPTY;
        for (int r = 0; r < FAKE_READERS_MAX && readers[r]; r++)
            if (strcmp(readers[r], st[i].szReader) == 0 && cards[r])
                st[i].dwEventState = SCARD_STATE_PRESENT;
    }
    return SCARD_S_SUCCESS;
}
