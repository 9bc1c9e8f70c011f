/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The user PIN for keygen, csr and load: from --pin-file (first line), from
 * the environment variable of --pin-env (default MDCARD_PIN) when set, else
 * asked on /dev/tty with echo off. Kept in a secret buffer; every copy on
 * the way is wiped.
 */
#include "tool.h"

#include <openssl/crypto.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#define PIN_READ_MAX 256

/* Strips one trailing "\n" or "\r\n". */
static size_t chomp(const char *buf, size_t n)
{
    if (n > 0 && buf[n - 1] == '\n')
        n--;
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    return n;
}

static struct mdc_secret *from_file(const char *path)
{
    char buf[PIN_READ_MAX + 2]; /* the PIN and a "\r" */
    struct mdc_secret *s = NULL;
    struct stat st;
    size_t n = 0, len;
    bool too_long = false, failed;
    FILE *f = fopen(path, "re");

    if (f == NULL) {
        tool_err("cannot open the PIN file %s: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fileno(f), &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)) != 0)
        tool_err("warning: the PIN file %s can be read by other users (chmod 600 it)", path);
    setvbuf(f, NULL, _IONBF, 0); /* no stdio copy of the PIN */
    for (;;) {
        int c = fgetc(f);

        if (c == EOF || c == '\n')
            break;
        if (n < sizeof(buf))
            buf[n++] = (char)c;
        else
            too_long = true; /* read on to the end of the line, keep nothing */
    }
    failed = ferror(f) != 0;
    fclose(f);
    len = chomp(buf, n);
    if (failed)
        tool_err("cannot read the PIN file %s", path);
    else if (too_long || len > PIN_READ_MAX)
        tool_err("the PIN in %s is too long", path);
    else if (len == 0)
        tool_err("the PIN file %s is empty", path);
    else if ((s = mdc_util_secret_new(buf, len)) == NULL)
        tool_err("out of memory");
    OPENSSL_cleanse(buf, sizeof(buf));
    return s;
}

/* While echo is off: a signal that ends or stops the tool first gives the
 * terminal its settings back (only async-signal-safe calls here). */
static const int tty_signals[] = {SIGINT, SIGTERM, SIGTSTP, SIGHUP, SIGQUIT};
static volatile sig_atomic_t tty_fd = -1;
static struct termios tty_old, tty_quiet;
static struct sigaction tty_saved[sizeof(tty_signals) / sizeof(tty_signals[0])];

static void tty_signal(int sig)
{
    int saved_errno = errno;
    struct sigaction dfl, mine;
    sigset_t set;

    if (tty_fd >= 0)
        tcsetattr(tty_fd, TCSANOW, &tty_old);
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, &mine);
    raise(sig);
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL); /* dies or stops here */
    /* Continued after SIGTSTP: echo off again, this handler again. */
    sigprocmask(SIG_BLOCK, &set, NULL);
    sigaction(sig, &mine, NULL);
    if (tty_fd >= 0)
        tcsetattr(tty_fd, TCSANOW, &tty_quiet);
    errno = saved_errno;
}

static void tty_signals_catch(bool on)
{
    for (size_t i = 0; i < sizeof(tty_signals) / sizeof(tty_signals[0]); i++) {
        struct sigaction sa;

        if (!on) {
            sigaction(tty_signals[i], &tty_saved[i], NULL);
            continue;
        }
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = tty_signal;
        sigfillset(&sa.sa_mask);
        sigaction(tty_signals[i], &sa, &tty_saved[i]);
        if (tty_saved[i].sa_handler == SIG_IGN) /* keep an ignored signal ignored */
            sigaction(tty_signals[i], &tty_saved[i], NULL);
    }
}

/* One line from the terminal into buf: 1 read (n bytes, no newline), 0 end of
 * input or a read error, -1 longer than the buffer (the rest of the line is
 * read and dropped). */
static int read_line(int fd, char *buf, size_t size, size_t *n)
{
    bool too_long = false;

    *n = 0;
    for (;;) {
        char c;
        ssize_t r = read(fd, &c, 1);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return 0; /* what was typed is not a whole PIN */
        if (c == '\n')
            return too_long ? -1 : 1;
        if (*n < size)
            buf[(*n)++] = c;
        else
            too_long = true;
    }
}

static struct mdc_secret *from_tty(const char *prompt)
{
    char buf[PIN_READ_MAX + 1]; /* the PIN and a "\r" */
    struct mdc_secret *s = NULL;
    size_t n = 0;
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC), got;
    bool restored;

    if (fd < 0) {
        tool_err("no PIN: no terminal to ask on; use --pin-file FILE or --pin-env VAR "
                 "(default variable MDCARD_PIN)");
        return NULL;
    }
    if (tcgetattr(fd, &tty_old) != 0) {
        close(fd);
        tool_err("no PIN: cannot turn off echo on the terminal; use --pin-file or --pin-env");
        return NULL;
    }
    tty_quiet = tty_old;
    tty_quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
    tty_quiet.c_lflag |= ICANON;
    tty_fd = fd;
    tty_signals_catch(true);
    if (write(fd, prompt, strlen(prompt)) < 0 || tcsetattr(fd, TCSADRAIN, &tty_quiet) != 0) {
        tty_signals_catch(false);
        tty_fd = -1;
        tcsetattr(fd, TCSADRAIN, &tty_old);
        close(fd);
        tool_err("cannot prompt for the PIN");
        return NULL;
    }
    got = read_line(fd, buf, sizeof(buf), &n);
    restored = tcsetattr(fd, TCSADRAIN, &tty_old) == 0;
    tty_signals_catch(false);
    tty_fd = -1;
    if (write(fd, "\n", 1) < 0) {
        /* only cosmetic: the next line of output starts after the prompt */
    }
    close(fd);
    if (!restored)
        tool_err("warning: could not restore the terminal settings");
    n = chomp(buf, n);
    if (got == 0)
        tool_err("no PIN: the input ended before a whole line was entered");
    else if (got < 0 || n > PIN_READ_MAX)
        tool_err("the PIN entered is too long (at most %d characters)", PIN_READ_MAX);
    else if (n == 0)
        tool_err("no PIN entered");
    else if ((s = mdc_util_secret_new(buf, n)) == NULL)
        tool_err("out of memory");
    OPENSSL_cleanse(buf, sizeof(buf));
    return s;
}

struct mdc_secret *tool_pin_get(const struct tool *t, const char *prompt)
{
    const char *var = t->pin_env != NULL ? t->pin_env : "MDCARD_PIN";
    const char *env;
    struct mdc_secret *s;

    if (t->pin_file != NULL)
        return from_file(t->pin_file);
    env = getenv(var);
    if (env != NULL) {
        size_t len = strlen(env);

        if (len == 0 || len > PIN_READ_MAX) {
            tool_err("the PIN in $%s is %s", var, len == 0 ? "empty" : "too long");
            return NULL;
        }
        s = mdc_util_secret_new(env, len);
        if (s == NULL)
            tool_err("out of memory");
        return s;
    }
    if (t->pin_env != NULL) {
        tool_err("no PIN: $%s is not set", var);
        return NULL;
    }
    return from_tty(prompt);
}
