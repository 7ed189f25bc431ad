/* promapp-sim command-line parsing (see options.h). */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_MAX_BODY  (1024 * 1024)
#define DEFAULT_MAX_COUNT 1000

static const char usage_text[] =
        "usage: promapp-sim (--token TOKEN | --token-file FILE) [options]\n"
        "  --port N                 TCP port on 127.0.0.1 (0: pick a free "
        "one)\n"
        "  --token TOKEN            bearer token with the SCIM scope\n"
        "  --token-file FILE        read that token from FILE's first line\n"
        "  --scopeless-token TOKEN  valid token without the SCIM scope (403)\n"
        "  --roles A,B,C            role names that exist (case-sensitive)\n"
        "  --discovery              serve /ServiceProviderConfig, /Schemas,\n"
        "                           /ResourceTypes (Promapp has none)\n"
        "  --latency-ms N[:J]       delay every SCIM answer N ms (+0..J ms)\n"
        "  --rate-limit RPS[:BURST] token bucket (RPS may be 0.5); empty -> "
        "429\n"
        "  --fail-every N           every Nth SCIM request -> 503\n"
        "  --fail-from N            the Nth SCIM request and all later -> 503\n"
        "  --fail-retry-after S     Retry-After of those 503s (default 1,\n"
        "                           0: no Retry-After header)\n"
        "  --drop-every N           every Nth SCIM request: close, no answer\n"
        "  --seed N                 seed for the latency jitter\n"
        "  --state FILE             load users from FILE, save them back\n"
        "  --threads N              worker threads (default: CPU count)\n"
        "  --max-body BYTES         largest request body (default 1 MiB)\n"
        "  --max-count N            largest page size (default 1000)\n"
        "  --hostile-writes MODE    answer every write with a hostile 400:\n"
        "                           echo-token:N (detail echoes the bearer\n"
        "                           token after N+k pad bytes, k = 0,1,2...\n"
        "                           per answer) or bad-utf8 (invalid UTF-8)\n"
        "  --max-page-size N        return at most N users per page, whatever\n"
        "                           count asked (not advertised)\n"
        "  --repeat-first-page-past-end  a startIndex past the last user\n"
        "                           returns page 1 again\n"
        "  --total-results-skew N   report totalResults off by N (may be < 0)\n"
        "  --case-sensitive-filter  userName eq compares case-sensitively\n"
        "                           (uniqueness stays case-insensitive)\n"
        "  --hostile-lists MODE     misanswer GET /Users: for filter queries\n"
        "                           count0 (no count given: a page of 0),\n"
        "                           total-plus:N (totalResults N too high),\n"
        "                           empty (no resources, true total); for\n"
        "                           every list bad-json (invalid JSON) or\n"
        "                           deep-json:N (N nested arrays)\n"
        "  --me USERNAME            GET /Me answers the user USERNAME (the\n"
        "                           token's own account, RFC 7644 3.11)\n"
        "  --blind-lists            a GET /Users without a filter lists\n"
        "                           nothing (a token without read scope)\n"
        "  --no-etags               no ETag headers; If-Match is ignored\n"
        "  --window-limit N:S       at most N SCIM requests per fixed window\n"
        "                           of S seconds (then 429 without\n"
        "                           Retry-After), announced in\n"
        "                           X-RateLimit-Limit/-Remaining/-Reset\n"
        "  --ietf-rate-headers      ... as RateLimit-Limit/-Remaining/-Reset\n"
        "  --rate-reset-epoch       ... with Reset as a Unix time (GitHub)\n";

static int usage_error(const char *fmt, ...)
        __attribute__((format(printf, 1, 2)));

/* Prints "promapp-sim: MESSAGE" and the usage; returns exit status 2. */
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("promapp-sim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n", stderr);
	fputs(usage_text, stderr);
	return 2;
}

/* Parses a decimal number in [min, max]; returns false when it is not one. */
static bool parse_ulong(const char *s, unsigned long min, unsigned long max,
                        unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* "N" or "N:M" with both parts unsigned in [0, max]. */
static bool parse_pair(const char *s, unsigned long max, unsigned long *a,
                       unsigned long *b, bool *has_b)
{
	char head[32];
	const char *colon = strchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : strlen(s);

	if (n >= sizeof(head))
		return false;
	memcpy(head, s, n);
	head[n] = '\0';
	*has_b = colon != NULL;
	if (!parse_ulong(head, 0, max, a))
		return false;
	return !colon || parse_ulong(colon + 1, 0, max, b);
}

/*
 * "RPS[:BURST]": RPS a decimal number > 0 (fractions allowed, e.g. 0.5),
 * BURST an integer >= 1, by default max(1, RPS / 10).
 */
static int parse_rate(const char *s, double *rps, double *burst)
{
	unsigned long b;
	char *end;
	double r;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	r = strtod(s, &end);
	if (errno || end == s || !(r > 0) || r > 1e7 || (*end && *end != ':'))
		return -1;
	*rps = r;
	*burst = r / 10 >= 1 ? (double)(unsigned long)(r / 10) : 1;
	if (*end == ':') {
		if (!parse_ulong(end + 1, 1, 100000000, &b))
			return -1;
		*burst = (double)b;
	}
	return 0;
}

static int parse_roles(struct role_list *l, const char *arg)
{
	const char *p = arg;

	while (*p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char **names;

		if (n > 0) {
			names = realloc(l->names, (l->n + 1) * sizeof(*names));
			if (!names)
				return -1;
			l->names = names;
			l->names[l->n] = strndup(p, n);
			if (!l->names[l->n])
				return -1;
			l->n++;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* Reads the first line of path (without trailing whitespace). */
static char *read_token_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f)
		return NULL;
	n = getline(&line, &cap, f);
	fclose(f);
	if (n <= 0) {
		free(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' ||
	                 line[n - 1] == ' ' || line[n - 1] == '\t'))
		line[--n] = '\0';
	if (n == 0) {
		free(line);
		return NULL;
	}
	return line;
}

/* --hostile-lists MODE (see the usage text). */
static int parse_hostile_lists(struct sim_options *o, const char *arg)
{
	static const struct {
		const char *name;
		enum hostile_list_mode mode;
		unsigned long max; /* 0: no ":N" */
	} modes[] = {
	        {"count0", HOSTILE_LIST_COUNT0, 0},
	        {"total-plus", HOSTILE_LIST_TOTAL_PLUS, 1000000000},
	        {"empty", HOSTILE_LIST_EMPTY, 0},
	        {"bad-json", HOSTILE_LIST_BAD_JSON, 0},
	        {"deep-json", HOSTILE_LIST_DEEP_JSON, 1000000},
	};
	size_t n = strcspn(arg, ":");

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strlen(modes[i].name) != n ||
		    strncmp(arg, modes[i].name, n) != 0)
			continue;
		if (modes[i].max
		            ? arg[n] != ':' ||
		                      !parse_ulong(arg + n + 1, 1, modes[i].max,
		                                   &o->hostile_list_n)
		            : arg[n] != '\0')
			break;
		o->hostile_lists = modes[i].mode;
		return -1;
	}
	return usage_error("invalid --hostile-lists '%s' (want count0, "
	                   "total-plus:N, empty, bad-json or deep-json:N)",
	                   arg);
}

static unsigned default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 2;
	return n > 64 ? 64 : (unsigned)n;
}

enum {
	OPT_PORT = 256,
	OPT_TOKEN,
	OPT_TOKEN_FILE,
	OPT_SCOPELESS,
	OPT_ROLES,
	OPT_DISCOVERY,
	OPT_LATENCY,
	OPT_RATE,
	OPT_FAIL,
	OPT_FAIL_FROM,
	OPT_FAIL_RETRY,
	OPT_DROP,
	OPT_SEED,
	OPT_STATE,
	OPT_THREADS,
	OPT_MAX_BODY,
	OPT_MAX_COUNT,
	OPT_HOSTILE,
	OPT_HOSTILE_LISTS,
	OPT_HELP,
	OPT_MAX_PAGE,
	OPT_REPEAT_PAGE,
	OPT_TOTAL_SKEW,
	OPT_CASE_FILTER,
	OPT_ME,
	OPT_BLIND_LISTS,
	OPT_NO_ETAGS,
	OPT_WINDOW,
	OPT_IETF_RATE,
	OPT_RESET_EPOCH,
};

static const struct option long_options[] = {
        {"port", required_argument, NULL, OPT_PORT},
        {"token", required_argument, NULL, OPT_TOKEN},
        {"token-file", required_argument, NULL, OPT_TOKEN_FILE},
        {"scopeless-token", required_argument, NULL, OPT_SCOPELESS},
        {"roles", required_argument, NULL, OPT_ROLES},
        {"discovery", no_argument, NULL, OPT_DISCOVERY},
        {"latency-ms", required_argument, NULL, OPT_LATENCY},
        {"rate-limit", required_argument, NULL, OPT_RATE},
        {"fail-every", required_argument, NULL, OPT_FAIL},
        {"fail-from", required_argument, NULL, OPT_FAIL_FROM},
        {"fail-retry-after", required_argument, NULL, OPT_FAIL_RETRY},
        {"drop-every", required_argument, NULL, OPT_DROP},
        {"seed", required_argument, NULL, OPT_SEED},
        {"state", required_argument, NULL, OPT_STATE},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"max-body", required_argument, NULL, OPT_MAX_BODY},
        {"max-count", required_argument, NULL, OPT_MAX_COUNT},
        {"hostile-writes", required_argument, NULL, OPT_HOSTILE},
        {"hostile-lists", required_argument, NULL, OPT_HOSTILE_LISTS},
        {"help", no_argument, NULL, OPT_HELP},
        {"max-page-size", required_argument, NULL, OPT_MAX_PAGE},
        {"repeat-first-page-past-end", no_argument, NULL, OPT_REPEAT_PAGE},
        {"total-results-skew", required_argument, NULL, OPT_TOTAL_SKEW},
        {"case-sensitive-filter", no_argument, NULL, OPT_CASE_FILTER},
        {"me", required_argument, NULL, OPT_ME},
        {"blind-lists", no_argument, NULL, OPT_BLIND_LISTS},
        {"no-etags", no_argument, NULL, OPT_NO_ETAGS},
        {"window-limit", required_argument, NULL, OPT_WINDOW},
        {"ietf-rate-headers", no_argument, NULL, OPT_IETF_RATE},
        {"rate-reset-epoch", no_argument, NULL, OPT_RESET_EPOCH},
        {NULL, 0, NULL, 0},
};

/* Handles one option; returns -1 to go on or an exit status. */
static int apply_option(struct sim_options *o, int opt, const char *arg)
{
	unsigned long a = 0, b = 0;
	bool has_b;

	switch (opt) {
	case OPT_PORT:
		if (!parse_ulong(arg, 0, 65535, &a))
			return usage_error("invalid --port '%s'", arg);
		o->port = (unsigned)a;
		return -1;
	case OPT_TOKEN:
	case OPT_TOKEN_FILE:
		free(o->token);
		o->token =
		        opt == OPT_TOKEN ? strdup(arg) : read_token_file(arg);
		if (opt == OPT_TOKEN_FILE && !o->token)
			return usage_error("cannot read a token from '%s'",
			                   arg);
		if (!o->token || !*o->token)
			return usage_error("empty --token");
		return -1;
	case OPT_ME:
		free(o->me);
		o->me = strdup(arg);
		if (!o->me || !*arg)
			return usage_error("empty --me");
		return -1;
	case OPT_BLIND_LISTS:
		o->blind_lists = true;
		return -1;
	case OPT_SCOPELESS:
		free(o->scopeless_token);
		o->scopeless_token = strdup(arg);
		if (!o->scopeless_token || !*arg)
			return usage_error("empty --scopeless-token");
		return -1;
	case OPT_ROLES:
		if (parse_roles(&o->roles, arg) < 0)
			return usage_error("out of memory reading --roles");
		return -1;
	case OPT_DISCOVERY:
		o->discovery = true;
		return -1;
	case OPT_LATENCY:
		if (!parse_pair(arg, 600000, &a, &b, &has_b))
			return usage_error("invalid --latency-ms '%s' "
			                   "(want N or N:JITTER)",
			                   arg);
		o->latency_ms = (unsigned)a;
		o->jitter_ms = has_b ? (unsigned)b : 0;
		return -1;
	case OPT_RATE:
		if (parse_rate(arg, &o->rate_rps, &o->rate_burst) < 0)
			return usage_error(
			        "invalid --rate-limit '%s' (want RPS "
			        "or RPS:BURST, RPS > 0, BURST >= 1)",
			        arg);
		return -1;
	case OPT_FAIL:
	case OPT_FAIL_FROM:
	case OPT_DROP:
		if (!parse_ulong(arg, 1, ULONG_MAX, &a))
			return usage_error("invalid every-N value '%s' "
			                   "(want an integer >= 1)",
			                   arg);
		*(opt == OPT_FAIL        ? &o->fail_every
		  : opt == OPT_FAIL_FROM ? &o->fail_from
		                         : &o->drop_every) = a;
		return -1;
	case OPT_FAIL_RETRY:
		if (!parse_ulong(arg, 0, 86400, &a))
			return usage_error("invalid --fail-retry-after '%s' "
			                   "(want seconds, 0..86400)",
			                   arg);
		o->fail_retry_after = (unsigned)a;
		return -1;
	case OPT_SEED:
		if (!parse_ulong(arg, 0, ULONG_MAX, &a))
			return usage_error("invalid --seed '%s'", arg);
		o->seed = a;
		return -1;
	case OPT_STATE:
		free(o->state_file);
		o->state_file = strdup(arg);
		return o->state_file ? -1 : 2;
	case OPT_THREADS:
		if (!parse_ulong(arg, 1, 256, &a))
			return usage_error("invalid --threads '%s' (1..256)",
			                   arg);
		o->threads = (unsigned)a;
		return -1;
	case OPT_MAX_BODY:
		if (!parse_ulong(arg, 64, 1024UL * 1024 * 1024, &a))
			return usage_error("invalid --max-body '%s'", arg);
		o->max_body = a;
		return -1;
	case OPT_MAX_COUNT:
		if (!parse_ulong(arg, 1, 1000000, &a))
			return usage_error("invalid --max-count '%s'", arg);
		o->max_count = (unsigned)a;
		return -1;
	case OPT_HOSTILE:
		if (strcmp(arg, "bad-utf8") == 0) {
			o->hostile = HOSTILE_BAD_UTF8;
		} else if (strncmp(arg, "echo-token:", 11) == 0 &&
		           parse_ulong(arg + 11, 0, 4096, &a)) {
			o->hostile = HOSTILE_ECHO_TOKEN;
			o->hostile_pad = (unsigned)a;
		} else {
			return usage_error(
			        "invalid --hostile-writes '%s' (want "
			        "echo-token:N or bad-utf8)",
			        arg);
		}
		return -1;
	case OPT_MAX_PAGE:
		if (!parse_ulong(arg, 1, 1000000, &a))
			return usage_error("invalid --max-page-size '%s'", arg);
		o->max_page_size = (unsigned)a;
		return -1;
	case OPT_REPEAT_PAGE:
		o->repeat_first_page_past_end = true;
		return -1;
	case OPT_TOTAL_SKEW: {
		char *end;
		errno = 0;
		long v = strtol(arg, &end, 10);
		if (end == arg || *end || errno || v < -1000000 || v > 1000000)
			return usage_error("invalid --total-results-skew '%s' "
			                   "(want -1000000..1000000)",
			                   arg);
		o->total_results_skew = v;
		return -1;
	}
	case OPT_CASE_FILTER:
		o->case_sensitive_filter = true;
		return -1;
	case OPT_NO_ETAGS:
		o->no_etags = true;
		return -1;
	case OPT_IETF_RATE:
		o->ietf_rate_headers = true;
		return -1;
	case OPT_RESET_EPOCH:
		o->rate_reset_epoch = true;
		return -1;
	case OPT_WINDOW: {
		char *colon = strchr(arg, ':');
		char n_part[32];
		size_t len = colon ? (size_t)(colon - arg) : 0;

		if (!colon || len == 0 || len >= sizeof(n_part))
			return usage_error("invalid --window-limit '%s' (want "
			                   "N:S, N >= 1, 1 <= S <= 3600)",
			                   arg);
		memcpy(n_part, arg, len);
		n_part[len] = '\0';
		if (!parse_ulong(n_part, 1, 1000000, &a) ||
		    !parse_ulong(colon + 1, 1, 3600, &b))
			return usage_error("invalid --window-limit '%s' (want "
			                   "N:S, N >= 1, 1 <= S <= 3600)",
			                   arg);
		o->window_limit = a;
		o->window_s = (unsigned)b;
		return -1;
	}
		return -1;
	case OPT_HOSTILE_LISTS:
		return parse_hostile_lists(o, arg);
	case OPT_HELP:
		fputs(usage_text, stdout);
		return 0;
	default:
		fputs(usage_text, stderr);
		return 2;
	}
}

int options_parse(struct sim_options *o, int argc, char **argv)
{
	int opt, rc;

	memset(o, 0, sizeof(*o));
	o->max_body = DEFAULT_MAX_BODY;
	o->max_count = DEFAULT_MAX_COUNT;
	o->fail_retry_after = 1;
	o->threads = default_threads();
	o->seed = 1;
	opterr = 1;
	while ((opt = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		rc = apply_option(o, opt, optarg);
		if (rc >= 0)
			return rc;
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (!o->token)
		return usage_error("a token is required (--token or "
		                   "--token-file)");
	if (o->scopeless_token && strcmp(o->scopeless_token, o->token) == 0)
		return usage_error("--scopeless-token must differ from the "
		                   "token");
	return -1;
}

void options_release(struct sim_options *o)
{
	size_t i;

	free(o->token);
	free(o->scopeless_token);
	free(o->me);
	free(o->state_file);
	for (i = 0; i < o->roles.n; i++)
		free(o->roles.names[i]);
	free(o->roles.names);
	memset(o, 0, sizeof(*o));
}

bool role_list_contains(const struct role_list *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->names[i], name) == 0)
			return true;
	return false;
}
