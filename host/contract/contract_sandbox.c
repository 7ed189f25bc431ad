/* Running one connector call in a forked child that may not do I/O.
 *
 * The child installs a seccomp filter that traps (SIGSYS) the system calls
 * a connector would need to touch a file or the network — open, creat,
 * socket, connect, rename, unlink, mkdir, exec — and reports the first one
 * through a pipe. Memory, clocks, writes to already open descriptors (the
 * log on stderr, the pipe) stay allowed. So "validate_config does no I/O"
 * and "bad input is rejected before any request" are checked, not assumed,
 * and a crash or hang costs the child, not the runner.
 *
 * The child leaves with _exit: no atexit handlers, no stdio flush of the
 * parent's buffers, no LeakSanitizer pass over memory it inherited.
 */
#include "contract/contract.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/clock.h"

enum { MSG_RETURNED = 1, MSG_TRAPPED = 2 };

struct sandbox_msg {
	int32_t tag;
	int32_t io_checked;
	int32_t syscall_nr;
	struct contract_outcome out;
};

static const struct {
	long nr;
	const char *name;
} trapped[] = {
#ifdef __NR_open
        {__NR_open, "open"},
#endif
#ifdef __NR_creat
        {__NR_creat, "creat"},
#endif
#ifdef __NR_rename
        {__NR_rename, "rename"},
#endif
#ifdef __NR_unlink
        {__NR_unlink, "unlink"},
#endif
#ifdef __NR_mkdir
        {__NR_mkdir, "mkdir"},
#endif
#ifdef __NR_openat2
        {__NR_openat2, "openat2"},
#endif
#ifdef __NR_renameat2
        {__NR_renameat2, "renameat2"},
#endif
#ifdef __NR_renameat
        {__NR_renameat, "renameat"},
#endif
        {__NR_openat, "openat"},       {__NR_socket, "socket"},
        {__NR_connect, "connect"},     {__NR_unlinkat, "unlinkat"},
        {__NR_mkdirat, "mkdirat"},     {__NR_execve, "execve"},
        {__NR_execveat, "execveat"},
};

#define N_TRAPPED (sizeof trapped / sizeof trapped[0])

static int sandbox_fd = -1;
static pid_t sandbox_pid;

static const char *syscall_name(long nr)
{
	for (size_t i = 0; i < N_TRAPPED; i++)
		if (trapped[i].nr == nr)
			return trapped[i].name;
	return "a file or network call";
}

/* SIGSYS from the filter: report the call and end the child. A process the
 * child started (a sanitizer's symbolizer) ends quietly instead. */
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	struct sandbox_msg m;

	(void)sig;
	(void)uc;
	if ((pid_t)syscall(SYS_getpid) != sandbox_pid)
		_exit(127);
	memset(&m, 0, sizeof m);
	m.tag = MSG_TRAPPED;
	m.io_checked = 1;
	m.syscall_nr = si->si_syscall;
	if (write(sandbox_fd, &m, sizeof m) < 0)
		_exit(126);
	_exit(0);
}

/* Installs the filter; returns 0, or -1 when the kernel refuses it. */
static int install_filter(void)
{
	struct sock_filter prog[2 + 2 * N_TRAPPED + 1];
	struct sock_fprog fprog;
	struct sigaction sa;
	size_t k = 0;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	if (sigaction(SIGSYS, &sa, NULL) != 0)
		return -1;
	prog[k++] = (struct sock_filter)BPF_STMT(
	        BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	for (size_t i = 0; i < N_TRAPPED; i++) {
		prog[k++] = (struct sock_filter)BPF_JUMP(
		        BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)trapped[i].nr, 0,
		        1);
		prog[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
		                                         SECCOMP_RET_TRAP);
	}
	prog[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	                                         SECCOMP_RET_ALLOW);
	fprog.len = (unsigned short)k;
	fprog.filter = prog;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) != 0 ? -1 : 0;
}

static void child_main(int fd, contract_sandboxed_fn fn, void *ctx)
{
	struct sandbox_msg m;

	sandbox_fd = fd;
	sandbox_pid = (pid_t)syscall(SYS_getpid);
	memset(&m, 0, sizeof m);
	m.tag = MSG_RETURNED;
	m.io_checked = install_filter() == 0;
	fn(ctx, &m.out);
	m.out.message[sizeof m.out.message - 1] = '\0';
	if (write(fd, &m, sizeof m) < 0)
		_exit(126);
	_exit(0);
}

/* Reads one message, waiting at most timeout_ms. Returns 1 when read, 0 on
 * end of file, -1 on timeout. */
static int read_msg(int fd, struct sandbox_msg *m, int timeout_ms)
{
	int64_t until = clock_mono_ms() + timeout_ms;
	size_t got = 0;

	while (got < sizeof *m) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int64_t left = until - clock_mono_ms();
		ssize_t n;

		if (left <= 0)
			return -1;
		if (poll(&p, 1, (int)left) <= 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		n = read(fd, (char *)m + got, sizeof *m - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		got += (size_t)n;
	}
	return 1;
}

int contract_sandbox_run(contract_sandboxed_fn fn, void *ctx, int timeout_ms,
                         struct contract_outcome *out, int *io_checked,
                         char *why, size_t why_len)
{
	struct sandbox_msg m;
	int fds[2], status = 0, got;
	pid_t pid;

	memset(out, 0, sizeof *out);
	*io_checked = 0;
	if (pipe2(fds, O_CLOEXEC) != 0) {
		snprintf(why, why_len, "cannot create a pipe: %s",
		         strerror(errno));
		return -1;
	}
	fflush(NULL); /* nothing buffered may be written twice */
	pid = fork();
	if (pid < 0) {
		snprintf(why, why_len, "cannot fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		child_main(fds[1], fn, ctx);
	}
	close(fds[1]);
	memset(&m, 0, sizeof m);
	got = read_msg(fds[0], &m, timeout_ms);
	close(fds[0]);
	if (got < 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	*io_checked = got > 0 && m.io_checked;
	if (got > 0 && m.tag == MSG_TRAPPED) {
		snprintf(why, why_len, "did I/O (%s)",
		         syscall_name(m.syscall_nr));
		return -1;
	}
	if (got > 0 && m.tag == MSG_RETURNED) {
		*out = m.out;
		return 0;
	}
	if (got < 0)
		snprintf(why, why_len, "did not return within %d ms",
		         timeout_ms);
	else if (WIFSIGNALED(status))
		snprintf(why, why_len, "crashed with signal %d (%s)",
		         WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(why, why_len, "ended the process (exit status %d)",
		         WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return -1;
}
