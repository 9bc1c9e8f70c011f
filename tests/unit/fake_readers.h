/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A fake PC/SC reader list for unit tests of the slot table and sessions:
 * SCardListReaders and SCardGetStatusChange (wrapped with --wrap) answer from
 * the readers "plugged in" with fake_readers_plug. No card I/O.
 */
#ifndef MDC_TEST_FAKE_READERS_H
#define MDC_TEST_FAKE_READERS_H

#include <stdbool.h>

#define FAKE_READERS_MAX 4

/* Up to FAKE_READERS_MAX readers; names[i] NULL ends the list. */
void fake_readers_plug(const char *const names[], const bool cards[], int n);

#endif
