/* SCIM paging (scim_page.h) against simulated servers: a page-size cap, a
 * totalResults that is off or changes mid-scan, an empty page, page 1
 * again past the end, no totalResults at all. Each server is a pure
 * function of (startIndex, count); the test plays the connector's part
 * (distinct ids) and checks every account is seen once and the scan ends.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scimclient/scim_page.h"

#define MAXN 1000

struct server {
	long n;          /* accounts, ids 1..n */
	long cap;        /* largest page it returns, 0: none */
	long skew;       /* added to totalResults */
	int repeat;      /* startIndex past the end: page 1 again */
	int no_total;    /* no totalResults member */
	long grow_after; /* after this many pages, totalResults + 10 */
};

/* One page: ids into page[], their count returned; *total set. */
static long serve(const struct server *s, long start, long count, long pages,
                  long *page, long *total)
{
	long got = 0, c = s->cap && count > s->cap ? s->cap : count;

	if (s->repeat && start > s->n)
		start = 1;
	for (long id = start; id <= s->n && got < c; id++)
		page[got++] = id;
	*total = s->no_total ? -1 : s->n + s->skew;
	if (s->grow_after && pages >= s->grow_after)
		*total += 10;
	if (*total < -1)
		*total = 0;
	return got;
}

/* Runs a scan; returns the requests made, seen[] marks ids. */
static long scan(const struct server *s, long count, int *seen,
                 enum scim_page_end *end)
{
	struct scim_pager p;
	long page[MAXN], total, requests = 0;

	scim_pager_init(&p, count);
	for (;;) {
		long got =
		        serve(s, p.start, p.requested, p.pages, page, &total);
		long fresh = 0;
		requests++;
		for (long i = 0; i < got; i++)
			if (!seen[page[i]]++)
				fresh++;
		if (!scim_pager_next(&p, got, fresh, total))
			break;
		assert_true(requests < 10000);
	}
	*end = p.end;
	return requests;
}

struct row {
	const char *name;
	struct server s;
	long count, requests;
	enum scim_page_end end;
};

static void test_servers(void **state)
{
	static const struct row rows[] = {
	        {"plain, one short page", {.n = 5}, 100, 1, SCIM_PAGE_TOTAL},
	        {"cap 7 over 100",
	         {.n = 100, .cap = 7},
	         100,
	         15,
	         SCIM_PAGE_TOTAL},
	        {"exactly one full page: one probe",
	         {.n = 100},
	         100,
	         2,
	         SCIM_PAGE_EMPTY},
	        {"total too high",
	         {.n = 30, .cap = 7, .skew = 40},
	         100,
	         6,
	         SCIM_PAGE_EMPTY},
	        {"total too low",
	         {.n = 100, .cap = 7, .skew = -3},
	         100,
	         15,
	         SCIM_PAGE_TOTAL},
	        {"page 1 again past the end",
	         {.n = 100, .cap = 7, .skew = 5, .repeat = 1},
	         100,
	         16,
	         SCIM_PAGE_REPEATED},
	        {"full last page, page 1 again",
	         {.n = 98, .cap = 7, .repeat = 1},
	         100,
	         15,
	         SCIM_PAGE_REPEATED},
	        {"no totalResults, cap",
	         {.n = 20, .cap = 7, .no_total = 1},
	         100,
	         3,
	         SCIM_PAGE_SHORT},
	        {"no totalResults, repeat",
	         {.n = 21, .cap = 7, .no_total = 1, .repeat = 1},
	         100,
	         4,
	         SCIM_PAGE_REPEATED},
	        {"totalResults grows mid-scan",
	         {.n = 50, .cap = 7, .grow_after = 3},
	         100,
	         9, /* 8 pages; the grown total asks for a 9th, empty */
	         SCIM_PAGE_EMPTY},
	        {"empty target", {.n = 0}, 100, 1, SCIM_PAGE_EMPTY},
	};

	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		int seen[MAXN + 2];
		enum scim_page_end end;
		long req;

		memset(seen, 0, sizeof seen);
		req = scan(&rows[i].s, rows[i].count, seen, &end);
		for (long id = 1; id <= rows[i].s.n; id++)
			if (seen[id] < 1)
				fail_msg("%s: account %ld never listed",
				         rows[i].name, id);
		if (req != rows[i].requests || end != rows[i].end)
			fail_msg("%s: %ld requests ended by %s, expected %ld "
			         "ended by %s",
			         rows[i].name, req, scim_page_end_text(end),
			         rows[i].requests,
			         scim_page_end_text(rows[i].end));
	}
}

/* A server that never ends (new ids forever) hits the page limit. */
static void test_limit(void **state)
{
	struct scim_pager p;
	long pages = 0;

	scim_pager_init(&p, 10);
	while (scim_pager_next(&p, 10, 10, -1))
		pages++;
	assert_int_equal(p.end, SCIM_PAGE_LIMIT);
	assert_int_equal(pages + 1, SCIM_PAGER_MAX_PAGES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_servers),
	        cmocka_unit_test(test_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
