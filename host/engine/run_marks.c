/* The employees whose later events wait in this run (run_internal.h). */
#include "engine/run_internal.h"

void run_marks_init(struct run_marks *m)
{
	pthread_mutex_init(&m->lock, NULL);
	for (int i = 0; i < RUN_MARKS; i++)
		strset_init(&m->sets[i]);
}

void run_marks_release(struct run_marks *m)
{
	for (int i = 0; i < RUN_MARKS; i++)
		strset_release(&m->sets[i]);
	pthread_mutex_destroy(&m->lock);
}

int run_mark(struct run_conn *conn_run, enum run_mark mark,
             const char *employee_id)
{
	struct run_marks *m = &conn_run->marks;
	int rc;

	pthread_mutex_lock(&m->lock);
	rc = strset_add(&m->sets[mark], employee_id);
	pthread_mutex_unlock(&m->lock);
	return rc;
}

bool run_marked(struct run_conn *conn_run, enum run_mark mark,
                const char *employee_id)
{
	struct run_marks *m = &conn_run->marks;
	bool has;

	pthread_mutex_lock(&m->lock);
	has = strset_has(&m->sets[mark], employee_id);
	pthread_mutex_unlock(&m->lock);
	return has;
}
