/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mdcard check: consistency of a card's minidriver file system —
 * cardid, cardcf (version, length), cardapps, cmapfile against the keys on
 * the card and the GIDS keymap, certificate files against their
 * containers' keys, names and compression, master-table records pointing
 * nowhere, data objects nothing references, msroots. Errors are
 * inconsistencies; warnings are unusual but readable states.
 * Exit 0: no error (warnings allowed unless --strict); 1: problems; 2: not
 * a readable minidriver card (no card, not GIDS, a blank card).
 */
#include "model.h"

#include "mdfs/cardapps.h"
#include "mdfs/cardcf.h"
#include "mdfs/certfile.h"
#include "mdfs/ids.h"
#include "mdfs/msroots.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char usage[] =
    "usage: mdcard check [--strict] [--json]\n"
    "Checks the card's minidriver files for consistency and prints each problem as\n"
    "'error: ...' (an inconsistency) or 'warning: ...' (unusual but readable).\n"
    "Exit status: 0 no error (warnings allowed; with --strict none either), 1 problems\n"
    "found, 2 not a readable minidriver card (no card, not a GIDS card, a blank card\n"
    "without minidriver files). Needs no PIN.\n";

#define MAX_FINDINGS 256

struct finding {
    bool error;
    char code[32];
    char text[256];
};

struct checker {
    const struct tool_model *m;
    struct finding f[MAX_FINDINGS];
    size_t n, errors, warnings;
};

static void report(struct checker *x, bool error, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void report(struct checker *x, bool error, const char *code, const char *fmt, ...)
{
    va_list ap;

    if (error)
        x->errors++;
    else
        x->warnings++;
    if (x->n >= MAX_FINDINGS)
        return;
    x->f[x->n].error = error;
    snprintf(x->f[x->n].code, sizeof(x->f[x->n].code), "%s", code);
    va_start(ap, fmt);
    vsnprintf(x->f[x->n].text, sizeof(x->f[x->n].text), fmt, ap);
    va_end(ap);
    x->n++;
}

static const struct tool_file *present(const struct tool_model *m, const char *dir,
                                       const char *name)
{
    const struct tool_file *f = tool_model_file(m, dir, name);

    return f != NULL && f->rc.status == MDC_CARD_OK ? f : NULL;
}

/* Master-table names compare ASCII case-insensitively, as the minidriver does. */
static bool same_name(const struct tool_file *a, const struct tool_file *b)
{
    return strcasecmp(a->dir, b->dir) == 0 && strcasecmp(a->name, b->name) == 0;
}

static bool first_of_name(const struct tool_model *m, size_t i)
{
    for (size_t k = 0; k < i; k++)
        if (same_name(&m->files[k], &m->files[i]))
            return false;
    return true;
}

static void check_table(struct checker *x)
{
    const struct tool_model *m = x->m;

    if (m->mft_rc.status != MDC_CARD_OK) {
        report(x, true, "table-missing", "the GIDS master table (A000/DF1F) cannot be read (%s)",
               tool_card_rc_text(m->mft_rc));
        return;
    }
    if (m->mft_rv != MDC_MDFS_OK) {
        report(x, true, "table-corrupt", "the GIDS master table does not parse (%s, %zu bytes)",
               mdc_mdfs_rv_name(m->mft_rv), m->mft_raw.len);
        return;
    }
    for (size_t i = 0; i < m->nfiles; i++) {
        const struct tool_file *f = &m->files[i];
        size_t times = 1;

        if (f->rc.status == MDC_CARD_ABSENT)
            report(x, true, "record-dangling",
                   "master-table record %s/%s points to %04X/%04X, which does not exist",
                   f->dir[0] ? f->dir : ".", f->name, (unsigned)f->ef, (unsigned)f->tag);
        else if (f->rc.status != MDC_CARD_OK)
            report(x, true, "record-unreadable", "%s/%s (%04X/%04X) cannot be read: %s",
                   f->dir[0] ? f->dir : ".", f->name, (unsigned)f->ef, (unsigned)f->tag,
                   tool_card_rc_text(f->rc));
        if (!first_of_name(m, i))
            continue; /* its group is reported at its first record */
        for (size_t k = i + 1; k < m->nfiles; k++)
            if (same_name(&m->files[k], f))
                times++;
        if (times > 1)
            report(x, true, "record-duplicate", "the master table names %s/%s %zu times",
                   f->dir[0] ? f->dir : ".", f->name, times);
    }
    for (size_t i = 0; i < m->norphans; i++)
        report(x, false, "do-unreferenced",
               "data object %04X/%04X (%zu bytes) is referenced by no master-table record "
               "(left by an interrupted write)",
               m->orphans[i].ef, m->orphans[i].tag, m->orphans[i].len);
}

static size_t check_root(struct checker *x)
{
    const struct tool_file *id = present(x->m, "", "cardid");
    const struct tool_file *cf = present(x->m, "", "cardcf");
    const struct tool_file *apps = present(x->m, "", "cardapps");
    mdc_cardapps ca = {NULL, 0};
    mdc_cardcf v;
    size_t napps = 0, idx;

    if (id == NULL)
        report(x, true, "cardid-missing", "cardid is missing: hosts cannot tell this card apart");
    else if (id->data.len != MDC_CARDID_LEN)
        report(x, true, "cardid-length", "cardid has %zu bytes instead of 16", id->data.len);
    if (apps == NULL) {
        report(x, true, "cardapps-missing", "cardapps is missing");
    } else if (mdc_mdfs_cardapps_parse(apps->data.data, apps->data.len, &ca) != MDC_MDFS_OK) {
        report(x, true, "cardapps-corrupt", "cardapps does not parse (%zu bytes)", apps->data.len);
    } else {
        napps = ca.count;
        if (mdc_mdfs_cardapps_find(&ca, "mscp", &idx) != MDC_MDFS_OK)
            report(x, true, "cardapps-no-mscp", "cardapps does not list the mscp application");
    }
    mdc_mdfs_cardapps_clear(&ca);
    if (cf == NULL) {
        report(x, true, "cardcf-missing", "cardcf is missing: no host can validate its cache");
    } else if (mdc_mdfs_cardcf_parse(cf->data.data, cf->data.len, &v) != MDC_MDFS_OK) {
        report(x, true, "cardcf-corrupt", "cardcf has %zu bytes; at least 6 are needed",
               cf->data.len);
    } else {
        if (v.version > 1)
            report(x, false, "cardcf-version", "cardcf version %u (known: 0 and 1)", v.version);
        if (napps > 0 && cf->data.len != 6 + 4 * (napps - 1))
            report(x, false, "cardcf-length",
                   "cardcf has %zu bytes; %zu application(s) in cardapps make %zu", cf->data.len,
                   napps, 6 + 4 * (napps - 1));
    }
    return napps;
}

static void check_containers(struct checker *x)
{
    const struct tool_model *m = x->m;
    size_t defaults = 0, keys = 0;

    if (!m->cm_present) {
        report(x, true, "cmapfile-missing", "mscp/cmapfile is missing");
        return;
    }
    if (m->cm_rv != MDC_MDFS_OK) {
        report(x, true, "cmapfile-corrupt", "mscp/cmapfile does not parse (%s)",
               mdc_mdfs_rv_name(m->cm_rv));
        return;
    }
    for (size_t i = 0; i < m->cm.count; i++) {
        const mdc_cmap_record *r = &m->cm.records[i];
        const struct tool_key *k = i < m->nkeys ? &m->keys[i] : NULL;
        bool key_there = k != NULL && k->rc.status == MDC_CARD_OK;
        unsigned bits = r->kx_key_bits != 0 ? r->kx_key_bits : r->sig_key_bits;
        char name[MDC_CMAP_NAME_UTF8_MAX];

        if (!mdc_mdfs_cmap_is_valid(r)) {
            if (mdc_mdfs_cmap_is_default(r))
                report(x, false, "container-free-default",
                       "free container %zu carries the "
                       "default flag",
                       i);
            if (key_there)
                report(x, false, "key-orphan",
                       "container %zu is free but a key is still on the "
                       "card at its key reference (an interrupted deletion)",
                       i);
            continue;
        }
        if (mdc_mdfs_cmap_is_default(r))
            defaults++;
        if (mdc_mdfs_cmap_name_get(r, name, sizeof(name)) != MDC_MDFS_OK || name[0] == '\0')
            report(x, false, "container-no-name", "container %zu has no name", i);
        else
            for (size_t o = 0; o < i; o++) {
                char other[MDC_CMAP_NAME_UTF8_MAX];

                if (mdc_mdfs_cmap_is_valid(&m->cm.records[o]) &&
                    mdc_mdfs_cmap_name_get(&m->cm.records[o], other, sizeof(other)) ==
                        MDC_MDFS_OK &&
                    strcmp(other, name) == 0)
                    report(x, true, "container-name-twice",
                           "containers %zu and %zu are both "
                           "named '%s'",
                           o, i, name);
            }
        if (mdc_mdfs_cmap_is_reservation(r)) {
            report(x, false, "container-reservation",
                   "container %zu is a reservation (both key "
                   "sizes 0): an interrupted key creation",
                   i);
            continue;
        }
        if (r->kx_key_bits != 0 && r->sig_key_bits != 0) {
            report(x, true, "container-two-sizes",
                   "container %zu declares both a signature and "
                   "a key-exchange key size",
                   i);
            continue;
        }
        keys++;
        if (!key_there) {
            report(x, true, "key-missing", "container %zu (%s, RSA %u) has no key on the card", i,
                   name, bits);
            continue;
        }
        if (k->bits != bits)
            report(x, true, "key-size",
                   "container %zu says RSA %u but its key on the card has "
                   "%u bits",
                   i, bits, k->bits);
        if (i < m->km.count && m->km.records[i].state == 1) {
            uint8_t want =
                r->kx_key_bits != 0 ? MDC_GIDS_KEY_TYPE_EXCHANGE : MDC_GIDS_KEY_TYPE_SIGNATURE;

            if (m->km.records[i].key_type != want)
                report(x, true, "keymap-type",
                       "keymap record %zu has key type %02X, the "
                       "cmapfile says %s",
                       i, m->km.records[i].key_type,
                       want == MDC_GIDS_KEY_TYPE_EXCHANGE ? "key exchange (9A)" : "signature (9C)");
        } else if (i < m->km.count) {
            report(x, false, "keymap-free",
                   "keymap record %zu is not in use although container "
                   "%zu holds a key",
                   i, i);
        }
    }
    if (keys > 0 && defaults == 0)
        report(x, false, "no-default", "no container carries the default flag");
    if (defaults > 1)
        report(x, true, "defaults", "%zu containers carry the default flag", defaults);
    if (m->keymap_rc.status == MDC_CARD_OK && m->keymap_rv != MDC_MDFS_OK)
        report(x, true, "keymap-corrupt", "the GIDS keymap (A000/DF20) does not parse (%s)",
               mdc_mdfs_rv_name(m->keymap_rv));
    else if (m->km.count > m->cm.count)
        report(x, false, "keymap-long", "the keymap has %zu records, the cmapfile %zu", m->km.count,
               m->cm.count);
    else if (keys > 0 && m->km.count < m->cm.count)
        report(x, false, "keymap-short",
               "the keymap has %zu records, the cmapfile %zu (OpenSC "
               "refuses to create or delete keys on such a card)",
               m->km.count, m->cm.count);
}

static void check_certs(struct checker *x)
{
    const struct tool_model *m = x->m;
    bool valid[MDC_CMAP_MAX_RECORDS] = {false};
    int seen[MDC_CMAP_MAX_RECORDS];

    for (size_t i = 0; i < MDC_CMAP_MAX_RECORDS; i++)
        seen[i] = -1;
    for (size_t i = 0; m->cm_rv == MDC_MDFS_OK && i < m->cm.count && i < MDC_CMAP_MAX_RECORDS; i++)
        valid[i] = mdc_mdfs_cmap_is_key(&m->cm.records[i]);
    for (size_t i = 0; i < m->nfiles; i++) {
        const struct tool_file *f = &m->files[i];
        mdc_certname cn;
        char canon[MDC_CERTNAME_SIZE];
        uint8_t *der = NULL, id[MDC_ID_LEN];
        size_t der_len = 0;
        unsigned c;
        mdc_mdfs_rv rv;

        if (strcasecmp(f->dir, "mscp") != 0 || f->rc.status != MDC_CARD_OK)
            continue;
        if (strcasecmp(f->name, "cmapfile") == 0 || strcasecmp(f->name, "msroots") == 0)
            continue;
        if (mdc_mdfs_certname_parse(f->name, strlen(f->name), &cn) != MDC_MDFS_OK) {
            report(x, false, "file-unknown", "mscp/%s is not a file the minidriver defines",
                   f->name);
            continue;
        }
        if (mdc_mdfs_certname_resolve(&cn, valid, m->cm.count, &c) != MDC_MDFS_OK) {
            report(x, false, "cert-orphan",
                   "certificate file mscp/%s belongs to no container "
                   "with a key (left by a deletion)",
                   f->name);
            continue;
        }
        if (mdc_mdfs_certname_format(cn.kind, c, canon) == MDC_MDFS_OK &&
            strcmp(canon, f->name) != 0)
            report(x, false, "cert-name",
                   "certificate file mscp/%s of container %u: the usual "
                   "spelling is %s (upper-case hex)",
                   f->name, c, canon);
        if ((cn.kind == MDC_CERT_KX) != (m->cm.records[c].kx_key_bits != 0))
            report(x, true, "cert-kind",
                   "mscp/%s is a %s certificate file but container %u "
                   "holds a %s key",
                   f->name, cn.kind == MDC_CERT_KX ? "key-exchange" : "signature", c,
                   m->cm.records[c].kx_key_bits != 0 ? "key-exchange" : "signature");
        if (seen[c] >= 0)
            report(x, true, "cert-twice",
                   "container %u has two certificate files: mscp/%s and "
                   "mscp/%s",
                   c, m->files[seen[c]].name, f->name);
        else
            seen[c] = (int)i;
        if (!mdc_mdfs_is_compressed(f->data.data, f->data.len))
            report(x, false, "cert-uncompressed",
                   "mscp/%s is not compressed (OpenSC cannot read "
                   "it)",
                   f->name);
        rv = mdc_mdfs_cert_decode(f->data.data, f->data.len, &der, &der_len);
        if (rv != MDC_MDFS_OK) {
            report(x, true, "cert-corrupt", "mscp/%s does not decode to a certificate (%s)",
                   f->name, mdc_mdfs_rv_name(rv));
            continue;
        }
        if (mdc_mdfs_id_from_cert(der, der_len, id) != MDC_MDFS_OK)
            report(x, true, "cert-corrupt", "mscp/%s is not an RSA X.509 certificate", f->name);
        else if (c < m->nkeys && m->keys[c].rc.status == MDC_CARD_OK &&
                 memcmp(id, m->keys[c].id, MDC_ID_LEN) != 0)
            report(x, true, "cert-key-mismatch",
                   "the certificate in mscp/%s does not match the "
                   "key of container %u",
                   f->name, c);
        mdc_mdfs_free(der);
    }
}

static void check_msroots(struct checker *x)
{
    const struct tool_file *f = present(x->m, "mscp", "msroots");
    mdc_msroots roots = {NULL, 0};
    mdc_mdfs_rv rv;

    if (f == NULL)
        return;
    rv = mdc_mdfs_msroots_parse(f->data.data, f->data.len, &roots);
    if (rv != MDC_MDFS_OK)
        report(x, true, "msroots-corrupt", "mscp/msroots does not parse (%s)",
               mdc_mdfs_rv_name(rv));
    mdc_mdfs_msroots_clear(&roots);
}

int tool_cmd_check(struct tool *t, int argc, char **argv)
{
    struct tool_card c;
    struct tool_model m;
    struct checker *x;
    bool strict = false;
    int st;

    if (tool_wants_help(argc, argv, usage))
        return TOOL_OK;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--strict") == 0)
            strict = true;
        else
            return tool_usage_error(usage, "unexpected argument '%s'", argv[i]);
    }
    st = tool_card_open(t, &c);
    if (st != TOOL_OK)
        return st;
    st = tool_model_read(&c, &m, true);
    if (st != TOOL_OK) {
        tool_model_free(&m);
        tool_card_close(&c);
        return TOOL_NOCARD;
    }
    x = calloc(1, sizeof(*x));
    if (x == NULL) {
        st = TOOL_FAIL;
        goto out;
    }
    x->m = &m;
    if (!m.info.fs_present) {
        tool_err("the card is a blank GIDS card: no minidriver file system to check");
        st = TOOL_NOCARD;
        goto out;
    }
    check_table(x);
    check_root(x);
    check_containers(x);
    check_certs(x);
    check_msroots(x);
    st = x->errors > 0 || (strict && x->warnings > 0) ? TOOL_FAIL : TOOL_OK;
    if (t->json) {
        struct json *j = &t->json_out;

        json_begin_object(j, NULL);
        json_string(j, "reader", c.reader);
        json_bool(j, "clean", x->errors == 0 && x->warnings == 0);
        json_int(j, "errors", (long long)x->errors);
        json_int(j, "warnings", (long long)x->warnings);
        json_begin_array(j, "problems");
        for (size_t i = 0; i < x->n; i++) {
            json_begin_object(j, NULL);
            json_string(j, "severity", x->f[i].error ? "error" : "warning");
            json_string(j, "code", x->f[i].code);
            json_string(j, "message", x->f[i].text);
            json_end_object(j);
        }
        json_end_array(j);
        json_end_object(j);
        json_finish(j);
    } else {
        /* The texts quote card data (file and container names): made safe
         * for the terminal as a whole, the fixed parts are plain ASCII. */
        for (size_t i = 0; i < x->n; i++) {
            char safe[TOOL_SAFE_SIZE(sizeof(x->f[i].text))];

            printf("%s: %s [%s]\n", x->f[i].error ? "error" : "warning",
                   tool_safe(safe, sizeof(safe), x->f[i].text), x->f[i].code);
        }
        printf("%s: %zu error(s), %zu warning(s)\n",
               x->errors == 0 && x->warnings == 0 ? "clean" : "checked", x->errors, x->warnings);
    }
out:
    free(x);
    tool_model_free(&m);
    tool_card_close(&c);
    return st;
}
