/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mdcard: the command-line tool. Global options, subcommand dispatch,
 * user-facing error texts and exit statuses. Each subcommand lives in its
 * own file.
 */
#include "tool.h"

#include "pkcs11/p11.h"
#include "token/config.h"
#include "util/hex.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: mdcard [--reader NAME|INDEX] [--json] [-v] [--pin-file FILE] [--pin-env VAR]\n"
    "              COMMAND [ARGS...]\n"
    "\n"
    "Inspect and enroll GIDS smart cards with the Microsoft minidriver file system.\n"
    "\n"
    "Commands (mdcard COMMAND --help for each):\n"
    "  list                     readers and the cards in them\n"
    "  show                     cardid, cardcf, containers, certificates, msroots\n"
    "  check [--strict]         consistency of the card's files (exit 0 clean, 1 problems,\n"
    "                           2 not a readable minidriver card: none, not GIDS, blank)\n"
    "  dump DIR [--force]       every minidriver file, raw, into DIR\n"
    "  keygen [--bits N] [--sign-only]\n"
    "                           new key in a new container; prints its key ID (CKA_ID)\n"
    "  csr --key ID --subject DN [--out FILE] [--hash sha256|sha384|sha512]\n"
    "                           PKCS#10 request signed on the card (PEM)\n"
    "  load FILE...             certificates (PEM or DER, chains too): the one matching a\n"
    "                           card key into its container, CA certificates into msroots\n"
    "\n"
    "Global options:\n"
    "  --reader NAME|INDEX      reader by number (mdcard list) or name (exact or a unique\n"
    "                           part); default: the first reader with a card\n"
    "  --json                   machine-readable output on stdout\n"
    "  -v                       the module's log on stderr (-v debug with APDUs, -vv trace),\n"
    "                           also when the configuration file names a log_file;\n"
    "                           MDCARD_DEBUG / MDCARD_LOG, when set, take precedence\n"
    "  --pin-file FILE          read the user PIN from the first line of FILE\n"
    "  --pin-env VAR            read the user PIN from $VAR (default: $MDCARD_PIN if set,\n"
    "                           else a prompt on the terminal without echo)\n"
    "\n"
    "Exit status: 0 success; 1 failure, refusal or (check) problems found; 2 no reader,\n"
    "no card, a card that is not a readable GIDS card, or a blank card for a command\n"
    "that needs its files (check, dump, keygen, csr, load); 64 bad command line.\n";

void tool_err(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fputs("mdcard: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

bool tool_wants_help(int argc, char **argv, const char *usage)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(usage, stdout);
            return true;
        }
    }
    return false;
}

int tool_usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;

    fputs("mdcard: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fputs(usage, stderr);
    return TOOL_USAGE;
}

const char *tool_rv_text(CK_RV rv)
{
    switch (rv) {
    case CKR_PIN_INCORRECT:
        return "wrong PIN";
    case CKR_PIN_LOCKED:
        return "the PIN is locked (unblock it with the administrator key)";
    case CKR_PIN_LEN_RANGE:
        return "the PIN has a length the card does not accept";
    case CKR_TOKEN_NOT_PRESENT:
    case CKR_DEVICE_REMOVED:
        return "no card in the reader (or it was removed)";
    case CKR_TOKEN_NOT_RECOGNIZED:
        return "not a GIDS card (no GIDS application answered)";
    case CKR_DEVICE_ERROR:
        return "the card reported an error (run with -v for details)";
    case CKR_DEVICE_MEMORY:
        return "the card is full";
    case CKR_USER_NOT_LOGGED_IN:
        return "the operation needs the user PIN";
    case CKR_KEY_SIZE_RANGE:
        return "key size not supported by the card";
    case CKR_ATTRIBUTE_VALUE_INVALID:
        return "refused by the card's rules (run with -v for details)";
    case CKR_HOST_MEMORY:
        return "out of memory";
    case CKR_FUNCTION_NOT_SUPPORTED:
        return "not supported by this card";
    default:
        return mdc_p11_rv_name(rv);
    }
}

int tool_rv_status(CK_RV rv)
{
    switch (rv) {
    case CKR_OK:
        return TOOL_OK;
    case CKR_TOKEN_NOT_PRESENT:
    case CKR_DEVICE_REMOVED:
    case CKR_TOKEN_NOT_RECOGNIZED:
        return TOOL_NOCARD;
    default:
        return TOOL_FAIL;
    }
}

char *tool_hex(const uint8_t *data, size_t len)
{
    char *s = len < SIZE_MAX / 2 ? malloc(2 * len + 1) : NULL;

    if (s != NULL)
        mdc_util_hex_encode(data, len, false, s, 2 * len + 1);
    return s;
}

static const struct {
    const char *name;
    tool_cmd_fn fn;
} commands[] = {
    {"list", tool_cmd_list}, {"show", tool_cmd_show},     {"check", tool_cmd_check},
    {"dump", tool_cmd_dump}, {"keygen", tool_cmd_keygen}, {"csr", tool_cmd_csr},
    {"load", tool_cmd_load},
};

/* -v: the module's own log settings, unless the user set them already. The
 * environment wins over the configuration file, so MDCARD_LOG=/dev/stderr
 * keeps the log on stderr even when the file names a log_file. */
static void set_verbosity(int v)
{
    static const char *const levels[] = {"debug", "trace"};

    if (v <= 0)
        return;
    if (getenv("MDCARD_LOG") == NULL)
        setenv("MDCARD_LOG", "/dev/stderr", 1);
    if (getenv("MDCARD_DEBUG") == NULL)
        setenv("MDCARD_DEBUG", levels[v >= 2 ? 1 : 0], 1);
}

/* Subcommand options that take a value (their value is never a global option). */
static bool takes_value(const char *a)
{
    static const char *const opts[] = {"--key", "--subject", "--out", "--hash", "--bits"};

    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
        if (strcmp(a, opts[i]) == 0)
            return true;
    return false;
}

/* One global option at argv[*i] (advancing past its value); 0 when argv[*i]
 * is not a global option, -1 after a usage error. */
static int global_option(struct tool *t, int argc, char **argv, int *i)
{
    const char *a = argv[*i];

    if (strcmp(a, "--json") == 0) {
        t->json = true;
    } else if (a[0] == '-' && a[1] == 'v' && strspn(a + 1, "v") == strlen(a + 1)) {
        t->verbose += (int)strlen(a + 1);
    } else if (strcmp(a, "--reader") == 0 || strcmp(a, "--pin-file") == 0 ||
               strcmp(a, "--pin-env") == 0) {
        if (*i + 1 >= argc) {
            tool_usage_error(usage_text, "%s needs a value", a);
            return -1;
        }
        if (strcmp(a, "--reader") == 0)
            t->reader_arg = argv[++*i];
        else if (strcmp(a, "--pin-file") == 0)
            t->pin_file = argv[++*i];
        else
            t->pin_env = argv[++*i];
    } else {
        return 0;
    }
    return 1;
}

int main(int argc, char **argv)
{
    struct tool t;
    char **sub;
    int i, n = 0, r;

    memset(&t, 0, sizeof(t));
    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(usage_text, stdout);
            return TOOL_OK;
        }
        if (strcmp(argv[i], "--version") == 0) {
            printf("mdcard %s\n", MDCARD_VERSION_STRING);
            return TOOL_OK;
        }
        r = global_option(&t, argc, argv, &i);
        if (r < 0)
            return TOOL_USAGE;
        if (r == 0)
            return tool_usage_error(usage_text, "unknown option %s", argv[i]);
    }
    if (i >= argc)
        return tool_usage_error(usage_text, "no command given");
    /* Global options may also follow the command ("mdcard show --json"). */
    sub = calloc((size_t)(argc - i) + 1, sizeof(*sub));
    if (sub == NULL)
        return TOOL_FAIL;
    sub[n++] = argv[i];
    for (int k = i + 1; k < argc; k++) {
        if (strcmp(argv[k], "--") == 0) {
            while (k < argc)
                sub[n++] = argv[k++];
            break;
        }
        if (takes_value(argv[k]) && k + 1 < argc) {
            sub[n++] = argv[k++];
            sub[n++] = argv[k];
            continue;
        }
        r = global_option(&t, argc, argv, &k);
        if (r < 0) {
            free(sub);
            return TOOL_USAGE;
        }
        if (r == 0)
            sub[n++] = argv[k];
    }
    set_verbosity(t.verbose);
    /* The module's configuration file (log, PIN cache, disk cache, readers)
     * holds for the tool too; -v above goes through the environment, which
     * wins over the file. */
    mdc_tok_config_load();
    json_init(&t.json_out, stdout);
    r = -1;
    for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++)
        if (strcmp(sub[0], commands[c].name) == 0)
            r = commands[c].fn(&t, n, sub);
    if (r < 0)
        r = tool_usage_error(usage_text, "unknown command '%s'", sub[0]);
    free(sub);
    return r;
}
