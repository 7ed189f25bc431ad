/* Saving and loading the user table (see state.h). */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SAVE_INTERVAL_MS 200

struct state_saver {
	struct store *store;
	char *path;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t wake;
	bool stop;
	unsigned long saved_generation;
	bool warned;
};

int state_load(struct store *store, const char *path)
{
	json_error_t jerr;
	json_t *users;
	char err[256];
	int rc;

	if (access(path, F_OK) != 0 && errno == ENOENT)
		return 0;
	users = json_load_file(path, 0, &jerr);
	if (!users) {
		fprintf(stderr,
		        "promapp-sim: cannot load state file '%s': %s "
		        "(line %d)\n",
		        path, jerr.text, jerr.line);
		return -1;
	}
	rc = store_load(store, users, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "promapp-sim: invalid state file '%s': %s\n",
		        path, err);
	json_decref(users);
	return rc;
}

static int write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Writes the store to path via path.tmp.PID and rename(). */
static int save_now(struct state_saver *s)
{
	char tmp[4096];
	unsigned long generation;
	size_t len;
	char *data = store_dump(s->store, &len, &generation);
	int fd, rc = -1;

	if (!data)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", s->path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		goto out_free_data;
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		close(fd);
		unlink(tmp);
		goto out_free_data;
	}
	if (close(fd) < 0 || rename(tmp, s->path) < 0) {
		unlink(tmp);
		goto out_free_data;
	}
	s->saved_generation = generation;
	rc = 0;
out_free_data:
	free(data);
	if (rc < 0 && !s->warned) {
		fprintf(stderr, "promapp-sim: cannot save state to '%s': %s\n",
		        s->path, strerror(errno));
		s->warned = true;
	}
	return rc;
}

static long elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - since->tv_sec) * 1000L +
	       (now.tv_nsec - since->tv_nsec) / 1000000L;
}

/*
 * Saves at most every SAVE_INTERVAL_MS after a change; when a save takes
 * long (a big store), waits ten times that long before the next one, so
 * saving never takes more than about a tenth of the time.
 */
static void *saver_main(void *arg)
{
	struct state_saver *s = arg;
	struct timespec until, started;
	long interval_ms = SAVE_INTERVAL_MS;

	pthread_mutex_lock(&s->mu);
	while (!s->stop) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += interval_ms / 1000;
		until.tv_nsec += (interval_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->wake, &s->mu, &until);
		if (s->stop)
			break;
		pthread_mutex_unlock(&s->mu);
		if (store_generation(s->store) != s->saved_generation) {
			clock_gettime(CLOCK_MONOTONIC, &started);
			save_now(s);
			interval_ms = 10 * elapsed_ms(&started);
			if (interval_ms < SAVE_INTERVAL_MS)
				interval_ms = SAVE_INTERVAL_MS;
		}
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

struct state_saver *state_saver_start(struct store *store, const char *path)
{
	struct state_saver *s = calloc(1, sizeof(*s));

	if (!s)
		goto out_fail;
	s->store = store;
	s->path = strdup(path);
	s->saved_generation = store_generation(store);
	if (!s->path)
		goto out_free_saver;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->wake, NULL);
	if (pthread_create(&s->thread, NULL, saver_main, s) != 0)
		goto out_destroy;
	return s;
out_destroy:
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->mu);
out_free_saver:
	free(s->path);
	free(s);
out_fail:
	fprintf(stderr, "promapp-sim: cannot start the state saver\n");
	return NULL;
}

int state_saver_stop(struct state_saver *s)
{
	int rc = 0;

	if (!s)
		return 0;
	pthread_mutex_lock(&s->mu);
	s->stop = true;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	if (store_generation(s->store) != s->saved_generation)
		rc = save_now(s);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->mu);
	free(s->path);
	free(s);
	return rc;
}
