/* Request statistics (see stats.h). */
#include "stats.h"

#include "buf.h"

#include <string.h>

static const char *const method_names[STATS_N_METHODS] = {
        "GET", "POST", "PUT", "PATCH", "DELETE", "OTHER",
};

void stats_init(struct stats *s)
{
	size_t i;

	atomic_init(&s->total, 0);
	for (i = 0; i < STATS_N_METHODS; i++)
		atomic_init(&s->by_method[i], 0);
	for (i = 0; i < STATS_N_STATUS; i++)
		atomic_init(&s->by_status[i], 0);
	atomic_init(&s->dropped, 0);
	atomic_init(&s->connections, 0);
	atomic_init(&s->max_connections, 0);
}

void stats_count_request(struct stats *s, const char *method)
{
	size_t i;

	atomic_fetch_add_explicit(&s->total, 1, memory_order_relaxed);
	for (i = 0; i < STATS_OTHER; i++)
		if (strcmp(method, method_names[i]) == 0)
			break;
	atomic_fetch_add_explicit(&s->by_method[i], 1, memory_order_relaxed);
}

void stats_count_status(struct stats *s, unsigned status)
{
	if (status < STATS_N_STATUS)
		atomic_fetch_add_explicit(&s->by_status[status], 1,
		                          memory_order_relaxed);
}

void stats_count_drop(struct stats *s)
{
	atomic_fetch_add_explicit(&s->dropped, 1, memory_order_relaxed);
}

void stats_connection_opened(struct stats *s)
{
	long now = atomic_fetch_add(&s->connections, 1) + 1;
	long max = atomic_load(&s->max_connections);

	while (now > max &&
	       !atomic_compare_exchange_weak(&s->max_connections, &max, now))
		;
}

void stats_connection_closed(struct stats *s)
{
	atomic_fetch_sub(&s->connections, 1);
}

void stats_reset(struct stats *s)
{
	size_t i;

	atomic_store(&s->total, 0);
	for (i = 0; i < STATS_N_METHODS; i++)
		atomic_store(&s->by_method[i], 0);
	for (i = 0; i < STATS_N_STATUS; i++)
		atomic_store(&s->by_status[i], 0);
	atomic_store(&s->dropped, 0);
	atomic_store(&s->max_connections, atomic_load(&s->connections));
}

char *stats_render(struct stats *s, size_t *len)
{
	struct sbuf b = SBUF_INIT;
	unsigned long v;
	const char *sep = "";
	size_t i;

	sbuf_printf(&b, "{\"total\":%lu,\"requests_by_method\":{",
	            atomic_load(&s->total));
	for (i = 0; i < STATS_N_METHODS; i++) {
		v = atomic_load(&s->by_method[i]);
		if (!v && i == STATS_OTHER)
			continue;
		sbuf_printf(&b, "%s\"%s\":%lu", sep, method_names[i], v);
		sep = ",";
	}
	sbuf_puts(&b, "},\"requests_by_status\":{");
	sep = "";
	for (i = 0; i < STATS_N_STATUS; i++) {
		v = atomic_load(&s->by_status[i]);
		if (!v)
			continue;
		sbuf_printf(&b, "%s\"%zu\":%lu", sep, i, v);
		sep = ",";
	}
	sbuf_printf(&b,
	            "},\"max_concurrent_connections\":%ld,\"dropped\":%lu}\n",
	            atomic_load(&s->max_connections), atomic_load(&s->dropped));
	return sbuf_finish(&b, len);
}
