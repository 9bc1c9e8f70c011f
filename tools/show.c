/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mdcard show: the card as the minidriver file system describes it —
 * cardid, cardcf counters, cardapps, PIN status, containers, certificate
 * files, msroots and the list of files — as text or JSON. Read-only, no PIN.
 */
#include "bundle.h"
#include "model.h"

#include "mdfs/cardapps.h"
#include "mdfs/cardcf.h"
#include "mdfs/certfile.h"
#include "mdfs/ids.h"
#include "mdfs/msroots.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char usage[] =
    "usage: mdcard show [--json]\n"
    "Shows the card in the reader: cardid, cardcf counters, containers (name, index,\n"
    "key spec, key size, default flag), certificates (subject, issuer, validity, file\n"
    "name, compressed or not), msroots and every file. Needs no PIN.\n";

static const char *spec_name(const mdc_cmap_record *r)
{
    if (!mdc_mdfs_cmap_is_valid(r))
        return "free";
    if (mdc_mdfs_cmap_is_reservation(r))
        return "reservation";
    switch (mdc_mdfs_cmap_key_spec_of(r)) {
    case MDC_CMAP_KEY_EXCHANGE:
        return "key-exchange";
    case MDC_CMAP_KEY_SIGNATURE:
        return "signature";
    default:
        return "both-sizes-set";
    }
}

static void print_hex(const uint8_t *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%02x", d[i]);
}

static void show_card_text(const struct tool_card *c, const struct tool_model *m)
{
    const struct tool_file *id = tool_model_file(m, "", "cardid");
    const struct tool_file *cf = tool_model_file(m, "", "cardcf");
    const struct tool_file *apps = tool_model_file(m, "", "cardapps");
    char serial[17];
    char safe[TOOL_SAFE_SIZE(256)];

    printf("Reader:     %s\n", tool_safe(safe, sizeof(safe), c->reader));
    printf("Card:       %s applet %u.%u, AID ", tool_safe(safe, sizeof(safe), m->info.model),
           m->info.version_major, m->info.version_minor);
    print_hex(m->info.aid, m->info.aid_len);
    printf("\n");
    if (m->pin_known)
        printf("User PIN:   %u of %u tries left\n", m->pin.tries_left, m->pin.try_limit);
    if (id != NULL && id->rc.status == MDC_CARD_OK) {
        mdc_tok_serial_from_cardid(id->data.data, id->data.len, serial);
        printf("cardid:     ");
        print_hex(id->data.data, id->data.len);
        printf("  (token serial %s)\n", serial);
    } else {
        printf("cardid:     (absent)\n");
    }
    if (cf != NULL && cf->rc.status == MDC_CARD_OK) {
        mdc_cardcf v;

        printf("cardcf:     ");
        print_hex(cf->data.data, cf->data.len);
        if (mdc_mdfs_cardcf_parse(cf->data.data, cf->data.len, &v) == MDC_MDFS_OK)
            printf("  version %u, pins %u, containers %u, files %u (%zu bytes)\n", v.version,
                   v.pins, v.containers, v.files, cf->data.len);
        else
            printf("  (unreadable: %zu bytes)\n", cf->data.len);
    } else {
        printf("cardcf:     (absent)\n");
    }
    if (apps != NULL && apps->rc.status == MDC_CARD_OK) {
        mdc_cardapps ca = {NULL, 0};

        printf("cardapps:  ");
        if (mdc_mdfs_cardapps_parse(apps->data.data, apps->data.len, &ca) == MDC_MDFS_OK)
            for (size_t i = 0; i < ca.count; i++)
                printf(" %s",
                       tool_safe_n(safe, sizeof(safe), (const char *)ca.apps[i].name,
                                   strnlen((const char *)ca.apps[i].name, MDC_CARDAPPS_NAME_LEN)));
        else
            printf(" (unreadable)");
        printf("\n");
        mdc_mdfs_cardapps_clear(&ca);
    }
}

static void show_card_json(struct json *j, const struct tool_card *c, const struct tool_model *m)
{
    const struct tool_file *id = tool_model_file(m, "", "cardid");
    const struct tool_file *cf = tool_model_file(m, "", "cardcf");
    const struct tool_file *apps = tool_model_file(m, "", "cardapps");
    char serial[17];
    char ver[16];

    json_string(j, "reader", c->reader);
    json_string(j, "card", m->info.model);
    snprintf(ver, sizeof(ver), "%u.%u", m->info.version_major, m->info.version_minor);
    json_string(j, "applet_version", ver);
    json_hex(j, "aid", m->info.aid, m->info.aid_len);
    json_bool(j, "initialized", m->info.fs_present);
    if (m->pin_known) {
        json_begin_object(j, "pin");
        json_int(j, "tries_left", m->pin.tries_left);
        json_int(j, "try_limit", m->pin.try_limit);
        json_end_object(j);
    }
    if (id != NULL && id->rc.status == MDC_CARD_OK) {
        mdc_tok_serial_from_cardid(id->data.data, id->data.len, serial);
        json_hex(j, "cardid", id->data.data, id->data.len);
        json_string(j, "serial", serial);
    } else {
        json_null(j, "cardid");
    }
    if (cf != NULL && cf->rc.status == MDC_CARD_OK) {
        mdc_cardcf v;

        json_begin_object(j, "cardcf");
        json_hex(j, "raw", cf->data.data, cf->data.len);
        json_int(j, "length", (long long)cf->data.len);
        if (mdc_mdfs_cardcf_parse(cf->data.data, cf->data.len, &v) == MDC_MDFS_OK) {
            json_int(j, "version", v.version);
            json_int(j, "pins", v.pins);
            json_int(j, "containers", v.containers);
            json_int(j, "files", v.files);
        }
        json_end_object(j);
    } else {
        json_null(j, "cardcf");
    }
    json_begin_array(j, "cardapps");
    if (apps != NULL && apps->rc.status == MDC_CARD_OK) {
        mdc_cardapps ca = {NULL, 0};

        if (mdc_mdfs_cardapps_parse(apps->data.data, apps->data.len, &ca) == MDC_MDFS_OK)
            for (size_t i = 0; i < ca.count; i++)
                json_string_n(j, NULL, (const char *)ca.apps[i].name,
                              strnlen((const char *)ca.apps[i].name, MDC_CARDAPPS_NAME_LEN));
        mdc_mdfs_cardapps_clear(&ca);
    }
    json_end_array(j);
}

static void show_containers(struct tool *t, const struct tool_model *m)
{
    struct json *j = &t->json_out;

    if (t->json)
        json_begin_array(j, "containers");
    else if (!m->cm_present)
        printf("Containers: (no mscp/cmapfile)\n");
    else if (m->cm_rv != MDC_MDFS_OK)
        printf("Containers: mscp/cmapfile does not parse (%s)\n", mdc_mdfs_rv_name(m->cm_rv));
    else
        printf("Containers: %zu record(s) in mscp/cmapfile\n", m->cm.count);
    for (size_t i = 0; m->cm_present && m->cm_rv == MDC_MDFS_OK && i < m->cm.count; i++) {
        const mdc_cmap_record *r = &m->cm.records[i];
        const struct tool_key *k = i < m->nkeys ? &m->keys[i] : NULL;
        bool has_key = k != NULL && k->rc.status == MDC_CARD_OK;
        unsigned bits = r->kx_key_bits != 0 ? r->kx_key_bits : r->sig_key_bits;
        char name[MDC_CMAP_NAME_UTF8_MAX];
        char safe[TOOL_SAFE_SIZE(MDC_CMAP_NAME_UTF8_MAX)];

        if (mdc_mdfs_cmap_name_get(r, name, sizeof(name)) != MDC_MDFS_OK)
            name[0] = '\0';
        if (t->json) {
            json_begin_object(j, NULL);
            json_int(j, "index", (long long)i);
            json_string(j, "name", name);
            json_bool(j, "valid", mdc_mdfs_cmap_is_valid(r));
            json_string(j, "key_spec", spec_name(r));
            json_int(j, "key_bits", bits);
            json_bool(j, "default", mdc_mdfs_cmap_is_default(r));
            json_int(j, "flags", r->flags);
            json_bool(j, "key_on_card", has_key);
            if (has_key)
                json_hex(j, "key_id", k->id, sizeof(k->id));
            json_end_object(j);
            continue;
        }
        if (!mdc_mdfs_cmap_is_valid(r)) {
            printf("  [%zu] free%s\n", i, has_key ? " (a key is still on the card)" : "");
            continue;
        }
        printf("  [%zu] %s  %s  RSA %u%s\n", i,
               name[0] ? tool_safe(safe, sizeof(safe), name) : "(no name)", spec_name(r), bits,
               mdc_mdfs_cmap_is_default(r) ? "  default" : "");
        if (has_key) {
            printf("       key ID ");
            print_hex(k->id, sizeof(k->id));
            printf("\n");
        } else {
            printf("       no key on the card\n");
        }
    }
    if (t->json)
        json_end_array(j);
}

/* Container index a certificate file belongs to, or -1. */
static int cert_container(const struct tool_model *m, const char *name)
{
    mdc_certname cn;
    bool valid[MDC_CMAP_MAX_RECORDS] = {false};
    unsigned idx;

    if (mdc_mdfs_certname_parse(name, strlen(name), &cn) != MDC_MDFS_OK)
        return -1;
    for (size_t i = 0; i < m->cm.count && i < MDC_CMAP_MAX_RECORDS; i++)
        valid[i] = mdc_mdfs_cmap_is_key(&m->cm.records[i]);
    if (mdc_mdfs_certname_resolve(&cn, valid, m->cm.count, &idx) != MDC_MDFS_OK)
        return -1;
    return (int)idx;
}

static void cert_fields(struct tool *t, const uint8_t *der, size_t len)
{
    struct tool_cert_desc d;
    uint8_t id[MDC_ID_LEN];
    bool have_id = mdc_mdfs_id_from_cert(der, len, id) == MDC_MDFS_OK;
    char safe[TOOL_SAFE_SIZE(sizeof(d.subject))];

    if (!tool_cert_describe(der, len, &d)) {
        if (t->json)
            json_string(&t->json_out, "error", "not an X.509 certificate");
        else
            printf("       (not an X.509 certificate)\n");
        return;
    }
    if (t->json) {
        json_string(&t->json_out, "subject", d.subject);
        json_string(&t->json_out, "issuer", d.issuer);
        json_string(&t->json_out, "not_before", d.not_before);
        json_string(&t->json_out, "not_after", d.not_after);
        json_bool(&t->json_out, "ca", d.ca);
        if (have_id)
            json_hex(&t->json_out, "key_id", id, sizeof(id));
        return;
    }
    printf("       subject  %s\n", tool_safe(safe, sizeof(safe), d.subject));
    printf("       issuer   %s\n", tool_safe(safe, sizeof(safe), d.issuer));
    printf("       valid    %s .. %s\n", d.not_before, d.not_after);
    if (have_id) {
        printf("       key ID   ");
        print_hex(id, sizeof(id));
        printf("\n");
    }
}

static void show_certs(struct tool *t, const struct tool_model *m)
{
    struct json *j = &t->json_out;
    size_t shown = 0;

    if (t->json)
        json_begin_array(j, "certificates");
    else
        printf("Certificates:\n");
    for (size_t i = 0; i < m->nfiles; i++) {
        const struct tool_file *f = &m->files[i];
        mdc_certname cn;
        uint8_t *der = NULL;
        size_t der_len = 0;
        bool compressed, ok;
        int c;
        char safe[TOOL_SAFE_SIZE(sizeof(f->name))];

        if (strcasecmp(f->dir, "mscp") != 0 ||
            mdc_mdfs_certname_parse(f->name, strlen(f->name), &cn) != MDC_MDFS_OK ||
            f->rc.status != MDC_CARD_OK)
            continue;
        shown++;
        c = cert_container(m, f->name);
        compressed = mdc_mdfs_is_compressed(f->data.data, f->data.len);
        ok = mdc_mdfs_cert_decode(f->data.data, f->data.len, &der, &der_len) == MDC_MDFS_OK;
        if (t->json) {
            json_begin_object(j, NULL);
            json_string(j, "file", f->name);
            if (c >= 0)
                json_int(j, "container", c);
            else
                json_null(j, "container");
            json_bool(j, "compressed", compressed);
            json_int(j, "file_bytes", (long long)f->data.len);
            if (ok) {
                json_int(j, "der_bytes", (long long)der_len);
                cert_fields(t, der, der_len);
            } else {
                json_string(j, "error", "the file does not decode");
            }
            json_end_object(j);
        } else {
            printf("  mscp/%s  ", tool_safe(safe, sizeof(safe), f->name));
            if (c >= 0)
                printf("container %d", c);
            else
                printf("no container");
            printf("  %s, %zu bytes", compressed ? "compressed" : "not compressed", f->data.len);
            if (ok)
                printf(" (%zu DER)\n", der_len);
            else
                printf("  (does not decode)\n");
            if (ok)
                cert_fields(t, der, der_len);
        }
        mdc_mdfs_free(der);
    }
    if (t->json)
        json_end_array(j);
    else if (shown == 0)
        printf("  (none)\n");
}

static void show_msroots(struct tool *t, const struct tool_model *m)
{
    const struct tool_file *f = tool_model_file(m, "mscp", "msroots");
    struct json *j = &t->json_out;
    mdc_msroots roots = {NULL, 0};
    mdc_mdfs_rv rv = MDC_MDFS_OK;
    char safe[TOOL_SAFE_SIZE(sizeof(f->name))];

    if (f == NULL || f->rc.status != MDC_CARD_OK) {
        if (t->json)
            json_null(j, "msroots");
        else
            printf("msroots:    (none)\n");
        return;
    }
    rv = mdc_mdfs_msroots_parse(f->data.data, f->data.len, &roots);
    if (t->json) {
        json_begin_object(j, "msroots");
        json_string(j, "file", f->name);
        json_bool(j, "compressed", mdc_mdfs_is_compressed(f->data.data, f->data.len));
        json_int(j, "file_bytes", (long long)f->data.len);
        if (rv != MDC_MDFS_OK)
            json_string(j, "error", mdc_mdfs_rv_name(rv));
        json_begin_array(j, "certificates");
    } else {
        printf("msroots:    mscp/%s, %s, %zu bytes", tool_safe(safe, sizeof(safe), f->name),
               mdc_mdfs_is_compressed(f->data.data, f->data.len) ? "compressed" : "not compressed",
               f->data.len);
        if (rv != MDC_MDFS_OK)
            printf(", does not parse (%s)\n", mdc_mdfs_rv_name(rv));
        else
            printf(", %zu certificate(s)\n", roots.count);
    }
    for (size_t i = 0; rv == MDC_MDFS_OK && i < roots.count; i++) {
        if (t->json)
            json_begin_object(j, NULL);
        else
            printf("  [%zu]\n", i);
        cert_fields(t, roots.certs[i].der, roots.certs[i].len);
        if (t->json)
            json_end_object(j);
    }
    if (t->json) {
        json_end_array(j);
        json_end_object(j);
    }
    mdc_mdfs_msroots_clear(&roots);
}

static void show_files(struct tool *t, const struct tool_model *m)
{
    struct json *j = &t->json_out;

    if (t->json)
        json_begin_array(j, "files");
    else
        printf("Files (%s):\n", m->mft_rc.status == MDC_CARD_OK && m->mft_rv == MDC_MDFS_OK
                                    ? "GIDS master table"
                                    : "standard places; no usable master table");
    for (size_t i = 0; i < m->nfiles; i++) {
        const struct tool_file *f = &m->files[i];
        char dir[TOOL_SAFE_SIZE(sizeof(f->dir))], name[TOOL_SAFE_SIZE(sizeof(f->name))];
        char loc[24];

        tool_safe(dir, sizeof(dir), f->dir[0] ? f->dir : ".");
        tool_safe(name, sizeof(name), f->name);
        if (t->json) {
            json_begin_object(j, NULL);
            json_string(j, "dir", f->dir);
            json_string(j, "name", f->name);
            snprintf(loc, sizeof(loc), "%04X", (unsigned)f->ef);
            json_string(j, "ef", loc);
            snprintf(loc, sizeof(loc), "%04X", (unsigned)f->tag);
            json_string(j, "tag", loc);
            json_bool(j, "present", f->rc.status == MDC_CARD_OK);
            if (f->rc.status == MDC_CARD_OK)
                json_int(j, "bytes", (long long)f->data.len);
            json_end_object(j);
        } else if (f->rc.status == MDC_CARD_OK) {
            printf("  %-5s %-9s %04X/%04X %6zu bytes\n", dir, name, (unsigned)f->ef,
                   (unsigned)f->tag, f->data.len);
        } else {
            printf("  %-5s %-9s %04X/%04X  (%s)\n", dir, name, (unsigned)f->ef, (unsigned)f->tag,
                   tool_card_rc_text(f->rc));
        }
    }
    if (t->json)
        json_end_array(j);
}

int tool_cmd_show(struct tool *t, int argc, char **argv)
{
    struct tool_card c;
    struct tool_model m;
    int st;

    if (tool_wants_help(argc, argv, usage))
        return TOOL_OK;
    if (argc > 1)
        return tool_usage_error(usage, "unexpected argument '%s'", argv[1]);
    st = tool_card_open(t, &c);
    if (st != TOOL_OK)
        return st;
    st = tool_model_read(&c, &m, false);
    if (st != TOOL_OK)
        goto out;
    if (t->json) {
        json_begin_object(&t->json_out, NULL);
        show_card_json(&t->json_out, &c, &m);
    } else {
        show_card_text(&c, &m);
        if (!m.info.fs_present)
            printf("This is a blank GIDS card: no minidriver file system (not initialized).\n");
    }
    if (m.info.fs_present) {
        show_containers(t, &m);
        show_certs(t, &m);
        show_msroots(t, &m);
        show_files(t, &m);
    }
    if (t->json) {
        json_end_object(&t->json_out);
        if (!json_finish(&t->json_out))
            st = TOOL_FAIL;
    }
out:
    tool_model_free(&m);
    tool_card_close(&c);
    return st;
}
