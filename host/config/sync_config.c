/* The "sync" section (sync_config.h). */
#include "config/sync_config.h"

#include <string.h>

#define SYNC_KEYS                                                              \
	"missing, mass_change_share, mass_change_min, "                        \
	"provision_days_before_start"

void sync_config_defaults(struct sync_config *cfg)
{
	cfg->missing = SYNC_MISSING_HOLD;
	cfg->mass_change_share = 0.2;
	cfg->mass_change_min = 10;
	cfg->provision_days_before_start = 0;
}

const char *sync_missing_name(enum sync_missing m)
{
	switch (m) {
	case SYNC_MISSING_TERMINATE:
		return "terminate";
	case SYNC_MISSING_IGNORE:
		return "ignore";
	default:
		return "hold";
	}
}

static int get_int(const char *key, const json_t *val, int64_t lo, int64_t hi,
                   int64_t *out, struct path_error *err)
{
	if (!json_is_integer(val))
		return path_error_set(err, key, "\"%s\" must be an integer",
		                      key);
	if (json_integer_value(val) < lo || json_integer_value(val) > hi)
		return path_error_set(
		        err, key,
		        "\"%s\" must be between %lld and %lld, not %lld", key,
		        (long long)lo, (long long)hi,
		        (long long)json_integer_value(val));
	*out = json_integer_value(val);
	return 0;
}

static int get_missing(const json_t *val, enum sync_missing *out,
                       struct path_error *err)
{
	const char *s = json_string_value(val);

	if (s && !strcmp(s, "hold"))
		*out = SYNC_MISSING_HOLD;
	else if (s && !strcmp(s, "terminate"))
		*out = SYNC_MISSING_TERMINATE;
	else if (s && !strcmp(s, "ignore"))
		*out = SYNC_MISSING_IGNORE;
	else
		return path_error_set(err, "missing",
		                      "\"missing\" must be \"hold\", "
		                      "\"terminate\" or \"ignore\"");
	return 0;
}

int sync_config_parse(const json_t *obj, struct sync_config *cfg,
                      struct path_error *err)
{
	const char *key;
	const json_t *val;

	sync_config_defaults(cfg);
	if (!obj)
		return 0;
	if (!json_is_object(obj))
		return path_error_set(err, "", "\"sync\" must be an object");
	json_object_foreach((json_t *)obj, key, val)
	{
		if (!strcmp(key, "missing")) {
			if (get_missing(val, &cfg->missing, err))
				return -1;
		} else if (!strcmp(key, "mass_change_share")) {
			if (!json_is_number(val) ||
			    json_number_value(val) < 0 ||
			    json_number_value(val) > 1)
				return path_error_set(
				        err, key,
				        "\"mass_change_share\" must be a "
				        "number "
				        "from 0 to 1 (a share of the roster: "
				        "0.2 = 20 %%; 1 turns the guard off)");
			cfg->mass_change_share = json_number_value(val);
		} else if (!strcmp(key, "mass_change_min")) {
			if (get_int(key, val, 1, 100000000,
			            &cfg->mass_change_min, err))
				return -1;
		} else if (!strcmp(key, "provision_days_before_start")) {
			if (get_int(key, val, 0, 365,
			            &cfg->provision_days_before_start, err))
				return -1;
		} else {
			return path_error_set(err, key,
			                      "unknown key \"%s\" in \"sync\" "
			                      "(known: " SYNC_KEYS ")",
			                      key);
		}
	}
	return 0;
}
