/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The on-disk cache's files (DESIGN.md section 6): one record per card in
 * $dir/<cardid hex>/card.rec, $dir being the configured directory, else
 * $XDG_CACHE_HOME/mdcard, else ~/.cache/mdcard. Directories are created 0700
 * and used only when they belong to the effective user and have no group or
 * other bits; files are 0600, written to a temporary file in the same
 * directory, fsync'ed and renamed over the old one, so a reader in another
 * process sees the old or the new record, whole. Anything that does not
 * check out is logged, deleted and left to be rebuilt from the card.
 */
#include "token/tok_int.h"

#include "util/hex.h"
#include "util/log.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define RECORD_NAME "card.rec"

/* The base directory's path, or false when none can be found. */
static bool base_path(char *out, size_t max)
{
    const char *dir = mdc_tok_config_cache_dir();
    const char *xdg = secure_getenv("XDG_CACHE_HOME");
    const char *home = secure_getenv("HOME");
    int n;

    if (dir != NULL && *dir != '\0')
        n = snprintf(out, max, "%s", dir);
    else if (xdg != NULL && xdg[0] == '/')
        n = snprintf(out, max, "%s/mdcard", xdg);
    else if (home != NULL && home[0] == '/')
        n = snprintf(out, max, "%s/.cache/mdcard", home);
    else
        return false;
    return n > 0 && (size_t)n < max;
}

/* mkdir -p of the parents of path (0700 for what we create; not checked). */
static void make_parents(const char *path)
{
    char tmp[PATH_MAX];
    size_t len = strlen(path);

    if (len >= sizeof(tmp))
        return;
    memcpy(tmp, path, len + 1);
    for (char *p = tmp + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        (void)mkdir(tmp, 0700);
        *p = '/';
    }
}

/* A directory of ours: owned by the effective user, no group/other access. */
static bool dir_usable(int fd, const char *what)
{
    struct stat st;

    if (fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode)) {
        MDC_WARN(MDC_CAT_CACHE, "disk cache: %s is not a directory; cache not used", what);
        return false;
    }
    if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
        MDC_WARN(MDC_CAT_CACHE,
                 "disk cache: %s belongs to uid %u with mode %03o (need uid %u, mode 700); "
                 "cache not used",
                 what, (unsigned)st.st_uid, (unsigned)(st.st_mode & 0777), (unsigned)geteuid());
        return false;
    }
    return true;
}

/* Open (creating when asked) $base/<cardid hex>; -1 when unusable. */
static int open_card_dir(const uint8_t *cardid, size_t len, bool create)
{
    char base[PATH_MAX], hex[2 * MDC_DISK_MAX_CARDID + 1];
    int bfd, cfd;

    if (len == 0 || len > MDC_DISK_MAX_CARDID || !base_path(base, sizeof(base)) ||
        !mdc_util_hex_encode(cardid, len, false, hex, sizeof(hex)))
        return -1;
    if (create) {
        make_parents(base);
        if (mkdir(base, 0700) != 0 && errno != EEXIST) {
            MDC_WARN(MDC_CAT_CACHE, "disk cache: cannot create %s: %s", base, strerror(errno));
            return -1;
        }
    }
    bfd = open(base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (bfd < 0) {
        if (errno != ENOENT)
            MDC_WARN(MDC_CAT_CACHE, "disk cache: cannot open %s: %s", base, strerror(errno));
        return -1;
    }
    if (!dir_usable(bfd, base)) {
        close(bfd);
        return -1;
    }
    if (create && mkdirat(bfd, hex, 0700) != 0 && errno != EEXIST) {
        MDC_WARN(MDC_CAT_CACHE, "disk cache: cannot create %s/%s: %s", base, hex, strerror(errno));
        close(bfd);
        return -1;
    }
    cfd = openat(bfd, hex, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    close(bfd);
    if (cfd < 0)
        return -1;
    if (!dir_usable(cfd, hex)) {
        close(cfd);
        return -1;
    }
    return cfd;
}

static void drop_record(int dfd, const char *why)
{
    MDC_INFO(MDC_CAT_CACHE, "disk cache: record %s; deleted, rebuilt from the card", why);
    if (unlinkat(dfd, RECORD_NAME, 0) != 0 && errno != ENOENT)
        MDC_WARN(MDC_CAT_CACHE, "disk cache: cannot delete the record: %s", strerror(errno));
}

/* Whole file into memory, refusing what is not a private regular file. */
static bool read_record(int dfd, uint8_t **out, size_t *out_len)
{
    struct stat st;
    uint8_t *buf;
    size_t got = 0;
    int fd = openat(dfd, RECORD_NAME, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

    *out = NULL;
    if (fd < 0) {
        if (errno != ENOENT)
            drop_record(dfd, "cannot be opened");
        return false;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
        (st.st_mode & 077) != 0 || st.st_size <= 0 || (size_t)st.st_size > MDC_DISK_MAX_FILE) {
        close(fd);
        drop_record(dfd, "is not a private regular file of a sane size");
        return false;
    }
    buf = malloc((size_t)st.st_size);
    if (buf == NULL) {
        close(fd);
        return false;
    }
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    *out = buf;
    *out_len = got;
    return true;
}

bool mdc_tok_disk_load(const uint8_t *cardid, size_t len, struct mdc_disk_record *out)
{
    uint8_t *buf = NULL;
    size_t buf_len = 0;
    mdc_mdfs_rv rv;
    int dfd;

    memset(out, 0, sizeof(*out));
    if (!mdc_tok_config_disk_cache())
        return false;
    dfd = open_card_dir(cardid, len, false);
    if (dfd < 0)
        return false;
    if (!read_record(dfd, &buf, &buf_len)) {
        close(dfd);
        return false;
    }
    rv = mdc_tok_disk_record_parse(buf, buf_len, out);
    free(buf);
    if (rv != MDC_MDFS_OK) {
        MDC_WARN(MDC_CAT_CACHE, "disk cache: record of %zu bytes is unusable (%s)", buf_len,
                 mdc_mdfs_rv_name(rv));
        drop_record(dfd, "does not parse");
    } else if (out->cardid_len != len || memcmp(out->cardid, cardid, len) != 0) {
        mdc_tok_disk_record_clear(out);
        drop_record(dfd, "names another cardid");
        rv = MDC_MDFS_ERR_CORRUPT;
    }
    close(dfd);
    return rv == MDC_MDFS_OK;
}

void mdc_tok_disk_save(const struct mdc_disk_record *r)
{
    char tmp[64];
    uint8_t *buf = NULL;
    size_t len = 0, off = 0;
    bool ok = false;
    int dfd, fd;

    if (!mdc_tok_config_disk_cache())
        return;
    if (mdc_tok_disk_record_build(r, &buf, &len) != MDC_MDFS_OK)
        return;
    dfd = open_card_dir(r->cardid, r->cardid_len, true);
    if (dfd < 0) {
        mdc_mdfs_free(buf);
        return;
    }
    snprintf(tmp, sizeof(tmp), ".%s.%ld.%lx", RECORD_NAME, (long)getpid(), (unsigned long)random());
    fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) {
        while (off < len) {
            ssize_t n = write(fd, buf + off, len - off);

            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            off += (size_t)n;
        }
        ok = off == len && fsync(fd) == 0;
        ok = close(fd) == 0 && ok;
        ok = ok && renameat(dfd, tmp, dfd, RECORD_NAME) == 0;
        if (!ok)
            (void)unlinkat(dfd, tmp, 0);
        else
            (void)fsync(dfd); /* the rename itself */
    }
    if (!ok)
        MDC_WARN(MDC_CAT_CACHE, "disk cache: cannot write the record: %s", strerror(errno));
    else
        MDC_DEBUG(MDC_CAT_CACHE, "disk cache: record of %zu bytes written (counters %04x/%04x)",
                  len, r->containers, r->files);
    close(dfd);
    mdc_mdfs_free(buf);
}
