/* The notify command: a program run without a shell, the notification on
 * its standard input and in a small environment of its own (never
 * provhost's, which may hold secrets in {"env"} variables). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/notify.h"
#include "util/clock.h"

#define ENV_MAX 24

/* env, then the few variables a program needs to run, from ours. */
static void build_env(char *const env[], char **out)
{
	static const char *const keep[] = {"HOME", "LANG", "LC_ALL", "TZ"};
	static char default_path[] = "PATH=/usr/local/bin:/usr/bin:/bin";
	size_t n = 0, i;

	for (i = 0; env && env[i] && n < ENV_MAX - 7; i++)
		out[n++] = env[i];
	out[n++] = default_path;
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		static char buf[4][512];
		const char *v = getenv(keep[i]);

		if (v && strlen(v) < 400) {
			snprintf(buf[i], sizeof(buf[i]), "%s=%s", keep[i], v);
			out[n++] = buf[i];
		}
	}
	out[n] = NULL;
}

/* Writes all of body to fd (non-blocking) until deadline. */
static int feed(int fd, const char *body, int64_t deadline)
{
	size_t len = strlen(body), off = 0;
	ssize_t w;

	while (off < len) {
		w = write(fd, body + off, len - off);
		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return -1; /* EPIPE: it did not read; not an error */
		if (clock_mono_ms() > deadline)
			return -1;
		clock_sleep_ms(5);
	}
	return 0;
}

int notify_command_run(char *const argv[], const char *body, char *const env[],
                       int timeout_ms, char *why, size_t why_len)
{
	posix_spawn_file_actions_t fa;
	char *envp[ENV_MAX];
	int64_t deadline = clock_mono_ms() + timeout_ms;
	int fds[2], status = 0, err;
	pid_t pid, r;

	if (pipe2(fds, O_CLOEXEC)) {
		snprintf(why, why_len, "cannot make a pipe: %s",
		         strerror(errno));
		return -1;
	}
	build_env(env, envp);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	err = posix_spawn(&pid, argv[0], &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[0]);
	if (err) {
		close(fds[1]);
		snprintf(why, why_len, "cannot run %s: %s", argv[0],
		         strerror(err));
		return -1;
	}
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	feed(fds[1], body, deadline);
	close(fds[1]);
	while ((r = waitpid(pid, &status, WNOHANG)) == 0 &&
	       clock_mono_ms() < deadline)
		clock_sleep_ms(10);
	if (r == 0) {
		kill(pid, SIGKILL); /* the child we started, by its pid */
		waitpid(pid, &status, 0);
		snprintf(why, why_len, "%s did not finish within %d s; killed",
		         argv[0], timeout_ms / 1000);
		return -1;
	}
	if (r < 0) {
		snprintf(why, why_len, "cannot wait for %s: %s", argv[0],
		         strerror(errno));
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		snprintf(why, why_len, "%s exited with status %d", argv[0],
		         WEXITSTATUS(status));
	else
		snprintf(why, why_len, "%s was ended by signal %d", argv[0],
		         WTERMSIG(status));
	return -1;
}
