/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mdcard keygen: a new RSA key generated on the card in a new container,
 * through the token layer's C_GenerateKeyPair path; prints the key ID
 * (CKA_ID, SHA-1 of the modulus) in hex.
 */
#include "tool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: mdcard keygen [--bits N] [--sign-only] [--json]\n"
    "Generates an RSA key on the card in a new container (N = 1024, 2048, 3072 or 4096;\n"
    "default 2048) and prints its key ID (CKA_ID). --sign-only makes a signature-only\n"
    "(AT_SIGNATURE) container; the default is a key-exchange container (signs and\n"
    "decrypts). Needs the user PIN.\n";

int tool_cmd_keygen(struct tool *t, int argc, char **argv)
{
    unsigned long bits = 2048;
    bool sign_only = false;
    struct tool_tok s;
    CK_OBJECT_HANDLE pub, priv;
    uint8_t id[64];
    size_t id_len = sizeof(id);
    char *hex;
    CK_RV rv;
    int st;

    if (tool_wants_help(argc, argv, usage))
        return TOOL_OK;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--sign-only") == 0) {
            sign_only = true;
        } else if (strcmp(argv[i], "--bits") == 0 && i + 1 < argc) {
            char *end;

            errno = 0;
            bits = strtoul(argv[++i], &end, 10);
            if (errno != 0 || *end != '\0' ||
                (bits != 1024 && bits != 2048 && bits != 3072 && bits != 4096))
                return tool_usage_error(usage, "--bits must be 1024, 2048, 3072 or 4096");
        } else {
            return tool_usage_error(usage, "unexpected argument '%s'", argv[i]);
        }
    }
    st = tool_tok_open(t, &s);
    if (st != TOOL_OK)
        return st;
    st = tool_tok_login(t, &s);
    if (st != TOOL_OK)
        goto out;
    if (!t->json)
        fprintf(stderr, "Generating an RSA-%lu key on the card...\n", bits);
    rv = mdc_tok_generate_key_pair(s.tok, bits, !sign_only, &pub, &priv);
    if (rv == CKR_OK)
        rv = tool_tok_get_id(&s, priv, id, &id_len);
    if (rv != CKR_OK) {
        tool_err("key generation failed: %s", tool_rv_text(rv));
        st = tool_rv_status(rv);
        goto out;
    }
    hex = tool_hex(id, id_len);
    if (hex == NULL) {
        st = TOOL_FAIL;
        goto out;
    }
    if (t->json) {
        json_begin_object(&t->json_out, NULL);
        json_string(&t->json_out, "key_id", hex);
        json_int(&t->json_out, "bits", (long long)bits);
        json_string(&t->json_out, "key_spec", sign_only ? "signature" : "key-exchange");
        json_end_object(&t->json_out);
        json_finish(&t->json_out);
    } else {
        printf("%s\n", hex);
    }
    free(hex);
out:
    tool_tok_close(&s);
    return st;
}
