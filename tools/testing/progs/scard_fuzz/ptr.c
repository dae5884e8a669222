// SPDX-License-Identifier: GPL-2.0
/*
 * scard_fuzz: user pointers. Each worker process maps five pages once:
 *
 *	page 0, 1	read-write (misaligned copies, page-straddling buffers
 *			that end in page 2)
 *	page 2		PROT_NONE: the guard
 *	page 3		read-only, random content
 *	page 4		unmapped (munmap()ed after the mapping)
 *
 * and every pointer the fuzzer passes is a valid buffer or one of these,
 * NULL, a kernel address or a random value.
 */
#include "fuzz.h"
#include <sys/mman.h>

#define KERNEL_ADDR	0xffff888000000000ULL

static unsigned char *area;

void ptr_setup(void)
{
	struct rng r;

	page_size = sysconf(_SC_PAGESIZE);
	area = mmap(NULL, 5 * page_size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	rng_init(&r, opt.seed, worker_id, 0xa4ea, 0);
	rnd_fill(&r, area, 5 * page_size);
	mprotect(area + 2 * page_size, page_size, PROT_NONE);
	mprotect(area + 3 * page_size, page_size, PROT_READ);
	munmap(area + 4 * page_size, page_size);
}

static uintptr_t guard(void)
{
	return (uintptr_t)(area + 2 * page_size);
}

/*
 * A pointer for a buffer of @len bytes; @valid holds at least @len + 1
 * bytes (the misaligned case uses valid + 1). @out: the kernel writes to
 * it. *@what names the choice, for the report of a finding.
 */
__u64 fuzz_ptr(struct rng *r, void *valid, size_t len, int out,
	       const char **what)
{
	size_t half;

	(void)out;
	switch (rnd(r, 40)) {
	case 0:
		*what = "NULL";
		return 0;
	case 1:
		*what = "unmapped";
		return (uintptr_t)(area + 4 * page_size) + rnd(r, 64);
	case 2:
		*what = "guard";
		return guard() + rnd(r, 64);
	case 3:
		*what = "read-only";
		return (uintptr_t)(area + 3 * page_size) + rnd(r, 64);
	case 4:
		*what = "misaligned";
		return (uintptr_t)valid + 1;
	case 5:
		*what = "straddling";
		half = len < (size_t)page_size ? len / 2 : (size_t)page_size / 2;
		return guard() - half - 1;
	case 6:
		*what = "kernel";
		return KERNEL_ADDR + (rnd(r, 4) << 12);
	case 7:
		*what = "random";
		return rng_next(r);
	case 8:
		*what = "all-ones";
		return ~0ULL;
	default:
		*what = "valid";
		return (uintptr_t)valid;
	}
}

/*
 * The ioctl argument for the structure @arg of @len bytes: itself, or a
 * copy misaligned or straddling into the guard page, or a bad pointer.
 */
unsigned long fuzz_arg(struct rng *r, const void *arg, size_t len, int out,
		       const char **what)
{
	unsigned char *p;
	size_t k;

	(void)out;
	switch (rnd(r, 48)) {
	case 0:
		*what = "arg NULL";
		return 0;
	case 1:
		*what = "arg unmapped";
		return (uintptr_t)(area + 4 * page_size);
	case 2:
		*what = "arg guard";
		return guard();
	case 3:
		*what = "arg read-only";
		return (uintptr_t)(area + 3 * page_size) + rnd(r, 8) * 8;
	case 4:
		*what = "arg misaligned";
		p = area + 1 + rnd(r, 7);
		memcpy(p, arg, len);
		return (uintptr_t)p;
	case 5:
		*what = "arg straddling";
		k = len > 1 ? 1 + rnd(r, len - 1) : 0;
		p = (unsigned char *)guard() - k;
		memcpy(p, arg, k);
		return (uintptr_t)p;
	case 6:
		*what = "arg kernel";
		/* A 32-bit process: the top page of its 4 GiB. */
		return sizeof(long) == 8 ? (unsigned long)KERNEL_ADDR :
		       0xfffff000UL;
	case 7:
		*what = "arg all-ones";
		return ~0UL;
	default:
		*what = "arg valid";
		return (uintptr_t)arg;
	}
}
