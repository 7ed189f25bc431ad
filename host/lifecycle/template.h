/* Attribute templates: literal text with {attr} placeholders and filters,
 * compiled once and rendered against many HR records.
 *
 *   {first_name|first|lower}{last_name|lower}@example.com
 *   {middle_name?}                  optional: empty when missing
 *   {department|default:Unassigned} fallback text when missing
 *   {{ and }}                       literal braces
 *   {n}                             the counter (userName candidates)
 *
 * Filters: lower, upper, trim, first, ascii, default:TEXT. See README.md,
 * "Mapping". The name "n" is reserved for the counter: {n} is never an HR
 * attribute, and takes no filters and no "?". */
#ifndef PROVHOST_TEMPLATE_H
#define PROVHOST_TEMPLATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct tmpl;

/* Compiles src. Returns 0 and a new template in *out (tmpl_free), or -1 with
 * err naming the problem and its 1-based character column, e.g.
 * `unknown filter "lowr" at column 8`. */
int tmpl_compile(const char *src, struct tmpl **out, char *err, size_t err_len);

/* Renders t against attrs (a JSON object, borrowed); {n} renders as "".
 * Filter ascii (util/unicode.h) is thread-safe, so tmpl_render may run on
 * one template from many threads at once. Returns 0 and a new
 * malloc'd string in *out (caller frees), or -1 with the name of the first
 * missing required attribute in missing (*out untouched). A value is missing
 * when absent, null, or a string that is empty after trimming whitespace;
 * numbers and booleans render as their JSON text. Also -1 on out of memory,
 * with missing set to "". */
int tmpl_render(const struct tmpl *t, const json_t *attrs, char **out,
                char *missing, size_t missing_len);

/* tmpl_render with the counter n: each {n} renders as "" when n < 2 and as
 * the decimal n otherwise (so a candidate renders "john.smith", then
 * "john.smith2", "john.smith3", ...). Same return convention. */
int tmpl_render_counter(const struct tmpl *t, const json_t *attrs,
                        unsigned long n, char **out, char *missing,
                        size_t missing_len);

/* How many {n} placeholders t has; *column (when not NULL) gets the 1-based
 * character column of the first one, 0 when there is none. */
size_t tmpl_counters(const struct tmpl *t, int *column);

/* The source text t was compiled from (borrowed). */
const char *tmpl_source(const struct tmpl *t);

/* Frees t; NULL is allowed. */
void tmpl_free(struct tmpl *t);

#endif
