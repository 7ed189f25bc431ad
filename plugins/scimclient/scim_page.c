/* SCIM paging bookkeeping; see scim_page.h. */
#include "scimclient/scim_page.h"

void scim_pager_init(struct scim_pager *p, long count)
{
	p->start = 1;
	p->requested = count;
	p->page_max = 0;
	p->pages = 0;
	p->end = SCIM_PAGE_MORE;
}

static int stop(struct scim_pager *p, enum scim_page_end why)
{
	p->end = why;
	return 0;
}

int scim_pager_next(struct scim_pager *p, long got, long fresh, long total)
{
	int first = p->pages == 0;
	/* short: fewer than the server has shown it returns per page (on
	 * the first page: fewer than asked) */
	int is_short = first ? got < p->requested : got < p->page_max;

	p->pages++;
	if (got <= 0)
		return stop(p, SCIM_PAGE_EMPTY);
	if (fresh <= 0)
		return stop(p, SCIM_PAGE_REPEATED);
	if (got > p->page_max)
		p->page_max = got;
	if (total >= 0 && p->start + got > total && is_short)
		return stop(p, SCIM_PAGE_TOTAL);
	if (total < 0 && !first && is_short)
		return stop(p, SCIM_PAGE_SHORT);
	p->start += got;
	if (p->pages >= SCIM_PAGER_MAX_PAGES)
		return stop(p, SCIM_PAGE_LIMIT);
	return 1;
}

const char *scim_page_end_text(enum scim_page_end end)
{
	switch (end) {
	case SCIM_PAGE_MORE:
		return "not ended";
	case SCIM_PAGE_EMPTY:
		return "an empty page";
	case SCIM_PAGE_TOTAL:
		return "totalResults reached";
	case SCIM_PAGE_SHORT:
		return "a short page";
	case SCIM_PAGE_REPEATED:
		return "a page of accounts already listed (the server "
		       "repeats a page past the end)";
	case SCIM_PAGE_LIMIT:
		return "the page limit";
	}
	return "?";
}
