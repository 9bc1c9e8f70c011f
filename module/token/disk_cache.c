/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The on-disk cache's files (DESIGN.md section 6): one record per card in
 * $dir/<cardid hex>/card.rec, $dir being the configured directory, else
 * $XDG_CACHE_HOME/mdcard, else ~/.cache/mdcard. Directories are created 0700
 * and used only when they belong to the effective user and have no group or
 * other bits; files are 0600, written to a temporary file in the same
 * directory and renamed over the old one, so a reader in another process
 * sees the old or the new record, whole. Anything that does not check out
 * is logged, deleted and left to be rebuilt from the card; a record that
 * merely cannot be read now (out of descriptors, I/O error) is kept.
 */
#include "token/tok_int.h"

#include "util/file.h"
#include "util/hex.h"
#include "util/log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define RECORD_NAME "card.rec"
#define TEMP_PREFIX "." RECORD_NAME "."
#define STALE_TEMP_SECONDS 60 /* a save takes milliseconds: older is a crash's */

/* Numbers the temporary files of this process (with its pid): unique enough
 * with O_EXCL in a 0700 directory, and leaves the host's random() alone. */
static atomic_uint temp_counter;

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

/* Whole file into memory, refusing what is not a private regular file.
 * Only what is wrong with the file itself deletes it: a symbolic link
 * (ELOOP), not a regular file, not private, of an impossible size. An error
 * that may pass (EMFILE, ENOMEM, EIO...) keeps a record that may be valid. */
static bool read_record(int dfd, uint8_t **out, size_t *out_len)
{
    struct stat st;
    int err;
    /* O_NONBLOCK: a FIFO planted here must not hang the host in open(). */
    int fd = openat(dfd, RECORD_NAME, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

    *out = NULL;
    if (fd < 0) {
        err = errno;
        if (err == ELOOP)
            drop_record(dfd, "is a symbolic link");
        else if (err != ENOENT)
            MDC_DEBUG(MDC_CAT_CACHE, "disk cache: cannot open the record now: %s; card read",
                      strerror(err));
        return false;
    }
    if (fstat(fd, &st) != 0) {
        err = errno;
        close(fd);
        MDC_DEBUG(MDC_CAT_CACHE, "disk cache: cannot stat the record now: %s; card read",
                  strerror(err));
        return false;
    }
    if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077) != 0 ||
        st.st_size <= 0 || (size_t)st.st_size > MDC_DISK_MAX_FILE) {
        close(fd);
        drop_record(dfd, "is not a private regular file of a sane size");
        return false;
    }
    /* A file shorter than fstat said is returned as read: its digest fails. */
    err = mdc_util_read_fd(fd, (size_t)st.st_size, out, out_len);
    close(fd);
    if (err != 0) {
        MDC_DEBUG(MDC_CAT_CACHE, "disk cache: cannot read the record now: %s; card read",
                  strerror(err));
        return false;
    }
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

/* Temporary files left by a process that died between creating and
 * renaming one; a younger one may be another process's save in progress. */
static void remove_stale_temps(int dfd)
{
    struct dirent *e;
    time_t now = time(NULL);
    int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d;

    if (fd < 0)
        return;
    d = fdopendir(fd);
    if (d == NULL) {
        close(fd);
        return;
    }
    while ((e = readdir(d)) != NULL) {
        struct stat st;

        if (strncmp(e->d_name, TEMP_PREFIX, strlen(TEMP_PREFIX)) != 0 ||
            fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || S_ISDIR(st.st_mode) ||
            st.st_mtime > now - STALE_TEMP_SECONDS)
            continue;
        if (unlinkat(dfd, e->d_name, 0) == 0)
            MDC_DEBUG(MDC_CAT_CACHE, "disk cache: stale temporary file %s removed", e->d_name);
    }
    closedir(d);
}

void mdc_tok_disk_save(const struct mdc_disk_record *r)
{
    char tmp[64];
    uint8_t *buf = NULL;
    size_t len = 0, off = 0;
    mdc_mdfs_rv rv;
    int dfd, fd, err = 0;

    if (!mdc_tok_config_disk_cache())
        return;
    rv = mdc_tok_disk_record_build(r, &buf, &len);
    if (rv != MDC_MDFS_OK) {
        MDC_DEBUG(MDC_CAT_CACHE, "disk cache: no record built (%s); nothing written",
                  mdc_mdfs_rv_name(rv));
        return;
    }
    dfd = open_card_dir(r->cardid, r->cardid_len, true);
    if (dfd < 0) {
        mdc_mdfs_free(buf);
        return;
    }
    remove_stale_temps(dfd);
    snprintf(tmp, sizeof(tmp), TEMP_PREFIX "%ld.%u", (long)getpid(),
             atomic_fetch_add_explicit(&temp_counter, 1, memory_order_relaxed));
    /* No fsync: this runs while the card's PC/SC transaction is held, and a
     * record torn by a crash fails its SHA-256 trailer on the next load and
     * is rebuilt from the card. The rename alone keeps readers whole. */
    fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        err = errno;
    if (fd >= 0) {
        while (off < len) {
            ssize_t n = write(fd, buf + off, len - off);

            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                err = n < 0 ? errno : ENOSPC;
                break;
            }
            off += (size_t)n;
        }
        if (close(fd) != 0 && err == 0)
            err = errno;
        if (err == 0 && renameat(dfd, tmp, dfd, RECORD_NAME) != 0)
            err = errno;
        if (err != 0)
            (void)unlinkat(dfd, tmp, 0);
    }
    if (err != 0)
        MDC_WARN(MDC_CAT_CACHE, "disk cache: cannot write the record: %s", strerror(err));
    else
        MDC_DEBUG(MDC_CAT_CACHE, "disk cache: record of %zu bytes written (counters %04x/%04x)",
                  len, r->containers, r->files);
    close(dfd);
    mdc_mdfs_free(buf);
}
