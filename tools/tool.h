/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The mdcard command-line tool: what the subcommands share — global
 * options, exit statuses, the reader choice, the read-only card session
 * (the card edge inside one transaction), the token session used for
 * writes and signatures, and error messages for users.
 */
#ifndef MDC_TOOL_H
#define MDC_TOOL_H

#include "json.h"
#include "mdcard/card_edge.h"
#include "mdcard/pkcs11.h"
#include "token/token.h"
#include "util/secret.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit statuses (documented in --help and docs/TOOL.md). */
enum {
    TOOL_OK = 0,
    TOOL_FAIL = 1,   /* the operation failed or was refused; check: problems found */
    TOOL_NOCARD = 2, /* no reader, no card, a card that cannot be read or is not GIDS */
    TOOL_USAGE = 64, /* bad command line */
};

struct tool {
    const char *reader_arg; /* --reader NAME|INDEX, NULL: first reader with a card */
    bool json;
    int verbose;
    const char *pin_file; /* --pin-file */
    const char *pin_env;  /* --pin-env, default MDCARD_PIN */
    struct json json_out; /* the --json writer on stdout */
};

/* A subcommand: argv[0] is its name; returns an exit status. */
typedef int (*tool_cmd_fn)(struct tool *t, int argc, char **argv);
int tool_cmd_list(struct tool *t, int argc, char **argv);
int tool_cmd_show(struct tool *t, int argc, char **argv);
int tool_cmd_check(struct tool *t, int argc, char **argv);
int tool_cmd_dump(struct tool *t, int argc, char **argv);
int tool_cmd_keygen(struct tool *t, int argc, char **argv);
int tool_cmd_csr(struct tool *t, int argc, char **argv);
int tool_cmd_load(struct tool *t, int argc, char **argv);

/* Messages on stderr, prefixed "mdcard: ". */
void tool_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* True when argv[i] is -h/--help: the subcommand's usage is printed. */
bool tool_wants_help(int argc, char **argv, const char *usage);
/* Usage error: message, then the subcommand's usage; returns TOOL_USAGE. */
int tool_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A user's sentence for a CK_RV ("wrong PIN", "no card in the reader"...). */
const char *tool_rv_text(CK_RV rv);
/* Exit status for a failed CK_RV: TOOL_NOCARD for card access, else TOOL_FAIL. */
int tool_rv_status(CK_RV rv);

/* ---- readers (card.c) ---- */
/* Name of the reader to use (freed by the caller): --reader as an index or a
 * name (exact, else a unique substring), else the first reader with a card.
 * Prints the reason and returns NULL when there is none. */
char *tool_pick_reader(const struct tool *t);

/* ---- read-only card session through the card edge (card.c) ---- */
struct tool_card {
    struct mdc_pcsc *pcsc;
    const struct mdc_card_edge *edge;
    struct mdc_card *card;
    char *reader;
    bool in_tx;
    struct mdc_card_info info;
};
/* Open the card in the chosen reader and begin one transaction; on failure
 * prints a readable reason and returns TOOL_NOCARD. */
int tool_card_open(const struct tool *t, struct tool_card *c);
/* The same for a given reader name; `quiet` keeps failures off stderr.
 * *why receives a short reason on failure. */
int tool_card_open_reader(struct tool_card *c, const char *reader, const char **why);
void tool_card_close(struct tool_card *c);
/* Readable text of an edge status. */
const char *tool_card_rc_text(mdc_card_rc rc);

/* ---- token session for PIN, keys and writes (session.c) ---- */
struct tool_tok {
    struct mdc_tok_env *env;
    struct mdc_tok *tok;
    char *reader;
    bool logged_in;
};
int tool_tok_open(const struct tool *t, struct tool_tok *s);
/* Asks for the PIN (pin.c) and logs in; readable message on failure. */
int tool_tok_login(const struct tool *t, struct tool_tok *s);
void tool_tok_close(struct tool_tok *s);
/* The object of class cls whose CKA_ID is id; CK_INVALID_HANDLE if none. */
CK_RV tool_tok_find_id(struct tool_tok *s, CK_OBJECT_CLASS cls, const uint8_t *id, size_t id_len,
                       CK_OBJECT_HANDLE *h);
/* CKA_ID of an object (up to 64 bytes). */
CK_RV tool_tok_get_id(struct tool_tok *s, CK_OBJECT_HANDLE h, uint8_t *id, size_t *id_len);

/* ---- the PIN (pin.c) ---- */
/* --pin-file, --pin-env (default MDCARD_PIN), else a prompt on /dev/tty
 * without echo. NULL with a message when none can be had. Free with
 * mdc_util_secret_free (wipes). */
struct mdc_secret *tool_pin_get(const struct tool *t, const char *prompt);

/* ---- hex ---- */
/* Lower-case hex of data into a heap string (NULL on allocation failure). */
char *tool_hex(const uint8_t *data, size_t len);

#endif
