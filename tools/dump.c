/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mdcard dump DIR: every minidriver file of the card, raw, as DIR/NAME for
 * root files and DIR/mscp/NAME for the others, plus the GIDS master table
 * and keymap as DIR/gids/A000-DF1F and DIR/gids/A000-DF20. Refuses a
 * non-empty DIR unless --force.
 */
#include "model.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
    "usage: mdcard dump DIR [--force] [--json]\n"
    "Writes every minidriver file of the card, raw, into DIR (DIR/cardid, DIR/cardcf,\n"
    "DIR/mscp/cmapfile, DIR/mscp/kxc00 ...) and the GIDS master table and keymap\n"
    "into DIR/gids/. DIR is created if needed; a non-empty DIR is refused unless\n"
    "--force (files of the same name are then overwritten). Needs no PIN.\n";

static bool dir_empty(const char *path, bool *exists)
{
    DIR *d = opendir(path);
    struct dirent *e;
    bool empty = true;

    *exists = d != NULL;
    if (d == NULL)
        return errno == ENOENT;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            empty = false;
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

static int write_out(const char *dir, const char *sub, const char *name, const uint8_t *data,
                     size_t len, struct tool *t)
{
    char path[4096];
    int fd;
    size_t off = 0;

    if (sub[0] != '\0') {
        snprintf(path, sizeof(path), "%s/%s", dir, sub);
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            tool_err("cannot create %s: %s", path, strerror(errno));
            return TOOL_FAIL;
        }
        snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
    } else {
        snprintf(path, sizeof(path), "%s/%s", dir, name);
    }
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0666);
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

int tool_cmd_dump(struct tool *t, int argc, char **argv)
{
    const char *dir = NULL;
    bool force = false, exists;
    struct tool_card c;
    struct tool_model m;
    int st;

    if (tool_wants_help(argc, argv, usage))
        return TOOL_OK;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--force") == 0)
            force = true;
        else if (argv[i][0] == '-' && argv[i][1] != '\0')
            return tool_usage_error(usage, "unknown option %s", argv[i]);
        else if (dir == NULL)
            dir = argv[i];
        else
            return tool_usage_error(usage, "more than one directory given");
    }
    if (dir == NULL)
        return tool_usage_error(usage, "no directory given");
    if (!dir_empty(dir, &exists) && !force) {
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
        st = TOOL_FAIL;
        goto out;
    }
    if (!exists && mkdir(dir, 0777) != 0) {
        tool_err("cannot create %s: %s", dir, strerror(errno));
        st = TOOL_FAIL;
        goto out;
    }
    if (t->json)
        json_begin_object(&t->json_out, NULL), json_begin_array(&t->json_out, "files");
    for (size_t i = 0; i < m.nfiles && st == TOOL_OK; i++) {
        const struct tool_file *f = &m.files[i];

        if (f->rc.status != MDC_CARD_OK)
            continue; /* a record pointing nowhere: nothing to write ('mdcard check') */
        if (!safe_name(f->name) || (f->dir[0] != '\0' && !safe_name(f->dir))) {
            tool_err("skipping a file with an unusable name (%s/%s)", f->dir, f->name);
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
out:
    tool_model_free(&m);
    tool_card_close(&c);
    return st;
}
