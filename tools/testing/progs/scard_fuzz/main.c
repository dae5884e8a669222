// SPDX-License-Identifier: GPL-2.0
/*
 * scard_fuzz - a seeded fuzzer of scard (see fuzz.h for its parts).
 *
 *	scard_fuzz [--seed N] [--ioctls N] [--seconds MAX] [--procs N]
 *		   [--no-serial] [--no-kill] [--no-check] [--stuck SEC]
 *	scard_fuzz --check
 *
 * The parent starts the workers (--procs ioctl workers (5), two virtual
 * reader controllers, two waiters, an open racer and the serial worker),
 * publishes the /dev/scardN there in the shared page, sends them signals,
 * kills controllers and waiters now and then and starts new ones, and
 * watches their heartbeats. A worker without progress for
 * --stuck seconds (60), or that does not return within 30 s of the end,
 * is a finding when one of its threads is then inside a call on a scard
 * file (an ioctl, open, close, read or write that signals do not end);
 * when all its threads are in the fuzzer's own waits (poll, futex,
 * sleeps) the fault is the fuzzer's, said on a "# scard_fuzz bug" line
 * (exit status 3). A worker that SIGKILL does not end within 10 s is a
 * finding too. It stops after --ioctls ioctl() calls in all (1000000) or
 * --seconds seconds (3600), checks that a fresh virtual reader works, and
 * prints the counters and "FUZZ ioctls=N seconds=S findings=F". Every
 * finding is a line "FINDING seed=S worker=W gen=G ..."; the exit status
 * is 1 with findings, 0 without (nor fuzzer bugs).
 *
 * Its ioctl() calls go through fail_ioctl.h: with SCARD_FAIL_IOCTL set,
 * tools/testing/fuzz/faults.sh fails the kernel's allocations in them.
 */
#include "fuzz.h"
#include "../fail_ioctl.h"
#include <dirent.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define STOP_GRACE_MS	30000
#define KILL_GRACE_MS	10000

struct child {
	pid_t pid;
	enum kind kind;
	int id;
	unsigned int gen;
	unsigned int last_beat;
	long last_change;
	long killed_at;		/* SIGKILLed by the parent at, 0 if not */
	int abandoned;		/* could not be killed */
};

static struct child children[MAX_CHILDREN];
static int nchildren;
static long cpu_ms[K_NKINDS];	/* CPU time of the ended workers */

static const char *const kind_names[K_NKINDS] = {
	"ioctl", "vhci", "waiter", "racer", "serial",
};

static const char *const counter_names[C_NCOUNTERS] = {
	"ioctls", "ioctl_ok", "ioctl_raw", "opens", "open_err", "closes",
	"polls", "vhci_writes", "vhci_werr", "vhci_reads", "vhci_reqs",
	"vhci_answers", "vhci_creates", "vhci_destroys", "vhci_inserts",
	"vhci_garbage", "vhci_closes", "ctrl_kills", "waits", "wait_eintr",
	"waiter_kills", "signals", "serial_attach", "serial_attach_ok",
	"serial_bytes", "serial_frames", "serial_hangups", "respawns",
};

static sigset_t unblocked;	/* the mask of the workers */

static void on_signal(int sig)
{
	(void)sig;
}

static void print_usage(void)
{
	fprintf(stderr, "%s%s%s",
		"usage: scard_fuzz [--seed N] [--ioctls N] [--seconds MAX] [--procs N]\n",
		"                  [--no-serial] [--no-kill] [--no-check] [--stuck SEC]\n",
		"       scard_fuzz --check\n");
	exit(2);
}

static void spawn(struct child *c)
{
	struct sigaction sa;
	pid_t pid;

	c->last_change = now_ms();
	c->last_beat = sh->beat[c - children];
	c->killed_at = 0;
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (pid) {
		c->pid = pid;
		return;
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	worker_id = c->id;
	worker_gen = c->gen;
	worker_slot = c - children;
	/* No SA_RESTART: a signal ends a waiting call with EINTR. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGUSR1, &sa, NULL);
	sigprocmask(SIG_SETMASK, &unblocked, NULL);
	switch (c->kind) {
	case K_IOCTL:
		ioctl_worker();
		break;
	case K_VHCI:
		vhci_controller();
		break;
	case K_WAITER:
		waiter_worker();
		break;
	case K_RACER:
		racer_worker();
		break;
	case K_SERIAL:
		serial_worker();
		break;
	default:
		break;
	}
	exit(0);
}

static void add_child(enum kind kind, int id)
{
	struct child *c = &children[nchildren++];

	c->kind = kind;
	c->id = id;
	spawn(c);
}

/* The fuzzer's own waits: a thread in one of these is not the kernel's. */
static int own_wait(long nr)
{
	static const long own[] = {
		SYS_futex, SYS_poll, SYS_ppoll, SYS_nanosleep,
		SYS_clock_nanosleep, SYS_wait4, SYS_pause,
#ifdef SYS_futex_time64
		SYS_futex_time64, SYS_ppoll_time64,
		SYS_clock_nanosleep_time64,
#endif
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(own); i++)
		if (nr == own[i])
			return 1;
	return 0;
}

/*
 * The kernel stacks of a worker's threads, and where they are. Returns 1
 * if one of them is in a system call other than the fuzzer's own waits
 * (a call on a scard file that does not end), 0 if all are in those or
 * running in user space; @where (@len bytes) gets the calls.
 */
static int dump_stacks(pid_t pid, char *where, size_t len)
{
	char path[300], line[256];
	int in_kernel = 0;
	size_t n = 0;
	struct dirent *d;
	char *end;
	DIR *dir;
	FILE *f;
	long nr;

	where[0] = 0;
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return 0;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/syscall", pid,
			 d->d_name);
		f = fopen(path, "r");
		if (f) {
			if (fgets(line, sizeof(line), f)) {
				line[strcspn(line, "\t\n ")] = 0;
				nr = strtol(line, &end, 10);
				if (end != line && !*end && nr >= 0 &&
				    !own_wait(nr))
					in_kernel = 1;
				if (n < len)
					n += snprintf(where + n, len - n,
						      "%s%s: syscall %s",
						      n ? ", " : "",
						      d->d_name, line);
			}
			fclose(f);
		}
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stack", pid,
			 d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		say("# stack of %d/%s:", pid, d->d_name);
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = 0;
			say("#   %s", line);
		}
		fclose(f);
	}
	closedir(dir);
	return in_kernel;
}

static void report(struct child *c, const char *fmt, const char *what)
{
	int save = worker_id;
	unsigned int gsave = worker_gen;

	worker_id = c->id;
	worker_gen = c->gen;
	finding(fmt, kind_names[c->kind], c->pid, what);
	worker_id = save;
	worker_gen = gsave;
}

/* A line of /proc/@pid/task/@tid/@file, from @key on, into @buf. */
static int proc_line(pid_t pid, int tid, const char *file, const char *key,
		     char *buf, size_t len)
{
	char path[64];
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/%s", pid, tid, file);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (!found && fgets(buf, len, f))
		found = !strncmp(buf, key, strlen(key));
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return found;
}

/*
 * The threads of @pid inside a kernel call that a signal does not end:
 * each gets SIGUSR1 twice (its handler makes the call return EINTR) and
 * is deaf if, 2 s later, it has not been scheduled since and is still in
 * the same call. A thread that blocks SIGUSR1 is not judged. Returns the
 * deaf threads, named in @where (@len bytes).
 */
static int deaf_threads(pid_t pid, char *where, size_t len)
{
	char path[64], sc[8][160], cs[8][64], line[256];
	int i, n = 0, deaf = 0, tids[8];
	size_t w = 0;
	struct dirent *d;
	char *end;
	DIR *dir;
	long nr;

	where[0] = 0;
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return 0;
	while ((d = readdir(dir)) && n < 8) {
		if (d->d_name[0] == '.')
			continue;
		tids[n] = atoi(d->d_name);
		if (!proc_line(pid, tids[n], "syscall", "", sc[n],
			       sizeof(sc[n])))
			continue;
		nr = strtol(sc[n], &end, 10);
		if (end == sc[n] || *end != ' ' || nr < 0 || own_wait(nr))
			continue;
		if (!proc_line(pid, tids[n], "status", "SigBlk:", line,
			       sizeof(line)) ||
		    (strtoull(line + 7, NULL, 16) >> (SIGUSR1 - 1)) & 1)
			continue;
		if (!proc_line(pid, tids[n], "status",
			       "voluntary_ctxt_switches:", cs[n],
			       sizeof(cs[n])))
			continue;
		syscall(SYS_tgkill, pid, tids[n], SIGUSR1);
		n++;
	}
	closedir(dir);
	if (!n)
		return 0;
	sleep_ms(1000);
	for (i = 0; i < n; i++)
		syscall(SYS_tgkill, pid, tids[i], SIGUSR1);
	sleep_ms(1000);
	for (i = 0; i < n; i++) {
		if (!proc_line(pid, tids[i], "syscall", "", line,
			       sizeof(line)) || strcmp(line, sc[i]))
			continue;
		if (!proc_line(pid, tids[i], "status",
			       "voluntary_ctxt_switches:", line,
			       sizeof(line)) || strcmp(line, cs[i]))
			continue;
		deaf++;
		if (w < len)
			w += snprintf(where + w, len - w,
				      "%sthread %d in syscall %ld",
				      w ? ", " : "", tids[i],
				      strtol(sc[i], NULL, 10));
	}
	return deaf;
}

/*
 * @c has not done what it should (@what: "stuck: no progress for 60 s",
 * "did not stop within 30 s"): a finding if one of its threads is in a
 * kernel call that a signal does not end, else a bug of the fuzzer itself.
 */
static void blame(struct child *c, const char *what)
{
	char where[200], deaf[200];

	dump_stacks(c->pid, where, sizeof(where));
	say("# %s worker %d's threads: %s", kind_names[c->kind], c->pid,
	    where);
	if (deaf_threads(c->pid, deaf, sizeof(deaf))) {
		report(c, "%s worker %d %s", what);
		say("# ... and signals do not end their calls: %s", deaf);
		return;
	}
	__atomic_fetch_add(&sh->bugs, 1, __ATOMIC_RELAXED);
	say("# scard_fuzz bug: %s worker %d %s, though a signal ends each of its calls",
	    kind_names[c->kind], c->pid, what);
}

/* Reap exited workers; start new ones unless stopping. */
static void reap(int respawn)
{
	struct rusage ru;
	char what[64];
	int i, status;
	pid_t pid;

	for (i = 0; i < nchildren; i++) {
		struct child *c = &children[i];

		if (!c->pid || c->abandoned)
			continue;
		pid = wait4(c->pid, &status, WNOHANG, &ru);
		if (pid != c->pid)
			continue;
		cpu_ms[c->kind] += ru.ru_utime.tv_sec * 1000L +
				   ru.ru_utime.tv_usec / 1000 +
				   ru.ru_stime.tv_sec * 1000L +
				   ru.ru_stime.tv_usec / 1000;
		if (WIFSIGNALED(status) && !c->killed_at) {
			snprintf(what, sizeof(what), "signal %d (%s)",
				 WTERMSIG(status), strsignal(WTERMSIG(status)));
			report(c, "%s worker %d died of %s", what);
		} else if (WIFEXITED(status) && WEXITSTATUS(status)) {
			snprintf(what, sizeof(what), "%d", WEXITSTATUS(status));
			report(c, "%s worker %d exited with status %s", what);
		}
		c->pid = 0;
		/* A worker that exits 0 before the end has nothing to do. */
		if (respawn && !(WIFEXITED(status) && !WEXITSTATUS(status))) {
			c->gen++;
			count(C_RESPAWNS);
			spawn(c);
		}
	}
}

/* Heartbeats: a worker without progress is stuck; SIGKILL must work. */
static void watch(long now)
{
	char what[200];
	int i;

	for (i = 0; i < nchildren; i++) {
		struct child *c = &children[i];
		unsigned int b = __atomic_load_n(&sh->beat[i], __ATOMIC_RELAXED);

		if (!c->pid || c->abandoned)
			continue;
		if (c->killed_at) {
			if (now - c->killed_at > KILL_GRACE_MS) {
				dump_stacks(c->pid, what, sizeof(what));
				report(c, "%s worker %d not ended by SIGKILL%s",
				       " within 10 s");
				c->abandoned = 1;
			}
			continue;
		}
		if (b != c->last_beat) {
			c->last_beat = b;
			c->last_change = now;
			continue;
		}
		if (now - c->last_change > (long)opt.stuck_s * 1000) {
			snprintf(what, sizeof(what),
				 "stuck: no progress for %u s", opt.stuck_s);
			blame(c, what);
			kill(c->pid, SIGKILL);
			c->killed_at = now;
		}
	}
}

static struct child *random_child(struct rng *r, enum kind kind)
{
	int i, n = 0, pick;

	for (i = 0; i < nchildren; i++)
		n += children[i].kind == kind && children[i].pid &&
		     !children[i].killed_at;
	if (!n)
		return NULL;
	pick = rnd(r, n);
	for (i = 0; i < nchildren; i++)
		if (children[i].kind == kind && children[i].pid &&
		    !children[i].killed_at && !pick--)
			return &children[i];
	return NULL;
}

static void poke(struct rng *r, enum kind k, unsigned int permille, int sig)
{
	struct child *c;

	if (rnd(r, 1000) >= permille)
		return;
	c = random_child(r, k);
	if (!c)
		return;
	if (sig == SIGKILL) {
		c->killed_at = now_ms();
		count(k == K_VHCI ? C_CTRL_KILLS : C_WAITER_KILLS);
	}
	count(C_SIGNALS);
	kill(c->pid, sig);
}

static unsigned int total_ioctls(void)
{
	return __atomic_load_n(&sh->counters[C_IOCTLS], __ATOMIC_RELAXED);
}

/* Stop the workers: wake the waiting ones until they are all gone. */
static void stop_all(void)
{
	long end = now_ms() + STOP_GRACE_MS;
	int i, alive;

	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELEASE);
	for (;;) {
		reap(0);
		alive = 0;
		for (i = 0; i < nchildren; i++) {
			if (!children[i].pid || children[i].abandoned)
				continue;
			alive++;
			if (!children[i].killed_at)
				kill(children[i].pid, SIGUSR1);
		}
		if (!alive)
			return;
		if (now_ms() > end) {
			for (i = 0; i < nchildren; i++) {
				struct child *c = &children[i];

				if (!c->pid || c->abandoned || c->killed_at)
					continue;
				blame(c, "did not stop within 30 s");
				kill(c->pid, SIGKILL);
				c->killed_at = now_ms();
			}
		}
		watch(now_ms());
		sleep_ms(100);
	}
}

static void print_counters(void)
{
	char line[512];
	int i, n = 0;

	for (i = 0; i < C_NCOUNTERS; i++) {
		n += snprintf(line + n, sizeof(line) - n, " %s=%u",
			      counter_names[i], sh->counters[i]);
		if (n > 400 || i == C_NCOUNTERS - 1) {
			say("# counters:%s", line);
			n = 0;
		}
	}
	n = 0;
	for (i = 0; i < K_NKINDS; i++)
		n += snprintf(line + n, sizeof(line) - n, " %s=%ld.%02ld",
			      kind_names[i], cpu_ms[i] / 1000,
			      cpu_ms[i] % 1000 / 10);
	say("# cpu seconds of the workers:%s", line);
	n = 0;
	for (i = 1; i < 256; i++)
		if (sh->errnos[i] && n < 480)
			n += snprintf(line + n, sizeof(line) - n, " %s=%u",
				      ename(i), sh->errnos[i]);
	say("# ioctl errnos:%s", n ? line : " none");
}

static unsigned long num(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	if (!*s || *end)
		print_usage();
	return v;
}

int main(int argc, char **argv)
{
	int i, check_only = 0, ld, fails;
	long t0, now, last_report;
	unsigned int ticks = 0;
	struct rng r;

	opt.seed = 1;
	opt.ioctls = 1000000;
	opt.seconds = 3600;
	opt.procs = 5;
	opt.stuck_s = 60;
	opt.serial = 1;
	opt.kills = 1;
	opt.check = 1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--no-serial"))
			opt.serial = 0;
		else if (!strcmp(a, "--no-kill"))
			opt.kills = 0;
		else if (!strcmp(a, "--no-check"))
			opt.check = 0;
		else if (!strcmp(a, "--check"))
			check_only = 1;
		else if (i + 1 >= argc)
			print_usage();
		else if (!strcmp(a, "--seed"))
			opt.seed = num(argv[++i]);
		else if (!strcmp(a, "--ioctls"))
			opt.ioctls = num(argv[++i]);
		else if (!strcmp(a, "--seconds"))
			opt.seconds = num(argv[++i]);
		else if (!strcmp(a, "--procs"))
			opt.procs = num(argv[++i]);
		else if (!strcmp(a, "--stuck"))
			opt.stuck_s = num(argv[++i]);
		else
			print_usage();
	}
	if (!opt.procs || opt.procs > 8)
		print_usage();

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	/* A new worker gets SIGUSR1 only once its handler is in place. */
	sigprocmask(SIG_SETMASK, NULL, &unblocked);
	{
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, NULL);
	}
	page_size = sysconf(_SC_PAGESIZE);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	memset(sh, 0, sizeof(*sh));
	sh->ioctl_limit = opt.ioctls;
	if (check_only)
		return check_reader() ? 1 : 0;

	ld = opt.serial ? serial_ldisc() : -1;
	say("# scard_fuzz seed=%llu ioctls=%u seconds=%u procs=%u serial=%s kills=%d",
	    opt.seed, opt.ioctls, opt.seconds, opt.procs,
	    ld < 0 ? "no" : "yes", opt.kills);
	for (i = 0; i < (int)opt.procs; i++)
		add_child(K_IOCTL, i);
	add_child(K_VHCI, 10);
	add_child(K_VHCI, 11);
	add_child(K_WAITER, 20);
	add_child(K_WAITER, 21);
	add_child(K_RACER, 30);
	if (ld >= 0)
		add_child(K_SERIAL, 40);

	rng_init(&r, opt.seed, 0xffff, 0, 0);
	scan_nodes();
	t0 = now_ms();
	last_report = t0;
	for (;;) {
		now = now_ms();
		if (total_ioctls() >= opt.ioctls ||
		    now - t0 >= (long)opt.seconds * 1000)
			break;
		reap(1);
		watch(now);
		poke(&r, K_WAITER, 400, SIGUSR1);
		poke(&r, K_IOCTL, 100, SIGUSR1);
		poke(&r, K_SERIAL, 50, SIGUSR1);
		poke(&r, K_VHCI, 30, SIGUSR1);
		if (opt.kills) {
			poke(&r, K_VHCI, 10, SIGKILL);
			poke(&r, K_WAITER, 5, SIGKILL);
		}
		if (!(++ticks & 3))
			scan_nodes();
		if (now - last_report >= 30000) {
			last_report = now;
			say("# %ld s: %u ioctls, %u findings", (now - t0) / 1000,
			    total_ioctls(), sh->findings);
		}
		sleep_ms(50);
	}
	stop_all();
	now = now_ms();
	print_counters();
	fails = 0;
	/* The readers must work once allocations stop failing (faults.sh). */
	unsetenv("SCARD_FAIL_IOCTL");
	if (opt.check)
		fails = check_reader();
	if (fails)
		finding("the end check failed %d times", fails);
	if (sh->bugs)
		say("# scard_fuzz bugs: %u (not findings)", sh->bugs);
	say("FUZZ ioctls=%u seconds=%ld findings=%u", total_ioctls(),
	    (now - t0 + 500) / 1000, sh->findings);
	if (sh->findings)
		return 1;
	return sh->bugs ? 3 : 0;
}
