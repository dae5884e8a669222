// SPDX-License-Identifier: GPL-2.0
/*
 * scardctl attach and detach: serial CCID readers of the Gemalto "twin"
 * family through the scard_ccid_serial tty line discipline
 * (<linux/scard_serial.h>).
 *
 * attach finds the discipline's number, makes sure /proc/tty/ldiscs lists
 * it under our name, sets the line up (115200 8N2, raw, RTS low), selects
 * the discipline with TIOCSETD, names the model with
 * SCARD_SERIAL_IOC_ATTACH and prints the readers that appeared. Then it
 * holds the tty open until a signal, a hangup or another discipline ends
 * it. detach selects N_TTY, which closes the discipline and its readers.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <linux/scard_serial.h>

#include "scardctl.h"

#define LDISC_NAME		"scard_ccid_serial"
#define LDISC_PARAM		"/sys/module/" LDISC_NAME "/parameters/ldisc"
#define PROC_LDISCS		"/proc/tty/ldiscs"
#define SYSFS_ROOT		"/sys"
#define LDISC_NAME_LEN		64
#define MSG_LEN			(PATH_MAX + 512)
/* Readers of one tty: 5 slots at most today. */
#define MAX_TTY_READERS		16
/* The holder checks the tty's discipline at least this often. */
#define HOLD_CHECK_MS		2000
/* For a Plug-and-Play string in flight when RTS went low. */
#define PNP_SETTLE_MS		100

static const struct serial_model {
	const char *name;
	unsigned int id;
} serial_models[] = {
	{ "GemPCTwin", SCARD_SERIAL_GEMPC_TWIN },
	{ "GemPCPinPad", SCARD_SERIAL_GEMPC_PINPAD },
	{ "GemCorePOSPro", SCARD_SERIAL_GEMCORE_POS_PRO },
	{ "GemCoreSIMPro", SCARD_SERIAL_GEMCORE_SIM_PRO },
	{ "SEC1210", SCARD_SERIAL_SEC1210 },
};

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGTERM:
		return "SIGTERM";
	case SIGINT:
		return "SIGINT";
	default:
		return "SIGHUP";
	}
}

/* A failed request @op on @tty; returns the exit status for @err. */
static int tty_fail(const char *tty, const char *op, int err,
		    const char *why)
{
	if (opt.machine)
		printf("error=%s errno=%d op=%s dev=%s\n", errno_name(err), err,
		       op, tty);
	else
		fprintf(stderr, "scardctl: %s: %s: %s (%s)\n", tty, op,
			errno_name(err), why ? why : strerror(err));
	return exit_status(err);
}

/*
 * A refusal: @msg on standard error (lines after the first give advice),
 * or with -m the record of a failure of @op with @err.
 */
static int refuse(const char *tty, const char *op, int err, const char *msg)
{
	if (opt.machine)
		printf("error=%s errno=%d op=%s dev=%s\n", errno_name(err), err,
		       op, tty);
	else
		fprintf(stderr, "scardctl: %s: %s\n", tty, msg);
	return exit_status(err);
}

static const struct serial_model *find_model(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(serial_models); i++)
		if (!strcasecmp(name, serial_models[i].name))
			return &serial_models[i];
	return NULL;
}

static int bad_model(const char *name)
{
	size_t i;

	fprintf(stderr, "scardctl: attach: unknown model '%s', not one of", name);
	for (i = 0; i < ARRAY_SIZE(serial_models); i++)
		fprintf(stderr, " %s", serial_models[i].name);
	fprintf(stderr, "\n");
	return usage_hint();
}

/* "ttyS2" is /dev/ttyS2; a path is taken as it is. */
static int tty_path(const char *arg, char *buf, size_t size)
{
	int n;

	n = snprintf(buf, size, "%s%s", strchr(arg, '/') ? "" : "/dev/", arg);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* A decimal number from a sysfs file: 0, an errno, or EINVAL. */
static int read_number(const char *path, unsigned long *val)
{
	char buf[32];
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	n = read(fd, buf, sizeof(buf) - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return err;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return parse_uint(buf, ULONG_MAX, val) ? 0 : EINVAL;
}

/*
 * The name under which @path (/proc/tty/ldiscs: "name number" lines)
 * lists discipline @num: 0 with @name filled, ENOENT if it is not listed,
 * or the errno of opening the file.
 */
static int ldisc_owner(const char *path, int num, char *name, size_t size)
{
	char line[128], ln[LDISC_NAME_LEN];
	int err = ENOENT;
	FILE *f;
	int n;

	f = fopen(path, "re");
	if (!f)
		return errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %d", ln, &n) != 2 || n != num)
			continue;
		snprintf(name, size, "%s", ln);
		err = 0;
		break;
	}
	fclose(f);
	return err;
}

/* The registered name of discipline @num, "?" if none. */
static const char *ldisc_label(int num, char *name, size_t size)
{
	if (ldisc_owner(PROC_LDISCS, num, name, size))
		snprintf(name, size, "?");
	return name;
}

/* modprobe scard_ccid_serial: /sbin/modprobe, else modprobe in PATH. */
static void run_modprobe(void)
{
	static char *const args[] = { "modprobe", LDISC_NAME, NULL };
	int status, ret;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return;
	if (!pid) {
		execv("/sbin/modprobe", args);
		execvp("modprobe", args);
		_exit(127);
	}
	do {
		ret = waitpid(pid, &status, 0);
	} while (ret < 0 && errno == EINTR);
}

/*
 * The discipline's number: --ldisc, else the module's parameter, else the
 * default. With @load, modprobe the module first if it is not loaded.
 * @param is the parameter's value, or -1 if it could not be read.
 */
static int ldisc_number(bool load, long *param)
{
	unsigned long v;

	if (load && access(LDISC_PARAM, F_OK))
		run_modprobe();
	*param = -1;
	if (!read_number(LDISC_PARAM, &v) && v <= INT_MAX)
		*param = v;
	if (opt.ldisc >= 0)
		return opt.ldisc;
	return *param >= 0 ? *param : SCARD_SERIAL_LDISC_DEFAULT;
}

/*
 * Attach only to a number that /proc/tty/ldiscs lists as ours: two
 * modules registering the same number replace each other silently, and
 * the number of one that is missing would autoload whatever owns it.
 */
static int check_ldisc(const char *tty, int num, long param)
{
	char name[LDISC_NAME_LEN], msg[MSG_LEN];
	int err;

	err = ldisc_owner(PROC_LDISCS, num, name, sizeof(name));
	if (!err && !strcmp(name, LDISC_NAME))
		return 0;
	if (!err) {
		snprintf(msg, sizeof(msg),
			 "line discipline %d is registered by \"%s\", not by "
			 LDISC_NAME ": not attaching.\n"
			 "Modules that register the same number replace each other's\n"
			 "registration silently. Give " LDISC_NAME " a number that no\n"
			 "other module of this system uses (\"options " LDISC_NAME
			 " ldisc=N\"\nin /etc/modprobe.d/) and load it again.",
			 num, name);
		return refuse(tty, "ldiscs", EBUSY, msg);
	}
	if (err != ENOENT) {
		snprintf(msg, sizeof(msg), "cannot check the line discipline: "
			 PROC_LDISCS ": %s", strerror(err));
		return refuse(tty, "ldiscs", err, msg);
	}
	if (param < 0)
		snprintf(msg, sizeof(msg),
			 "line discipline %d is not registered (" PROC_LDISCS "):\n"
			 "the module is not loaded and \"modprobe " LDISC_NAME
			 "\" did not load it.", num);
	else if (param != num)
		snprintf(msg, sizeof(msg),
			 "line discipline %d is not registered (" PROC_LDISCS "):\n"
			 LDISC_NAME " uses %ld (its ldisc parameter).",
			 num, param);
	else
		snprintf(msg, sizeof(msg),
			 "line discipline %d is not registered (" PROC_LDISCS "):\n"
			 "although " LDISC_NAME " is loaded: see the kernel log.",
			 num);
	return refuse(tty, "ldiscs", EOPNOTSUPP, msg);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = ms % 1000 * 1000000L,
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		continue;
}

/*
 * The line of a twin reader: 115200 8N2, raw, no flow control, RTS low (a
 * reader sends a Plug-and-Play string while RTS is high), both directions
 * flushed. Returns 0 or the exit status.
 */
static int set_line(int fd, const char *tty)
{
	int rts = TIOCM_RTS, flags;
	struct termios tio;

	if (tcgetattr(fd, &tio))
		return tty_fail(tty, "tcgetattr", errno, NULL);
	tio.c_iflag = IGNBRK | IGNPAR;
	tio.c_oflag = 0;
	tio.c_lflag = 0;
	tio.c_cflag = CS8 | CSTOPB | CREAD | CLOCAL;
	memset(tio.c_cc, 0, sizeof(tio.c_cc));
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	if (cfsetispeed(&tio, B115200) || cfsetospeed(&tio, B115200) ||
	    tcsetattr(fd, TCSANOW, &tio))
		return tty_fail(tty, "tcsetattr", errno, NULL);
	if (tcgetattr(fd, &tio))
		return tty_fail(tty, "tcgetattr", errno, NULL);
	if (cfgetospeed(&tio) != B115200 || cfgetispeed(&tio) != B115200)
		return tty_fail(tty, "tcsetattr", EINVAL,
				"the port cannot run at 115200 baud");
	if ((tio.c_cflag & (CSIZE | CSTOPB | PARENB)) != (CS8 | CSTOPB))
		fprintf(stderr, "scardctl: %s: warning: the port did not keep 8N2\n",
			tty);

	/* CLOCAL is set: the open no longer needs O_NONBLOCK. */
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK))
		return tty_fail(tty, "fcntl", errno, NULL);

	if (ioctl(fd, TIOCMBIC, &rts) && errno != ENOTTY && errno != EINVAL)
		return tty_fail(tty, "TIOCMBIC", errno, NULL);
	sleep_ms(PNP_SETTLE_MS);
	if (tcflush(fd, TCIOFLUSH))
		return tty_fail(tty, "tcflush", errno, NULL);
	return 0;
}

/* Back to N_TTY if @num is still the tty's discipline: this closes it. */
static void release_ldisc(int fd, int num)
{
	int ld, n_tty = N_TTY;

	if (!ioctl(fd, TIOCGETD, &ld) && ld == num)
		ioctl(fd, TIOCSETD, &n_tty);
}

static const char *setd_hint(int err)
{
	switch (err) {
	case EINVAL:
		return "the line discipline is not registered";
	case EPERM:
		return LDISC_NAME " needs CAP_SYS_ADMIN";
	case ENODEV:
		return "the tty has no device to be the readers' parent (a pty?)";
	case EOPNOTSUPP:
		return "the tty cannot be written to";
	case EIO:
		return "the tty hung up";
	default:
		return NULL;
	}
}

static const char *attach_hint(int err)
{
	switch (err) {
	case EINVAL:
		return "the discipline does not know this model";
	case EBUSY:
		return "a reader is attached to this tty already";
	case ENODEV:
		return "the tty hung up";
	case ETIMEDOUT:
		return "nothing answers: is the reader plugged in and powered?";
	case ENOTTY:
		return "the tty's discipline is not " LDISC_NAME;
	default:
		return NULL;
	}
}

/*
 * Select discipline @num on the tty and attach @model. Returns 0 or the
 * exit status; on failure the tty is back on N_TTY.
 */
static int attach_ldisc(int fd, const char *tty, int num,
			const struct serial_model *model)
{
	struct scard_serial_attach at = { .model = model->id };
	char name[LDISC_NAME_LEN], msg[MSG_LEN];
	int cur, err, ret;

	/* Not isatty(): TCGETS depends on the discipline, TIOCGETD not. */
	if (ioctl(fd, TIOCGETD, &cur)) {
		err = errno;
		return tty_fail(tty, "TIOCGETD", err, err == ENOTTY ?
				"not a tty" : NULL);
	}
	if (cur == num) {
		snprintf(msg, sizeof(msg),
			 "attached already (line discipline %d), by another \"scardctl attach\"?\n"
			 "\"scardctl detach %s\" detaches it.", num, tty);
		return refuse(tty, "TIOCGETD", EBUSY, msg);
	}
	if (cur != N_TTY) {
		snprintf(msg, sizeof(msg),
			 "in use with line discipline %d (%s), not N_TTY: not replacing it.",
			 cur, ldisc_label(cur, name, sizeof(name)));
		return refuse(tty, "TIOCGETD", EBUSY, msg);
	}

	ret = set_line(fd, tty);
	if (ret)
		return ret;
	if (ioctl(fd, TIOCSETD, &num)) {
		err = errno;
		return tty_fail(tty, "TIOCSETD", err, setd_hint(err));
	}
	if (ioctl(fd, SCARD_SERIAL_IOC_ATTACH, &at)) {
		err = errno;
		/* EBUSY: someone else's attachment; leave it alone. */
		if (err != EBUSY)
			release_ldisc(fd, num);
		return tty_fail(tty, "SCARD_SERIAL_IOC_ATTACH", err,
				attach_hint(err));
	}
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/*
 * The N of every @sysfs/class/misc/scardN whose "device" is the tty
 * @rdev (@sysfs/dev/char/MAJOR:MINOR), sorted, at most @max. Returns how
 * many, or -errno if the tty has no sysfs device.
 */
static int tty_readers(const char *sysfs, dev_t rdev, int *idx, int max)
{
	char path[PATH_MAX], ttydir[PATH_MAX], dir[PATH_MAX];
	struct dirent *de;
	int n = 0, i;
	DIR *d;

	snprintf(path, sizeof(path), "%s/dev/char/%u:%u", sysfs, major(rdev),
		 minor(rdev));
	if (!realpath(path, ttydir))
		return -errno;
	snprintf(path, sizeof(path), "%s/class/misc", sysfs);
	d = opendir(path);
	if (!d)
		return -errno;
	while (n < max && (de = readdir(d))) {
		i = reader_index(de->d_name);
		if (i < 0)
			continue;
		snprintf(path, sizeof(path), "%s/class/misc/%s/device", sysfs,
			 de->d_name);
		if (realpath(path, dir) && !strcmp(dir, ttydir))
			idx[n++] = i;
	}
	closedir(d);
	qsort(idx, n, sizeof(*idx), cmp_int);
	return n;
}

static void print_attached(int fd, const char *tty, int num,
			   const struct serial_model *model)
{
	int idx[MAX_TTY_READERS], i, n = -ENODEV;
	char dev[PATH_LEN], name[128];
	struct stat st;

	if (!fstat(fd, &st))
		n = tty_readers(SYSFS_ROOT, st.st_rdev, idx, ARRAY_SIZE(idx));
	if (opt.machine)
		printf("attach=ok tty=%s model=%s ldisc=%d readers=%d\n", tty,
		       model->name, num, n < 0 ? 0 : n);
	else
		printf("%s: %s attached, line discipline %d\n", tty,
		       model->name, num);
	for (i = 0; i < n; i++) {
		snprintf(dev, sizeof(dev), DEV_PREFIX "%d", idx[i]);
		if (read_sysfs(dev, "reader_name", name, sizeof(name)))
			name[0] = '\0';
		if (opt.machine) {
			printf("reader=%d dev=%s name=", idx[i], dev);
			print_enc(name, strlen(name));
			printf("\n");
		} else if (name[0]) {
			printf("%-14s %s\n", dev, name);
		} else {
			printf("%s\n", dev);
		}
	}
	if (n <= 0)
		fprintf(stderr, "scardctl: %s: warning: no /dev/scardN found for it in "
			SYSFS_MISC "\n", tty);
}

/* @path relative to the current directory made absolute. */
static int absolute_path(const char *path, char *buf, size_t size)
{
	char cwd[PATH_MAX];
	int n;

	if (path[0] == '/')
		n = snprintf(buf, size, "%s", path);
	else if (getcwd(cwd, sizeof(cwd)))
		n = snprintf(buf, size, "%s/%s", cwd, path);
	else
		return -1;
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static int pidfile_fail(const char *tty, const char *path, int err)
{
	char msg[MSG_LEN];

	snprintf(msg, sizeof(msg), "%s: %s", path, strerror(err));
	return tty_fail(tty, "pidfile", err, msg);
}

static int write_pidfile(const char *path)
{
	char buf[24];
	int fd, len, err = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd < 0)
		return errno;
	len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write(fd, buf, len) != len)
		err = errno ? errno : EIO;
	if (close(fd) && !err)
		err = errno;
	return err;
}

/* Remove the pid file if it still holds our pid. */
static void remove_pidfile(const char *path)
{
	unsigned long pid;
	char buf[24];
	ssize_t n;
	int fd;

	if (!path)
		return;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	if (parse_uint(buf, ULONG_MAX, &pid) && pid == (unsigned long)getpid())
		unlink(path);
}

/* The daemon's current directory and standard streams; 0 or -1. */
static int daemon_stdio(void)
{
	int null, ret = 0;

	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0)
		return -1;
	if (chdir("/") || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
	    dup2(null, 2) < 0)
		ret = -1;
	if (null > 2)
		close(null);
	return ret;
}

/*
 * Go to the background. The child starts a session, writes the pid file,
 * leaves the current directory and standard streams, and tells the parent,
 * which reports and exits. Returns -1 in the child, the parent's exit
 * status in the parent.
 */
static int go_background(int fd, const char *tty, int num,
			 const char *pidfile)
{
	unsigned char status = SC_OTHER;
	int pipefd[2], err;
	pid_t pid;

	fflush(stdout);
	if (pipe2(pipefd, O_CLOEXEC))
		return tty_fail(tty, "pipe", errno, NULL);
	pid = fork();
	if (pid < 0) {
		err = errno;
		release_ldisc(fd, num);
		return tty_fail(tty, "fork", err, NULL);
	}
	if (pid) {
		close(pipefd[1]);
		if (read(pipefd[0], &status, 1) != 1)
			status = SC_OTHER;
		if (status == SC_OK && opt.machine)
			printf("hold=background pid=%d\n", (int)pid);
		else if (status == SC_OK)
			printf("%s: held by process %d in the background\n",
			       tty, (int)pid);
		return status;
	}

	close(pipefd[0]);
	setsid();
	status = SC_OK;
	err = pidfile ? write_pidfile(pidfile) : 0;
	if (err)
		status = pidfile_fail(tty, pidfile, err);
	else if (daemon_stdio())
		status = tty_fail(tty, "daemon", errno, NULL);
	if (write(pipefd[1], &status, 1) != 1 || status != SC_OK) {
		remove_pidfile(pidfile);
		release_ldisc(fd, num);
		_exit(status);
	}
	close(pipefd[1]);
	return -1;
}

/*
 * Hold the tty until a stop signal of @stop (back to N_TTY), a hangup or
 * another discipline. Our discipline reports EPOLLHUP only (its readers
 * are gone), but ask for POLLIN and POLLOUT too: a change of discipline
 * wakes the tty's pollers, and N_TTY then reports POLLOUT at once. Should
 * the discipline report one of them, it is asked for no more, so as not
 * to spin. The periodic check covers a wake-up that never comes.
 */
static int hold(int fd, const char *tty, int num, const sigset_t *stop)
{
	struct pollfd pfd[2] = {
		{ .fd = fd, .events = POLLIN | POLLOUT },
		{ .events = POLLIN },
	};
	struct signalfd_siginfo si;
	const char *why, *reason;
	int ld, ret;

	pfd[1].fd = signalfd(-1, stop, SFD_CLOEXEC);
	if (pfd[1].fd < 0) {
		ret = errno;
		release_ldisc(fd, num);
		return tty_fail(tty, "signalfd", ret, NULL);
	}
	for (;;) {
		ret = poll(pfd, ARRAY_SIZE(pfd), HOLD_CHECK_MS);
		if (ret < 0 && errno != EINTR) {
			ret = errno;
			release_ldisc(fd, num);
			close(pfd[1].fd);
			return tty_fail(tty, "poll", ret, NULL);
		}
		if (ret > 0 && pfd[1].revents) {
			if (read(pfd[1].fd, &si, sizeof(si)) != sizeof(si))
				si.ssi_signo = SIGTERM;
			release_ldisc(fd, num);
			reason = "signal";
			why = signal_name(si.ssi_signo);
			break;
		}
		if (ret > 0 &&
		    (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))) {
			release_ldisc(fd, num);
			reason = "hangup";
			why = "hung up";
			break;
		}
		if (ioctl(fd, TIOCGETD, &ld)) {
			reason = "hangup";
			why = "hung up";
			break;
		}
		if (ld != num) {
			reason = "ldisc";
			why = "another line discipline was selected";
			break;
		}
		if (ret > 0)
			pfd[0].events &= ~pfd[0].revents;
	}
	close(pfd[1].fd);
	if (opt.machine)
		printf("release=%s tty=%s\n", reason, tty);
	else
		printf("%s: detached (%s)\n", tty, why);
	return SC_OK;
}

int cmd_attach(int argc, char **argv)
{
	char tty[PATH_MAX], pidbuf[PATH_MAX];
	const struct serial_model *model = &serial_models[0];
	const char *pidfile = NULL;
	sigset_t stop;
	struct stat st;
	int fd, num, ret;
	long param;

	if (argc < 1 || argc > 2)
		return usage_error("attach: TTY [MODEL] expected");
	if (opt.dev_given)
		return usage_error("attach: -r and -d do not apply");
	if (argc == 2) {
		model = find_model(argv[1]);
		if (!model)
			return bad_model(argv[1]);
	}
	if (tty_path(argv[0], tty, sizeof(tty)))
		return usage_error("attach: TTY name too long");
	if (opt.pidfile) {
		if (absolute_path(opt.pidfile, pidbuf, sizeof(pidbuf)))
			return usage_error("attach: bad pid file '%s'",
					   opt.pidfile);
		pidfile = pidbuf;
	}
	if (stat(tty, &st))
		return tty_fail(tty, "stat", errno, NULL);
	if (!S_ISCHR(st.st_mode))
		return tty_fail(tty, "stat", ENOTTY, "not a character device");

	num = ldisc_number(true, &param);
	ret = check_ldisc(tty, num, param);
	if (ret)
		return ret;

	/* Blocked: the holder reads them from a signalfd, even early ones. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, NULL);

	/* O_NONBLOCK: no wait for carrier before CLOCAL is set. */
	fd = open(tty, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return tty_fail(tty, "open", errno, NULL);
	ret = attach_ldisc(fd, tty, num, model);
	if (ret) {
		close(fd);
		return ret;
	}
	print_attached(fd, tty, num, model);

	if (!opt.foreground) {
		ret = go_background(fd, tty, num, pidfile);
		if (ret >= 0) {
			close(fd);
			return ret;
		}
	} else {
		if (pidfile) {
			ret = write_pidfile(pidfile);
			if (ret) {
				release_ldisc(fd, num);
				close(fd);
				return pidfile_fail(tty, pidfile, ret);
			}
		}
		if (opt.machine)
			printf("hold=foreground pid=%d\n", (int)getpid());
		else
			printf("%s: held by process %d\n", tty, (int)getpid());
	}
	ret = hold(fd, tty, num, &stop);
	remove_pidfile(pidfile);
	close(fd);
	return ret;
}

int cmd_detach(int argc, char **argv)
{
	char tty[PATH_MAX], name[LDISC_NAME_LEN], msg[MSG_LEN];
	int fd, cur, num, n_tty = N_TTY;
	long param;

	if (argc != 1)
		return usage_error("detach: TTY expected");
	if (opt.dev_given)
		return usage_error("detach: -r and -d do not apply");
	if (tty_path(argv[0], tty, sizeof(tty)))
		return usage_error("detach: TTY name too long");
	num = ldisc_number(false, &param);

	fd = open(tty, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return tty_fail(tty, "open", errno, NULL);
	if (ioctl(fd, TIOCGETD, &cur)) {
		cur = errno;
		close(fd);
		return tty_fail(tty, "TIOCGETD", cur, cur == ENOTTY ?
				"not a tty" : NULL);
	}
	if (cur != num ||
	    (!ldisc_owner(PROC_LDISCS, cur, name, sizeof(name)) &&
	     strcmp(name, LDISC_NAME))) {
		close(fd);
		if (opt.machine)
			printf("detach=none tty=%s ldisc=%d\n", tty, cur);
		else
			fprintf(stderr, "scardctl: %s: not attached (line discipline %d, %s)\n",
				tty, cur, ldisc_label(cur, name, sizeof(name)));
		return SC_USAGE;
	}
	if (ioctl(fd, TIOCSETD, &n_tty)) {
		cur = errno;
		close(fd);
		snprintf(msg, sizeof(msg), "back to N_TTY: %s", strerror(cur));
		return tty_fail(tty, "TIOCSETD", cur, msg);
	}
	close(fd);
	if (opt.machine)
		printf("detach=ok tty=%s ldisc=%d\n", tty, num);
	else
		printf("%s: detached (line discipline %d closed, N_TTY)\n", tty,
		       num);
	return SC_OK;
}
