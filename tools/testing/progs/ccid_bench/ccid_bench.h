/* SPDX-License-Identifier: GPL-2.0 */
/* ccid_bench: the paths it measures. */
#ifndef CCID_BENCH_PATHS_H
#define CCID_BENCH_PATHS_H

#include "bench.h"

int raw_apdu(unsigned int n);
int raw_insert(const char *tty, unsigned int k);
int scard_apdu(const char *dev, unsigned int n);
int scard_insert(const char *dev, const char *tty, unsigned int k);

#endif /* CCID_BENCH_PATHS_H */
