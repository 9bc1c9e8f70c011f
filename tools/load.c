/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mdcard load FILE...: certificates onto the card through the token
 * layer's C_CreateObject path (mdc_tok_create_cert). A certificate whose
 * public key matches a card key goes into that key's container, CA
 * certificates into msroots. Everything is checked before anything is
 * written: a file that does not parse, a certificate that is neither, or a
 * set with no certificate for a card key → an error and an untouched card.
 */
#include "bundle.h"
#include "tool.h"

#include "mdfs/ids.h"
#include "util/file.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: mdcard load FILE... [--json]\n"
    "Loads certificates (PEM or DER; single certificates, chains or bundles). The\n"
    "certificate whose public key matches a key on the card goes into that key's\n"
    "container; CA certificates go into msroots. Nothing is written unless at least\n"
    "one certificate matches a card key and every certificate has a place. Needs the\n"
    "user PIN.\n";

enum role { ROLE_KEY, ROLE_CA };

static bool read_all(const char *path, uint8_t **data, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    int err;

    if (fd < 0)
        return false;
    /* One byte over the limit, so the bundle splitter can refuse the file. */
    err = mdc_util_read_fd(fd, TOOL_BUNDLE_MAX_FILE + 1, data, len);
    close(fd);
    return err == 0;
}

static bool on_card(struct tool_tok *s, const struct tool_cert *c)
{
    CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
    CK_ATTRIBUTE tmpl[] = {
        {CKA_CLASS, &cls, sizeof(cls)},
        {CKA_VALUE, c->der, c->len},
    };
    CK_OBJECT_HANDLE *found = NULL;
    size_t n = 0;
    bool yes = mdc_tok_find(s->tok, tmpl, 2, &found, &n) == CKR_OK && n > 0;

    free(found);
    return yes;
}

int tool_cmd_load(struct tool *t, int argc, char **argv)
{
    struct tool_certs certs = {NULL, 0};
    enum role *roles = NULL;
    uint8_t(*ids)[MDC_ID_LEN] = NULL;
    size_t with_key = 0;
    struct tool_tok s;
    struct json *j = &t->json_out;
    int st = TOOL_OK, files = 0;

    if (tool_wants_help(argc, argv, usage))
        return TOOL_OK;
    for (int i = 1; i < argc; i++) {
        uint8_t *data = NULL;
        size_t len = 0;
        char why[160];

        if (argv[i][0] == '-' && argv[i][1] != '\0' && strcmp(argv[i], "--") != 0) {
            tool_certs_clear(&certs);
            return tool_usage_error(usage, "unknown option %s", argv[i]);
        }
        if (strcmp(argv[i], "--") == 0)
            continue;
        files++;
        if (!read_all(argv[i], &data, &len)) {
            tool_err("cannot read %s", argv[i]);
            tool_certs_clear(&certs);
            return TOOL_FAIL;
        }
        if (tool_bundle_split(data, len, &certs, why, sizeof(why)) != TOOL_BUNDLE_OK) {
            tool_err("%s: %s; nothing was written", argv[i], why);
            free(data);
            tool_certs_clear(&certs);
            return TOOL_FAIL;
        }
        free(data);
    }
    if (files == 0)
        return tool_usage_error(usage, "no file given");
    st = tool_tok_open(t, &s);
    if (st != TOOL_OK) {
        tool_certs_clear(&certs);
        return st;
    }
    roles = calloc(certs.n, sizeof(*roles));
    ids = calloc(certs.n, sizeof(*ids));
    if (roles == NULL || ids == NULL) {
        tool_err("out of memory");
        st = TOOL_FAIL;
        goto out;
    }
    /* Every certificate must have a place before anything is written. */
    for (size_t i = 0; i < certs.n; i++) {
        struct tool_cert_desc d;
        uint8_t *id = ids[i];
        CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
        CK_RV rv = CKR_OK;
        char safe[TOOL_SAFE_SIZE(sizeof(d.subject))];

        if (!tool_cert_describe(certs.v[i].der, certs.v[i].len, &d)) {
            tool_err("certificate %zu does not parse; nothing was written", i + 1);
            st = TOOL_FAIL;
            goto out;
        }
        if (mdc_mdfs_id_from_cert(certs.v[i].der, certs.v[i].len, id) == MDC_MDFS_OK)
            rv = tool_tok_find_id(&s, CKO_PUBLIC_KEY, id, MDC_ID_LEN, &h);
        if (rv != CKR_OK) {
            tool_err("cannot read the card's keys: %s", tool_rv_text(rv));
            st = tool_rv_status(rv);
            goto out;
        }
        if (h != CK_INVALID_HANDLE) {
            /* A container holds one certificate: which of two is meant cannot
             * be guessed (the same certificate twice is harmless). */
            for (size_t k = 0; k < i; k++)
                if (roles[k] == ROLE_KEY && memcmp(ids[k], id, MDC_ID_LEN) == 0 &&
                    (certs.v[k].len != certs.v[i].len ||
                     memcmp(certs.v[k].der, certs.v[i].der, certs.v[i].len) != 0)) {
                    tool_err("certificates %zu and %zu are both for the same key on the card "
                             "(give only one); nothing was written",
                             k + 1, i + 1);
                    st = TOOL_FAIL;
                    goto out;
                }
            roles[i] = ROLE_KEY;
            with_key++;
        } else if (d.ca) {
            roles[i] = ROLE_CA;
        } else {
            tool_err("'%s' matches no key on the card and is not a CA certificate; "
                     "nothing was written",
                     tool_safe(safe, sizeof(safe), d.subject));
            st = TOOL_FAIL;
            goto out;
        }
    }
    if (with_key == 0) {
        tool_err("no certificate matches a key on the card (see 'mdcard show'); "
                 "nothing was written");
        st = TOOL_FAIL;
        goto out;
    }
    st = tool_tok_login(t, &s);
    if (st != TOOL_OK)
        goto out;
    if (t->json) {
        json_begin_object(j, NULL);
        json_begin_array(j, "certificates");
    }
    /* Certificates for card keys first: they are what the user came for. */
    for (int pass = 0; pass < 2 && st == TOOL_OK; pass++) {
        for (size_t i = 0; i < certs.n && st == TOOL_OK; i++) {
            struct tool_cert_desc d;
            struct mdc_tok_cert_req req;
            CK_OBJECT_HANDLE h;
            const char *what;
            CK_RV rv = CKR_OK;
            char safe[TOOL_SAFE_SIZE(sizeof(d.subject))];

            if ((pass == 0) != (roles[i] == ROLE_KEY))
                continue;
            tool_cert_describe(certs.v[i].der, certs.v[i].len, &d);
            memset(&req, 0, sizeof(req));
            req.der = certs.v[i].der;
            req.der_len = certs.v[i].len;
            req.ca = roles[i] == ROLE_CA;
            if (on_card(&s, &certs.v[i])) {
                what = "already on the card";
            } else {
                rv = mdc_tok_create_cert(s.tok, &req, &h);
                what =
                    roles[i] == ROLE_KEY ? "loaded into its key's container" : "added to msroots";
            }
            if (rv != CKR_OK) {
                tool_err("writing '%s' failed: %s", tool_safe(safe, sizeof(safe), d.subject),
                         tool_rv_text(rv));
                st = tool_rv_status(rv);
                break;
            }
            if (t->json) {
                json_begin_object(j, NULL);
                json_string(j, "subject", d.subject);
                json_string(j, "role", roles[i] == ROLE_KEY ? "key" : "ca");
                json_string(j, "result", what);
                json_end_object(j);
            } else {
                printf("%s: %s\n", tool_safe(safe, sizeof(safe), d.subject), what);
            }
        }
    }
    if (t->json) {
        json_end_array(j);
        json_end_object(j);
        json_finish(j);
    }
out:
    free(ids);
    free(roles);
    tool_certs_clear(&certs);
    tool_tok_close(&s);
    return st;
}
