/* Paging through a SCIM ListResponse collection so that the scan ends on
 * every server (RFC 7644 section 3.4.2.4 and what real servers do):
 * startIndex/count, a server that returns fewer than asked (its own page
 * size), a totalResults that is off or changes between pages, an empty
 * page, and a server that returns page 1 again past the end.
 *
 * Pure bookkeeping, no I/O: the caller fetches each page, counts how many
 * of its resources it had not seen before (by id), and asks whether to go
 * on. Not thread-safe (one pager per scan).
 */
#ifndef SCIM_PAGE_H
#define SCIM_PAGE_H

#define SCIM_PAGER_MAX_PAGES 100000L

/* Why a scan stopped. */
enum scim_page_end {
	SCIM_PAGE_MORE,     /* not stopped */
	SCIM_PAGE_EMPTY,    /* a page without resources */
	SCIM_PAGE_TOTAL,    /* totalResults reached with a short page */
	SCIM_PAGE_SHORT,    /* no totalResults; a page shorter than before */
	SCIM_PAGE_REPEATED, /* a page of ids already listed (page 1 again) */
	SCIM_PAGE_LIMIT,    /* SCIM_PAGER_MAX_PAGES pages: give up */
};

struct scim_pager {
	long start;     /* the startIndex to ask for next (1-based) */
	long requested; /* the count asked for */
	long page_max;  /* the largest page the server returned */
	long pages;     /* pages fetched */
	enum scim_page_end end;
};

void scim_pager_init(struct scim_pager *p, long count);

/* After a page of got resources, fresh of them not seen before, and total
 * its totalResults (-1: absent). Returns 1 to fetch the page at p->start,
 * 0 to stop (p->end says why). "startIndex + returned > totalResults"
 * stops the scan when the page was short; a full page past the claimed
 * total costs one more request, so a totalResults that is too low loses
 * nothing. */
int scim_pager_next(struct scim_pager *p, long got, long fresh, long total);

/* "the total was reached", ... for log lines. */
const char *scim_page_end_text(enum scim_page_end end);

#endif
