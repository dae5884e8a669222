/* SPDX-License-Identifier: GPL-2.0 */
/* ccid_bench: the paths it measures. */
#ifndef CCID_BENCH_PATHS_H
#define CCID_BENCH_PATHS_H

#include "bench.h"

int raw_apdu(unsigned int n);
int raw_insert(const char *tty, unsigned int k);
int scard_apdu(const char *dev, unsigned int n);
int scard_insert(const char *dev, const char *tty, unsigned int k);
int scard_rate(unsigned int n, int ndev, char **devs);

/* scard.c: a cold reset and T=0; one TRANSMIT, its reply checked */
int connect_t0(int fd);
int transmit(int fd, const unsigned char *apdu, size_t len);

#endif /* CCID_BENCH_PATHS_H */
