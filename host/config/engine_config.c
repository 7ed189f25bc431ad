#include "config/engine_config.h"

#include <string.h>

void engine_config_defaults(struct engine_config *cfg)
{
	cfg->workers = 8;
	cfg->max_rps = 0;
	cfg->max_attempts = 5;
	cfg->event_deadline_ms = 120000;
	cfg->backoff_base_ms = 200;
	cfg->backoff_max_ms = 30000;
	cfg->breaker_window = 50;
	cfg->breaker_ratio = 0.5;
	cfg->call_timeout_ms = 60000;
	cfg->watchdog_grace_ms = 30000;
}

/* Reads an integer member into *out, checking [lo, hi]. */
static int get_int(const char *key, const json_t *val, int64_t lo, int64_t hi,
                   int64_t *out, struct path_error *err)
{
	if (!json_is_integer(val))
		return path_error_set(err, key, "\"%s\" must be an integer",
		                      key);
	*out = json_integer_value(val);
	if (*out < lo || *out > hi)
		return path_error_set(
		        err, key,
		        "\"%s\" must be between %lld and %lld, not %lld", key,
		        (long long)lo, (long long)hi, (long long)*out);
	return 0;
}

static int get_number(const char *key, const json_t *val, double lo, double hi,
                      double *out, struct path_error *err)
{
	if (!json_is_number(val))
		return path_error_set(err, key, "\"%s\" must be a number", key);
	*out = json_number_value(val);
	if (*out < lo || *out > hi)
		return path_error_set(err, key,
		                      "\"%s\" must be between %g and %g", key,
		                      lo, hi);
	return 0;
}

int engine_config_parse(const json_t *obj, struct engine_config *cfg,
                        struct path_error *err)
{
	const char *key;
	const json_t *val;
	int64_t v;

	engine_config_defaults(cfg);
	if (!obj)
		return 0;
	if (!json_is_object(obj))
		return path_error_set(err, "", "\"engine\" must be an object");
	json_object_foreach((json_t *)obj, key, val)
	{
		if (!strcmp(key, "workers")) {
			if (get_int(key, val, 1, 64, &v, err))
				return -1;
			cfg->workers = (int)v;
		} else if (!strcmp(key, "max_rps")) {
			if (get_number(key, val, 0, 100000, &cfg->max_rps, err))
				return -1;
		} else if (!strcmp(key, "max_attempts")) {
			if (get_int(key, val, 1, 100, &v, err))
				return -1;
			cfg->max_attempts = (int)v;
		} else if (!strcmp(key, "event_deadline_ms")) {
			if (get_int(key, val, 1, 86400000,
			            &cfg->event_deadline_ms, err))
				return -1;
		} else if (!strcmp(key, "backoff_base_ms")) {
			if (get_int(key, val, 1, 600000, &cfg->backoff_base_ms,
			            err))
				return -1;
		} else if (!strcmp(key, "backoff_max_ms")) {
			if (get_int(key, val, 1, 3600000, &cfg->backoff_max_ms,
			            err))
				return -1;
		} else if (!strcmp(key, "breaker_window")) {
			if (get_int(key, val, 1, 10000, &v, err))
				return -1;
			cfg->breaker_window = (int)v;
		} else if (!strcmp(key, "breaker_ratio")) {
			if (get_number(key, val, 0.01, 1.0, &cfg->breaker_ratio,
			               err))
				return -1;
		} else if (!strcmp(key, "call_timeout_ms")) {
			if (get_int(key, val, 100, 3600000,
			            &cfg->call_timeout_ms, err))
				return -1;
		} else if (!strcmp(key, "watchdog_grace_ms")) {
			if (get_int(key, val, 100, 3600000,
			            &cfg->watchdog_grace_ms, err))
				return -1;
		} else {
			return path_error_set(
			        err, key, "unknown key \"%s\" in \"engine\"",
			        key);
		}
	}
	if (cfg->backoff_max_ms < cfg->backoff_base_ms)
		return path_error_set(err, "backoff_max_ms",
		                      "\"backoff_max_ms\" must not be below "
		                      "\"backoff_base_ms\"");
	return 0;
}
