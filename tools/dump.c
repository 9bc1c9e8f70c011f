/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mdcard dump DIR: every minidriver file of the card, raw, as DIR/NAME for
 * root files and DIR/mscp/NAME for the others, plus the GIDS master table
 * and keymap as DIR/gids/A000-DF1F and DIR/gids/A000-DF20. Refuses a
 * non-empty DIR unless --force, and card names that would overwrite each
 * other or the gids directory.
 */
#include "model.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
    "usage: mdcard dump [--force] [--json] [--] DIR\n"
    "Writes every minidriver file of the card, raw, into DIR (DIR/cardid, DIR/cardcf,\n"
    "DIR/mscp/cmapfile, DIR/mscp/kxc00 ...) and the GIDS master table and keymap\n"
    "into DIR/gids/. DIR is created if needed; a non-empty DIR is refused unless\n"
    "--force (files of the same name are then overwritten). A card file whose name\n"
    "cannot be a file name, differs from another only in case, or is named gids is\n"
    "not written (a warning, exit status 1). Needs no PIN.\n";

/* The paths written so far (relative to DIR), compared ASCII
 * case-insensitively: two card names differing only in case must not
 * overwrite each other, whatever the file system. */
struct written {
    char paths[TOOL_MAX_FILES][2 * (MDC_GIDS_MFT_NAME_FIELD + 1)];
    size_t n;
};

/* 1: DIR is usable (absent or an empty directory); 0: not empty; -1: not a
 * directory or cannot be read (message printed). */
static int dir_state(const char *path, bool *exists)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    int empty = 1;

    *exists = false;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT)
            return 1;
        tool_err("%s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        tool_err("%s is not a directory", path);
        return -1;
    }
    *exists = true;
    d = opendir(path);
    if (d == NULL) {
        tool_err("cannot read the directory %s: %s", path, strerror(errno));
        return -1;
    }
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            empty = 0;
    closedir(d);
    return empty;
}

static bool safe_name(const char *s)
{
    if (s[0] == '\0' || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return false;
    for (; *s != '\0'; s++)
        if (*s == '/' || (unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            return false;
    return true;
}

/* path = dir/sub/name (sub may be ""); false with a message when it does not fit. */
static bool make_path(char *path, size_t size, const char *dir, const char *sub, const char *name)
{
    int n = sub[0] != '\0' ? snprintf(path, size, "%s/%s/%s", dir, sub, name)
                           : snprintf(path, size, "%s/%s", dir, name);

    if (n < 0 || (size_t)n >= size) {
        tool_err("the path %s/%s%s%s is too long", dir, sub, sub[0] ? "/" : "", name);
        return false;
    }
    return true;
}

static int write_out(const char *dir, const char *sub, const char *name, const uint8_t *data,
                     size_t len, struct tool *t)
{
    char path[4096];
    int fd;
    size_t off = 0;

    if (sub[0] != '\0') {
        if (!make_path(path, sizeof(path), dir, "", sub))
            return TOOL_FAIL;
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            tool_err("cannot create %s: %s", path, strerror(errno));
            return TOOL_FAIL;
        }
    }
    if (!make_path(path, sizeof(path), dir, sub, name))
        return TOOL_FAIL;
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0) {
        tool_err("cannot write %s: %s", path, strerror(errno));
        return TOOL_FAIL;
    }
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);

        if (w <= 0) {
            tool_err("cannot write %s: %s", path, strerror(errno));
            close(fd);
            return TOOL_FAIL;
        }
        off += (size_t)w;
    }
    if (close(fd) != 0) {
        tool_err("cannot write %s: %s", path, strerror(errno));
        return TOOL_FAIL;
    }
    if (t->json) {
        json_begin_object(&t->json_out, NULL);
        json_string(&t->json_out, "path", path);
        json_int(&t->json_out, "bytes", (long long)len);
        json_end_object(&t->json_out);
    } else {
        printf("%6zu  %s\n", len, path);
    }
    return TOOL_OK;
}

/* Whether the card file f may be written; a warning saying why not. */
static bool may_write(const struct tool_file *f, struct written *w)
{
    char dir[TOOL_SAFE_SIZE(sizeof(f->dir))], name[TOOL_SAFE_SIZE(sizeof(f->name))];
    char *rel;

    tool_safe(dir, sizeof(dir), f->dir[0] ? f->dir : ".");
    tool_safe(name, sizeof(name), f->name);
    if (!safe_name(f->name) || (f->dir[0] != '\0' && !safe_name(f->dir))) {
        tool_err("warning: not writing a file with an unusable name (%s/%s)", dir, name);
        return false;
    }
    /* DIR/gids holds the master table and keymap. */
    if (strcasecmp(f->dir[0] ? f->dir : f->name, "gids") == 0) {
        tool_err("warning: not writing %s/%s: 'gids' is where the dump puts the GIDS tables", dir,
                 name);
        return false;
    }
    for (size_t i = 0; i < w->n; i++) {
        const char *p = w->paths[i];
        size_t dl = strlen(f->dir);

        /* Same path, or a root file named like a directory in use (or the reverse). */
        if ((f->dir[0] == '\0' && strcasecmp(p, f->name) == 0) ||
            (f->dir[0] != '\0' && strncasecmp(p, f->dir, dl) == 0 &&
             (p[dl] == '\0' || (p[dl] == '/' && strcasecmp(p + dl + 1, f->name) == 0)))) {
            tool_err("warning: not writing %s/%s: it would overwrite %s, already written "
                     "(the names differ only in case)",
                     dir, name, p);
            return false;
        }
        if (f->dir[0] == '\0' && strchr(p, '/') != NULL &&
            strncasecmp(p, f->name, strlen(f->name)) == 0 && p[strlen(f->name)] == '/') {
            tool_err("warning: not writing %s: a directory of that name is already in use", name);
            return false;
        }
    }
    if (w->n >= TOOL_MAX_FILES)
        return false;
    rel = w->paths[w->n++];
    if (f->dir[0] != '\0')
        snprintf(rel, sizeof(w->paths[0]), "%s/%s", f->dir, f->name);
    else
        snprintf(rel, sizeof(w->paths[0]), "%s", f->name);
    return true;
}

int tool_cmd_dump(struct tool *t, int argc, char **argv)
{
    const char *dir = NULL;
    bool force = false, exists, options = true;
    struct tool_card c;
    struct tool_model m;
    struct written *w = NULL;
    size_t skipped = 0;
    int st, state;

    if (tool_wants_help(argc, argv, usage))
        return TOOL_OK;
    for (int i = 1; i < argc; i++) {
        if (options && strcmp(argv[i], "--") == 0)
            options = false;
        else if (options && strcmp(argv[i], "--force") == 0)
            force = true;
        else if (options && argv[i][0] == '-' && argv[i][1] != '\0')
            return tool_usage_error(usage, "unknown option %s", argv[i]);
        else if (dir == NULL)
            dir = argv[i];
        else
            return tool_usage_error(usage, "more than one directory given");
    }
    if (dir == NULL)
        return tool_usage_error(usage, "no directory given");
    state = dir_state(dir, &exists);
    if (state < 0)
        return TOOL_FAIL;
    if (state == 0 && !force) {
        tool_err("%s is not empty (use --force to overwrite files in it)", dir);
        return TOOL_FAIL;
    }
    st = tool_card_open(t, &c);
    if (st != TOOL_OK)
        return st;
    st = tool_model_read(&c, &m, false);
    if (st != TOOL_OK)
        goto out;
    if (!m.info.fs_present) {
        tool_err("the card is a blank GIDS card: it has no minidriver files");
        st = TOOL_NOCARD;
        goto out;
    }
    w = calloc(1, sizeof(*w));
    if (w == NULL) {
        tool_err("out of memory");
        st = TOOL_FAIL;
        goto out;
    }
    if (!exists && mkdir(dir, 0777) != 0) {
        tool_err("cannot create %s: %s", dir, strerror(errno));
        st = TOOL_FAIL;
        goto out;
    }
    if (t->json) {
        json_begin_object(&t->json_out, NULL);
        json_begin_array(&t->json_out, "files");
    }
    for (size_t i = 0; i < m.nfiles && st == TOOL_OK; i++) {
        const struct tool_file *f = &m.files[i];

        if (f->rc.status != MDC_CARD_OK)
            continue; /* a record pointing nowhere: nothing to write ('mdcard check') */
        if (!may_write(f, w)) {
            skipped++;
            continue;
        }
        st = write_out(dir, f->dir, f->name, f->data.data, f->data.len, t);
    }
    if (st == TOOL_OK && m.mft_rc.status == MDC_CARD_OK)
        st = write_out(dir, "gids", "A000-DF1F", m.mft_raw.data, m.mft_raw.len, t);
    if (st == TOOL_OK && m.keymap_rc.status == MDC_CARD_OK)
        st = write_out(dir, "gids", "A000-DF20", m.keymap_raw.data, m.keymap_raw.len, t);
    if (t->json) {
        json_end_array(&t->json_out);
        json_end_object(&t->json_out);
        json_finish(&t->json_out);
    }
    if (st == TOOL_OK && skipped > 0) {
        tool_err("%zu file(s) of the card were not written (see the warnings above)", skipped);
        st = TOOL_FAIL;
    }
out:
    free(w);
    tool_model_free(&m);
    tool_card_close(&c);
    return st;
}
