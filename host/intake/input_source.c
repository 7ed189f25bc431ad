/* Choosing the input format and opening the input; see input_source.h. */
#include "intake/input_source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define PEEK_MAX 4096 /* bytes read to find the first line */

static const char *format_title(enum input_format f)
{
	switch (f) {
	case INPUT_FORMAT_CSV:
		return "CSV";
	case INPUT_FORMAT_JSON:
		return "a JSON array";
	default:
		return "JSON Lines";
	}
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && !strcasecmp(s + n - k, suffix);
}

static enum input_format format_by_name(const char *path)
{
	if (ends_with(path, ".csv") || ends_with(path, ".tsv"))
		return INPUT_FORMAT_CSV;
	if (ends_with(path, ".jsonl") || ends_with(path, ".ndjson"))
		return INPUT_FORMAT_JSONL;
	if (ends_with(path, ".json"))
		return INPUT_FORMAT_JSON;
	return INPUT_FORMAT_UNSET;
}

/* The only input of format f in cfg; NULL when none or several (*count). */
static const struct input_config *only_input(const struct config *cfg,
                                             enum input_format f, int *count)
{
	const struct input_config *found = NULL;

	*count = 0;
	for (size_t i = 0; i < cfg->n_inputs; i++)
		if (cfg->inputs[i].format == f) {
			found = &cfg->inputs[i];
			(*count)++;
		}
	return *count == 1 ? found : NULL;
}

static void names_of(const struct config *cfg, enum input_format f, char *buf,
                     size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < cfg->n_inputs && used + 1 < len; i++)
		if (f == INPUT_FORMAT_UNSET || cfg->inputs[i].format == f)
			used += (size_t)snprintf(buf + used, len - used,
			                         "%s\"%s\"", used ? ", " : "",
			                         cfg->inputs[i].name);
}

/* CSV needs its input section. */
static int settle_csv(const struct config *cfg, struct input_plan *plan,
                      char *err, size_t errlen)
{
	char names[400];
	int count;

	if (plan->input)
		return 0;
	plan->input = only_input(cfg, INPUT_FORMAT_CSV, &count);
	if (plan->input) {
		plan->kind = INPUT_KIND_ROSTER;
		return 0;
	}
	if (!count) {
		snprintf(
		        err, errlen,
		        "CSV needs an \"inputs\" section that maps its columns "
		        "(which is the employee id, the status, the dates, the "
		        "attributes) and --input NAME; %s has none (README "
		        "\"HR "
		        "exports\", conf/examples/)",
		        cfg->path);
		return -1;
	}
	names_of(cfg, INPUT_FORMAT_CSV, names, sizeof(names));
	snprintf(err, errlen,
	         "%s has several CSV inputs (%s): pass --input NAME", cfg->path,
	         names);
	return -1;
}

int input_plan_make(const struct config *cfg, const char *path,
                    const char *format_opt, const char *input_name,
                    struct input_plan *plan, char *err, size_t errlen)
{
	enum input_format f = INPUT_FORMAT_UNSET;
	char names[400];

	memset(plan, 0, sizeof(*plan));
	if (format_opt && input_format_from_name(format_opt, &f)) {
		snprintf(err, errlen,
		         "unknown --format \"%s\" (jsonl, json or csv)",
		         format_opt);
		return -1;
	}
	if (input_name) {
		plan->input = config_find_input(cfg, input_name);
		if (!plan->input) {
			names_of(cfg, INPUT_FORMAT_UNSET, names, sizeof(names));
			snprintf(err, errlen,
			         "no input named \"%s\" in %s (%s%s)",
			         input_name, cfg->path,
			         names[0] ? "inputs: "
			                  : "no \"inputs\" section",
			         names);
			return -1;
		}
		if (f && f != plan->input->format) {
			snprintf(err, errlen,
			         "--format %s disagrees with input \"%s\", "
			         "which is "
			         "\"format\": \"%s\"",
			         format_opt, input_name,
			         input_format_name(plan->input->format));
			return -1;
		}
		plan->format = plan->input->format;
		plan->kind = plan->input->kind;
		snprintf(plan->how, sizeof(plan->how), "input \"%s\"",
		         input_name);
		return 0;
	}
	if (f) {
		plan->format = f;
		snprintf(plan->how, sizeof(plan->how), "--format %s",
		         format_opt);
	} else if ((f = format_by_name(path))) {
		plan->format = f;
		snprintf(plan->how, sizeof(plan->how), "its name");
	}
	if (plan->format == INPUT_FORMAT_CSV)
		return settle_csv(cfg, plan, err, errlen);
	return 0;
}

/* The first line of what was peeked: what it looks like. */
struct sniff {
	enum input_format looks; /* UNSET: nothing to go by */
	char sample[80];         /* the start of the first line */
};

static void sniff(const char *buf, size_t len, struct sniff *s)
{
	size_t i = 0, end, k = 0;

	memset(s, 0, sizeof(*s));
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' ||
	                   buf[i] == '\n'))
		i++;
	if (i == len)
		return;
	for (end = i; end < len && buf[end] != '\n' && buf[end] != '\r'; end++)
		;
	for (size_t j = i; j < end && k + 4 < sizeof(s->sample); j++)
		s->sample[k++] = (buf[j] == '\t') ? ' ' : buf[j];
	if (end - i > k) {
		while (k && ((unsigned char)s->sample[k - 1] & 0xC0) == 0x80)
			k--; /* never cut a UTF-8 character */
		if (k && (unsigned char)s->sample[k - 1] >= 0xC0)
			k--;
		memcpy(s->sample + k, "\xE2\x80\xA6", 3); /* … */
		k += 3;
	}
	s->sample[k] = '\0';
	if (buf[i] == '{')
		s->looks = INPUT_FORMAT_JSONL;
	else if (buf[i] == '[')
		s->looks = INPUT_FORMAT_JSON;
	else if (memchr(buf + i, ',', end - i) ||
	         memchr(buf + i, ';', end - i) ||
	         memchr(buf + i, '\t', end - i))
		s->looks = INPUT_FORMAT_CSV;
}

/* A FILE that gives the peeked bytes, then the rest of fd. */
struct peeked {
	char buf[PEEK_MAX];
	size_t len, pos;
	int fd;
	bool close_fd;
};

static ssize_t peeked_read(void *cookie, char *out, size_t size)
{
	struct peeked *p = cookie;
	ssize_t n;

	if (p->pos < p->len) {
		size_t k = p->len - p->pos < size ? p->len - p->pos : size;

		memcpy(out, p->buf + p->pos, k);
		p->pos += k;
		return (ssize_t)k;
	}
	do
		n = read(p->fd, out, size);
	while (n < 0 && errno == EINTR);
	return n;
}

static int peeked_close(void *cookie)
{
	struct peeked *p = cookie;

	if (p->close_fd)
		close(p->fd);
	free(p);
	return 0;
}

/* Reads until the first '\n', PEEK_MAX bytes or the end. */
static int peek(struct peeked *p)
{
	ssize_t n;

	while (p->len < PEEK_MAX && !memchr(p->buf, '\n', p->len)) {
		n = read(p->fd, p->buf + p->len, PEEK_MAX - p->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		p->len += (size_t)n;
	}
	return 0;
}

static int mismatch(const char *path, const struct input_plan *plan,
                    const struct sniff *s, char *err, size_t errlen)
{
	const char *name = strcmp(path, "-") ? path : "stdin";

	if (s->looks == INPUT_FORMAT_CSV)
		snprintf(
		        err, errlen,
		        "\"%s\" is read as %s (%s), but this looks like CSV "
		        "(header \"%s\"); use --format csv with an \"inputs\" "
		        "section that maps its columns (README \"HR exports\")",
		        name, format_title(plan->format), plan->how, s->sample);
	else
		snprintf(
		        err, errlen,
		        "\"%s\" is read as %s (%s), but this looks like %s "
		        "(it starts with \"%s\"); use --format %s%s",
		        name, format_title(plan->format), plan->how,
		        format_title(s->looks), s->sample,
		        input_format_name(s->looks),
		        plan->kind == INPUT_KIND_ROSTER
		                ? " with an input of that format and \"kind\": "
		                  "\"roster\""
		                : "");
	return -1;
}

/* Settles the format from the content when nothing decided it, and checks
 * the content against a decided one. */
static int settle(const char *path, const struct config *cfg,
                  struct input_plan *plan, const struct sniff *s, char *err,
                  size_t errlen)
{
	if (!plan->format) {
		plan->format = s->looks ? s->looks : INPUT_FORMAT_JSONL;
		snprintf(plan->how, sizeof(plan->how), "%s",
		         s->looks ? "its content" : "the default");
		if (plan->format == INPUT_FORMAT_CSV)
			return settle_csv(cfg, plan, err, errlen);
		return 0;
	}
	if (!s->looks || s->looks == plan->format)
		return 0;
	/* a one-column CSV has no delimiter: only JSON contradicts CSV */
	if (plan->format == INPUT_FORMAT_CSV && s->looks == INPUT_FORMAT_CSV)
		return 0;
	return mismatch(path, plan, s, err, errlen);
}

int input_source_open(const char *path, const struct config *cfg,
                      struct input_plan *plan, FILE **out, char *err,
                      size_t errlen)
{
	static const cookie_io_functions_t io = {peeked_read, NULL, NULL,
	                                         peeked_close};
	struct peeked *p;
	struct sniff s;
	FILE *f;

	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (!strcmp(path, "-")) {
		p->fd = STDIN_FILENO;
	} else {
		p->fd = open(path, O_RDONLY | O_CLOEXEC);
		p->close_fd = true;
	}
	if (p->fd < 0 || peek(p)) {
		snprintf(err, errlen, "cannot %s \"%s\": %s",
		         p->fd < 0 ? "open" : "read", path, strerror(errno));
		if (p->fd >= 0 && p->close_fd)
			close(p->fd);
		free(p);
		return -1;
	}
	sniff(p->buf, p->len, &s);
	if (settle(path, cfg, plan, &s, err, errlen)) {
		peeked_close(p);
		return -1;
	}
	f = fopencookie(p, "r", io);
	if (!f) {
		snprintf(err, errlen, "cannot read \"%s\": %s", path,
		         strerror(errno));
		peeked_close(p);
		return -1;
	}
	setvbuf(f, NULL, _IOFBF, 65536);
	*out = f;
	return 0;
}
