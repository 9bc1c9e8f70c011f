/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading the whole minidriver state of a card for show, check and dump
 * (model.h): the master table first, then every file it names at its own
 * (EF, DO), the keymap, the cmapfile and the public key of each container.
 * Without a usable table the well-known files are read at their standard
 * places, so that a damaged card still shows what it can.
 */
#include "model.h"

#include "gids/gids.h"
#include "mdfs/ids.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A read failure that means the card is gone or unusable, not a file problem. */
static bool fatal(mdc_card_rc rc)
{
    switch (rc.status) {
    case MDC_CARD_NO_CARD:
    case MDC_CARD_REMOVED:
    case MDC_CARD_RESET:
    case MDC_CARD_BUSY:
    case MDC_CARD_COMM:
    case MDC_CARD_NOMEM:
        return true;
    default:
        return false;
    }
}

static struct tool_file *new_file(struct tool_model *m, const char *dir, const char *name,
                                  uint32_t ef, uint32_t tag)
{
    struct tool_file *f;

    if (m->nfiles >= TOOL_MAX_FILES)
        return NULL;
    if (m->nfiles == 0 || (m->nfiles & (m->nfiles - 1)) == 0) {
        size_t cap = m->nfiles == 0 ? 1 : m->nfiles * 2; /* powers of two */
        struct tool_file *v = realloc(m->files, cap * sizeof(*v));

        if (v == NULL)
            return NULL;
        m->files = v;
    }
    f = &m->files[m->nfiles++];
    memset(f, 0, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "%s", dir);
    snprintf(f->name, sizeof(f->name), "%s", name);
    f->ef = ef;
    f->tag = tag;
    return f;
}

static int read_file_at(struct tool_card *c, struct tool_model *m, const char *dir,
                        const char *name, uint32_t ef, uint32_t tag, bool from_table)
{
    struct tool_file *f = new_file(m, dir, name, ef, tag);

    if (f == NULL) {
        tool_err("too many files on the card (or out of memory)");
        return TOOL_FAIL;
    }
    f->from_table = from_table;
    if (!mdc_gids_mft_location_usable(ef, tag)) {
        f->rc = (mdc_card_rc){MDC_CARD_BAD_RESPONSE, 0};
        return TOOL_OK;
    }
    f->rc = tool_gids_get_do(c, (uint16_t)ef, (uint16_t)tag, &f->data);
    if (f->rc.status == MDC_CARD_SW && (f->rc.sw == 0x6A88 || f->rc.sw == 0x6A82))
        f->rc.status = MDC_CARD_ABSENT;
    if (fatal(f->rc)) {
        char sd[TOOL_SAFE_SIZE(sizeof(f->dir))], sn[TOOL_SAFE_SIZE(sizeof(f->name))];

        tool_err("reading %s%s%s failed: %s", tool_safe(sd, sizeof(sd), f->dir), *dir ? "/" : "",
                 tool_safe(sn, sizeof(sn), f->name), tool_card_rc_text(f->rc));
        return TOOL_NOCARD;
    }
    return TOOL_OK;
}

static int read_table(struct tool_card *c, struct tool_model *m)
{
    m->mft_rc = tool_gids_get_do(c, MDC_GIDS_EF_A000, MDC_GIDS_DO_MASTER, &m->mft_raw);
    if (m->mft_rc.status == MDC_CARD_SW && m->mft_rc.sw == 0x6A88)
        m->mft_rc.status = MDC_CARD_ABSENT;
    if (fatal(m->mft_rc)) {
        tool_err("reading the master table failed: %s", tool_card_rc_text(m->mft_rc));
        return TOOL_NOCARD;
    }
    if (m->mft_rc.status == MDC_CARD_OK)
        m->mft_rv = mdc_gids_mft_parse(m->mft_raw.data, m->mft_raw.len, &m->mft);
    return TOOL_OK;
}

static int read_files(struct tool_card *c, struct tool_model *m)
{
    static const struct {
        const char *dir, *name;
        uint16_t ef, tag;
    } standard[] = {
        {"", "cardid", MDC_GIDS_EF_A012, MDC_GIDS_DO_CARDID},
        {"", "cardapps", MDC_GIDS_EF_A010, MDC_GIDS_DO_CARDAPPS},
        {"", "cardcf", MDC_GIDS_EF_A010, MDC_GIDS_DO_CARDCF},
        {"mscp", "cmapfile", MDC_GIDS_EF_A010, MDC_GIDS_DO_CMAPFILE},
    };
    int st;

    if (m->mft_rc.status == MDC_CARD_OK && m->mft_rv == MDC_MDFS_OK) {
        for (size_t i = 0; i < m->mft.count; i++) {
            char dir[MDC_GIDS_MFT_NAME_FIELD + 1], name[MDC_GIDS_MFT_NAME_FIELD + 1];
            const mdc_gids_mft_record *r = &m->mft.records[i];

            mdc_gids_mft_names(r, dir, name);
            if (name[0] == '\0')
                continue; /* a directory record */
            st = read_file_at(c, m, dir, name, r->ef, r->tag, true);
            if (st != TOOL_OK)
                return st;
        }
        return TOOL_OK;
    }
    for (size_t i = 0; i < sizeof(standard) / sizeof(standard[0]); i++) {
        st = read_file_at(c, m, standard[i].dir, standard[i].name, standard[i].ef, standard[i].tag,
                          false);
        if (st != TOOL_OK)
            return st;
    }
    return TOOL_OK;
}

static int read_keys(struct tool_card *c, struct tool_model *m)
{
    size_t n = m->cm.count > m->km.count ? m->cm.count : m->km.count;

    if (n > MDC_CMAP_MAX_RECORDS)
        n = MDC_CMAP_MAX_RECORDS;
    for (size_t i = 0; i < n; i++) {
        struct tool_key *k = &m->keys[i];
        struct mdc_card_key key = {(unsigned)i, 0, true};

        k->rc = c->edge->get_public_key(c->card, &key, &k->pub);
        if (k->rc.status == MDC_CARD_SW && (k->rc.sw == 0x6A88 || k->rc.sw == 0x6A82))
            k->rc.status = MDC_CARD_ABSENT;
        if (fatal(k->rc)) {
            tool_err("reading the key of container %zu failed: %s", i, tool_card_rc_text(k->rc));
            return TOOL_NOCARD;
        }
        if (k->rc.status == MDC_CARD_OK) {
            size_t len = k->pub.modulus.len, skip = 0;

            while (skip < len && k->pub.modulus.data[skip] == 0)
                skip++;
            k->bits = 0;
            if (skip < len) {
                unsigned top = k->pub.modulus.data[skip];

                k->bits = (unsigned)(len - skip - 1) * 8;
                while (top != 0) {
                    k->bits++;
                    top >>= 1;
                }
            }
            if (mdc_mdfs_id_from_modulus(k->pub.modulus.data, len, k->id) != MDC_MDFS_OK)
                memset(k->id, 0, sizeof(k->id));
        }
    }
    m->nkeys = n;
    return TOOL_OK;
}

/* DOs in A010 that no table record references, from DF21 to a little past
 * the highest referenced tag (allocation takes the lowest free tag, so an
 * orphan left by an interrupted write sits there). */
static int probe_orphans(struct tool_card *c, struct tool_model *m)
{
    uint32_t last = MDC_GIDS_DO_CMAPFILE;
    struct mdc_buf b = MDC_BUF_INIT;
    size_t idx;

    for (size_t i = 0; i < m->mft.count; i++)
        if (m->mft.records[i].ef == MDC_GIDS_EF_A010 && m->mft.records[i].tag > last &&
            m->mft.records[i].tag <= MDC_GIDS_TAG_LAST)
            last = m->mft.records[i].tag;
    last += 16;
    if (last > MDC_GIDS_TAG_LAST)
        last = MDC_GIDS_TAG_LAST;
    for (uint32_t tag = MDC_GIDS_DO_CARDAPPS; tag <= last; tag++) {
        mdc_card_rc rc;

        if (mdc_gids_mft_find_location(&m->mft, MDC_GIDS_EF_A010, tag, &idx) == MDC_MDFS_OK)
            continue;
        rc = tool_gids_get_do(c, MDC_GIDS_EF_A010, (uint16_t)tag, &b);
        if (fatal(rc)) {
            mdc_buf_free(&b);
            tool_err("probing A010/%04X failed: %s", (unsigned)tag, tool_card_rc_text(rc));
            return TOOL_NOCARD;
        }
        if (rc.status == MDC_CARD_OK && m->norphans < TOOL_MAX_ORPHANS)
            m->orphans[m->norphans++] =
                (struct tool_orphan){MDC_GIDS_EF_A010, (uint16_t)tag, b.len};
    }
    mdc_buf_free(&b);
    m->orphans_probed = true;
    return TOOL_OK;
}

int tool_model_read(struct tool_card *c, struct tool_model *m, bool probe)
{
    const struct tool_file *f;
    mdc_card_rc rc;
    int st;

    memset(m, 0, sizeof(*m));
    m->info = c->info;
    rc = c->edge->pin_info(c->card, MDC_PIN_USER, &m->pin);
    m->pin_known = rc.status == MDC_CARD_OK && m->pin.tries_known;
    if (!c->info.fs_present)
        return TOOL_OK; /* blank card: nothing more to read */
    st = read_table(c, m);
    if (st == TOOL_OK)
        st = read_files(c, m);
    if (st != TOOL_OK)
        return st;
    m->keymap_rc = tool_gids_get_do(c, MDC_GIDS_EF_A000, MDC_GIDS_DO_KEYMAP, &m->keymap_raw);
    if (m->keymap_rc.status == MDC_CARD_SW && m->keymap_rc.sw == 0x6A88)
        m->keymap_rc.status = MDC_CARD_ABSENT;
    if (fatal(m->keymap_rc)) {
        tool_err("reading the keymap failed: %s", tool_card_rc_text(m->keymap_rc));
        return TOOL_NOCARD;
    }
    if (m->keymap_rc.status == MDC_CARD_OK)
        m->keymap_rv = mdc_gids_keymap_parse(m->keymap_raw.data, m->keymap_raw.len, &m->km);
    f = tool_model_file(m, "mscp", "cmapfile");
    if (f != NULL && f->rc.status == MDC_CARD_OK) {
        m->cm_present = true;
        m->cm_rv = mdc_mdfs_cmap_parse(f->data.data, f->data.len, &m->cm);
    }
    st = read_keys(c, m);
    if (st == TOOL_OK && probe && m->mft_rc.status == MDC_CARD_OK && m->mft_rv == MDC_MDFS_OK)
        st = probe_orphans(c, m);
    return st;
}

void tool_model_free(struct tool_model *m)
{
    for (size_t i = 0; i < m->nfiles; i++)
        mdc_buf_free(&m->files[i].data);
    free(m->files);
    for (size_t i = 0; i < MDC_CMAP_MAX_RECORDS; i++) {
        mdc_buf_free(&m->keys[i].pub.modulus);
        mdc_buf_free(&m->keys[i].pub.exponent);
    }
    mdc_buf_free(&m->mft_raw);
    mdc_buf_free(&m->keymap_raw);
    mdc_gids_mft_clear(&m->mft);
    mdc_gids_keymap_clear(&m->km);
    mdc_mdfs_cmap_clear(&m->cm);
    memset(m, 0, sizeof(*m));
}

const struct tool_file *tool_model_file(const struct tool_model *m, const char *dir,
                                        const char *name)
{
    const struct tool_file *first = NULL;

    for (size_t i = 0; i < m->nfiles; i++) {
        const struct tool_file *f = &m->files[i];

        if (strcasecmp(f->dir, dir) != 0 || strcasecmp(f->name, name) != 0)
            continue;
        if (f->rc.status == MDC_CARD_OK)
            return f;
        if (first == NULL)
            first = f;
    }
    return first;
}
