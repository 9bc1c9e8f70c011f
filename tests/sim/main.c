// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * gids-sim: a GIDS smart card (GidsApplet behaviour) behind pcscd's vpcd driver.
 * This unit owns the command line, the connection life cycle (insert, cut, re-insert),
 * the control-file cut, latency and timing; the card itself lives in the other units.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "sim.h"

/* T=1 only, no historical bytes: the GIDS driver of OpenSC finds the card by SELECT. */
static const unsigned char atr[] = {0x3B, 0x80, 0x80, 0x01, 0x01};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void usage(FILE *f)
{
    fputs("usage: gids-sim --port N [options]\n"
          "       gids-sim --dump STATE\n"
          "Simulated GIDS card; connects to pcscd's vpcd at 127.0.0.1:N.\n"
          "  --port N          vpcd port (required)\n"
          "  --state FILE      persistent card; created blank if missing\n"
          "  --dump FILE       print a canonical text of a state file and exit\n"
          "  --apdu-log FILE   append one line per APDU (secrets redacted)\n"
          "  --latency-us N    sleep N microseconds before each answer\n"
          "  --ctl FILE        control file; 'fail-after N' cuts the card at APDU N+1\n"
          "  --reinsert-ms N   time the card stays out after a cut (default 500)\n"
          "  --torn            a cut PUT DATA chain leaves its DO zeroed\n"
          "  --other-aid HEX   a second, empty application\n"
          "  --help\n",
          f);
}

static void sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !stop)
        ;
}

static long elapsed_us(const struct timespec *a, const struct timespec *b)
{
    return (b->tv_sec - a->tv_sec) * 1000000L + (b->tv_nsec - a->tv_nsec) / 1000;
}

static int parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_args(int argc, char **argv, struct sim_opts *o, const char **dump)
{
    static const struct option longopts[] = {
        {"port", required_argument, NULL, 'p'},
        {"state", required_argument, NULL, 's'},
        {"dump", required_argument, NULL, 'd'},
        {"apdu-log", required_argument, NULL, 'l'},
        {"latency-us", required_argument, NULL, 'L'},
        {"ctl", required_argument, NULL, 'c'},
        {"reinsert-ms", required_argument, NULL, 'r'},
        {"torn", no_argument, NULL, 't'},
        {"other-aid", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    long v;
    int c;

    o->reinsert_ms = 500;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (parse_long(optarg, 1, 65535, &v))
                return -1;
            o->port = (int)v;
            break;
        case 's':
            o->state_path = optarg;
            break;
        case 'd':
            *dump = optarg;
            break;
        case 'l':
            o->apdu_log = optarg;
            break;
        case 'c':
            o->ctl_path = optarg;
            break;
        case 't':
            o->torn = 1;
            break;
        case 'L':
            if (parse_long(optarg, 0, 60000000, &o->latency_us))
                return -1;
            break;
        case 'r':
            if (parse_long(optarg, 0, 600000, &o->reinsert_ms))
                return -1;
            break;
        case 'a':
            if (sim_unhex(optarg, o->other_aid, sizeof o->other_aid, &o->other_aid_len) ||
                o->other_aid_len < 5)
                return -1;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            return -1;
        }
    }
    if (optind != argc || (!*dump && !o->port))
        return -1;
    return 0;
}

/*
 * Serves one inserted card until vpcd goes away, a signal, or a cut (returns 1).
 * *armed counts the APDUs still answered before an armed cut; -1 = not armed.
 */
static int serve(struct sim *sim, int fd, long *armed)
{
    static unsigned char cmd[65536];
    unsigned char rsp[256 + 2];
    long n, want;
    unsigned sw;
    size_t rlen;
    struct timespec t0, t1;

    while (!stop) {
        n = sim_vpcd_recv(fd, cmd, sizeof cmd);
        if (n < 0)
            return 0;
        if (n == 1) {
            if (cmd[0] == 0x04)
                sim_vpcd_send(fd, atr, sizeof atr);
            else if (cmd[0] <= 0x02)
                sim_session_reset(sim); /* power off, power on, reset */
            continue;
        }
        if (n < 4) {
            rsp[0] = 0x67;
            rsp[1] = 0x00;
            sim_vpcd_send(fd, rsp, 2);
            continue;
        }
        if (sim_ctl_poll(sim->opt->ctl_path, &want))
            *armed = want;
        if (*armed == 0) {
            *armed = -1;
            /* This APDU is neither answered nor applied: the card leaves the reader. */
            sim_log_cut(sim->log, cmd, (size_t)n);
            return 1;
        }
        if (*armed > 0)
            (*armed)--;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        rlen = sim_process(sim, cmd, (size_t)n, rsp, &sw);
        rsp[rlen] = (unsigned char)(sw >> 8);
        rsp[rlen + 1] = (unsigned char)sw;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        sim_log_apdu(sim->log, cmd, (size_t)n, rlen, sw, elapsed_us(&t0, &t1));
        OPENSSL_cleanse(cmd, (size_t)n); /* it may have carried a PIN or a key */
        if (sim->opt->latency_us)
            sleep_us(sim->opt->latency_us);
        if (sim_vpcd_send(fd, rsp, rlen + 2))
            return 0;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static struct sim sim;
    struct sim_opts opt;
    const char *dump = NULL;
    struct sigaction sa;
    int fd, r;
    long armed = -1;

    memset(&opt, 0, sizeof opt);
    if (parse_args(argc, argv, &opt, &dump)) {
        usage(stderr);
        return 2;
    }
    if (dump)
        return sim_state_dump(dump, stdout) ? 1 : 0;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: a blocked recv() must return */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    sim.opt = &opt;
    sim.card.pin_tries = SIM_PIN_TRIES;
    if (opt.state_path) {
        r = sim_state_load(&sim.card, opt.state_path);
        if (r < 0) {
            fprintf(stderr, "gids-sim: cannot load state %s\n", opt.state_path);
            sim_card_free(&sim.card);
            return 1;
        }
        if (r == 0 && sim_state_save(&sim)) {
            fprintf(stderr, "gids-sim: cannot create state %s\n", opt.state_path);
            return 1;
        }
    }
    if (opt.apdu_log) {
        sim.log = fopen(opt.apdu_log, "ae");
        if (!sim.log) {
            fprintf(stderr, "gids-sim: cannot open %s\n", opt.apdu_log);
            sim_card_free(&sim.card);
            return 1;
        }
    }
    sim_session_reset(&sim);
    while (!stop) {
        fd = sim_vpcd_connect(opt.port, &stop);
        if (fd < 0)
            break;
        sim_session_reset(&sim); /* card inserted */
        r = serve(&sim, fd, &armed);
        close(fd);
        /* Card out of the reader: volatile state is gone (a cut chain may tear). */
        sim_session_reset(&sim);
        if (!stop)
            sleep_us(r ? opt.reinsert_ms * 1000 : 50000);
    }
    sim_session_reset(&sim);
    sim_buf_free(&sim.s.resp);
    sim_card_free(&sim.card);
    if (sim.log)
        fclose(sim.log);
    return 0;
}
