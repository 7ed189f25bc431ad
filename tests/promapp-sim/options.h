/*
 * Command-line options of promapp-sim (see README.md for each one).
 */
#ifndef SIM_OPTIONS_H
#define SIM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

/* The role names that exist in the simulated Promapp site. */
struct role_list {
	char **names;
	size_t n;
};

/* --hostile-writes: how every write (POST, PUT, PATCH, DELETE) is refused. */
enum hostile_mode {
	HOSTILE_NONE,
	HOSTILE_ECHO_TOKEN, /* 400 whose detail echoes the bearer token */
	HOSTILE_BAD_UTF8,   /* 400 whose detail is invalid UTF-8 */
};

/* --hostile-lists: how answers to GET /Users (the collection) misbehave. */
enum hostile_list_mode {
	HOSTILE_LIST_NONE,
	HOSTILE_LIST_COUNT0,     /* filter query without count: a page of 0 */
	HOSTILE_LIST_TOTAL_PLUS, /* filter query: totalResults + N (a lie) */
	HOSTILE_LIST_EMPTY,      /* filter query: no resources, true total */
	HOSTILE_LIST_BAD_JSON,   /* every list: 200 with invalid JSON */
	HOSTILE_LIST_DEEP_JSON,  /* every list: 200 with N nested arrays */
};

struct sim_options {
	unsigned port;
	char *token;           /* owned; never printed */
	char *scopeless_token; /* owned; NULL: none */
	struct role_list roles;
	bool discovery;
	unsigned latency_ms;
	unsigned jitter_ms;
	double rate_rps; /* 0: no rate limit */
	double rate_burst;
	unsigned long fail_every;
	unsigned long fail_from;   /* 0: off; else request N and later -> 503 */
	unsigned fail_retry_after; /* seconds; 0: 503s without Retry-After */
	unsigned long drop_every;
	unsigned long long seed;
	char *state_file; /* owned; NULL: in memory only */
	unsigned threads;
	size_t max_body;
	unsigned max_count;
	enum hostile_mode hostile;
	unsigned hostile_pad; /* echo-token: pad bytes before the first echo */
	/* paging quirks of real servers (GET /Users without a filter too) */
	unsigned max_page_size;          /* 0: none; else a silent cap */
	bool repeat_first_page_past_end; /* startIndex > total -> page 1 */
	long total_results_skew;         /* added to totalResults */
	bool case_sensitive_filter; /* userName eq is exact; uniqueness not */
	enum hostile_list_mode hostile_lists;
	unsigned long hostile_list_n; /* total-plus:N, deep-json:N */
	char *me; /* owned; GET /Me answers this userName's user; NULL 404 */
	bool blind_lists; /* a list without a filter is empty (no read scope) */
	bool no_etags;    /* --no-etags: no ETag header, If-Match ignored */
	/* --window-limit N:S: at most N SCIM requests per fixed window of S
	 * seconds, announced in X-RateLimit-* headers (RateLimit-* with
	 * --ietf-rate-headers) on every SCIM answer; 0: none */
	unsigned long window_limit;
	unsigned window_s;
	bool ietf_rate_headers;
	bool rate_reset_epoch; /* Reset as a Unix time (GitHub), not seconds */
};

/*
 * Parses argv into o (which it zeroes first). Returns -1 on success, or the
 * exit status to use (0 after --help, 2 on a usage error, message printed).
 * On any return o must be released with options_release().
 */
int options_parse(struct sim_options *o, int argc, char **argv);
void options_release(struct sim_options *o);

/* Whether name is one of the configured roles (case-sensitive). */
bool role_list_contains(const struct role_list *l, const char *name);

#endif
