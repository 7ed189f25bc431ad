/* The reader's common part: lines, raw bytes, dispatch; see intake.h. */
#include "intake/intake_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

/* Where the first invalid UTF-8 sequence of s[0..n) starts, or n. */
static size_t utf8_bad_at(const char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		k = utf8_char_len((const unsigned char *)s + i, n - i);
		if (!k)
			return i;
		i += k;
	}
	return n;
}

long intake_read_line(struct intake_reader *r)
{
	ssize_t n;
	size_t bad, text;

	errno = 0;
	n = getline(&r->line, &r->line_cap, r->in);
	if (n < 0) {
		if (ferror(r->in)) {
			snprintf(r->err, sizeof(r->err),
			         "cannot read \"%s\": %s", r->opt.source,
			         strerror(errno ? errno : EIO));
			return -1;
		}
		return 0;
	}
	r->line_no++;
	if (r->opt.hash && sha256_update(r->opt.hash, r->line, (size_t)n)) {
		snprintf(r->err, sizeof(r->err), "out of memory");
		return -1;
	}
	if (r->line_no == 1 && n >= 3 && !memcmp(r->line, "\xEF\xBB\xBF", 3)) {
		memmove(r->line, r->line + 3, (size_t)n - 2);
		n -= 3;
	}
	text = (size_t)n;
	if (text && r->line[text - 1] == '\n')
		text--;
	bad = utf8_bad_at(r->line, text);
	if (bad < text) {
		snprintf(r->err, sizeof(r->err),
		         "\"%s\" is not UTF-8: line %ld, byte %zu is 0x%02X; "
		         "provhost reads UTF-8 exports only (convert it, e.g. "
		         "iconv -f WINDOWS-1252 -t UTF-8, or export as UTF-8)",
		         r->opt.source, r->line_no, bad + 1,
		         (unsigned char)r->line[bad]);
		return -1;
	}
	return (long)n;
}

int intake_raw_append(struct intake_reader *r, const char *s, size_t n)
{
	if (r->raw_len + n + 1 > r->raw_cap) {
		size_t cap = r->raw_cap ? r->raw_cap : 256;
		char *p;

		while (cap < r->raw_len + n + 1)
			cap *= 2;
		p = realloc(r->raw, cap);
		if (!p) {
			snprintf(r->err, sizeof(r->err), "out of memory");
			return -1;
		}
		r->raw = p;
		r->raw_cap = cap;
	}
	memcpy(r->raw + r->raw_len, s, n);
	r->raw_len += n;
	r->raw[r->raw_len] = '\0';
	return 0;
}

int intake_open(const struct intake_options *opt, FILE *in,
                struct intake_reader **out, char *err, size_t errlen)
{
	struct intake_reader *r;
	int rc;

	*out = NULL;
	if (!opt->input || opt->input->kind != INPUT_KIND_ROSTER) {
		snprintf(err, errlen, "the input is not a roster");
		return -1;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r->opt = *opt;
	if (!r->opt.source)
		r->opt.source = "input";
	r->in = in;
	tzdate_cache_init(&r->tz);
	rc = opt->input->format == INPUT_FORMAT_CSV ? intake_csv_open(r)
	                                            : intake_json_open(r);
	if (rc) {
		snprintf(err, errlen, "%s", r->err);
		intake_close(r);
		return -1;
	}
	*out = r;
	return 0;
}

int intake_next(struct intake_reader *r, struct intake_row *row)
{
	memset(row, 0, sizeof(*row));
	json_decref(r->record);
	r->record = NULL;
	r->reason[0] = '\0';
	if (r->err[0])
		return -1;
	if (r->opt.input->format == INPUT_FORMAT_CSV)
		return intake_csv_next(r, row);
	return intake_json_next(r, row);
}

const char *intake_error(const struct intake_reader *r)
{
	return r->err;
}

long intake_blank_rows(const struct intake_reader *r)
{
	return r->blank_rows;
}

void intake_row_label(const struct intake_reader *r,
                      const struct intake_row *row, char *buf, size_t len)
{
	if (r->opt.input->format == INPUT_FORMAT_JSON)
		snprintf(buf, len, "element %ld", row->row);
	else if (r->opt.input->format == INPUT_FORMAT_JSONL ||
	         row->line == row->row || !row->line)
		snprintf(buf, len, "%s %ld",
		         r->opt.input->format == INPUT_FORMAT_JSONL ? "line"
		                                                    : "row",
		         row->row);
	else
		snprintf(buf, len, "row %ld (line %ld)", row->row, row->line);
}

void intake_close(struct intake_reader *r)
{
	if (!r)
		return;
	if (r->csv_open)
		csv_free(&r->csv);
	for (size_t i = 0; i < r->n_header; i++)
		free(r->header[i]);
	free(r->header);
	free(r->col_attr);
	free(r->fields);
	free(r->arena);
	free(r->raw);
	free(r->line);
	free(r->elem_text);
	json_decref(r->array);
	json_decref(r->record);
	tzdate_cache_release(&r->tz);
	free(r);
}
