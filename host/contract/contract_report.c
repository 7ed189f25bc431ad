/* The contract runner's tally: one line per check, counted. */
#include <stdarg.h>

#include "contract/contract.h"

__attribute__((format(printf, 4, 0))) static void
report(struct contract_report *r, const char *verdict, const char *check,
       const char *fmt, va_list ap)
{
	fprintf(r->out, "%s %s: ", verdict, check);
	vfprintf(r->out, fmt, ap);
	fputc('\n', r->out);
	fflush(r->out);
}

void contract_pass(struct contract_report *r, const char *check,
                   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(r, "PASS", check, fmt, ap);
	va_end(ap);
	r->passed++;
}

void contract_fail(struct contract_report *r, const char *check,
                   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(r, "FAIL", check, fmt, ap);
	va_end(ap);
	r->failed++;
}

void contract_skip(struct contract_report *r, const char *check,
                   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(r, "SKIP", check, fmt, ap);
	va_end(ap);
	r->skipped++;
}
