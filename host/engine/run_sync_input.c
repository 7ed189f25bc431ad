/* provhost sync: the snapshot's rows through the intake reader
 * (intake/intake.h), the one place sync reads its input. Which input
 * reads it: --input NAME, else the configuration's only roster input,
 * else canonical roster records (JSON array or JSON Lines, told apart by
 * the first byte). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/run_internal.h"
#include "engine/run_sync.h"

struct sync_input {
	FILE *in;
	struct intake_reader *reader;
	struct input_config canonical; /* when no input is configured */
};

/* The first byte that is not white space or a UTF-8 BOM; EOF when none.
 * Leaves the stream at the start. */
static int first_byte(FILE *in)
{
	int c;

	while ((c = getc(in)) != EOF)
		if (!strchr(" \t\r\n", c) && c != 0xEF && c != 0xBB &&
		    c != 0xBF)
			break;
	rewind(in);
	return c;
}

/* The input to read with; NULL (message printed) when none fits. */
static const struct input_config *choose(struct run *run, struct sync_input *s)
{
	const struct config *cfg = run->cfg;
	const struct input_config *found = NULL;
	size_t rosters = 0;
	int c;

	if (run->opt->input_name) {
		found = config_find_input(cfg, run->opt->input_name);
		if (!found || found->kind != INPUT_KIND_ROSTER) {
			fprintf(stderr,
			        "provhost sync: %s \"%s\" in %s; provhost sync "
			        "reads a roster input (\"kind\": \"roster\")\n",
			        found ? "not a roster input:"
			              : "no input named",
			        run->opt->input_name, cfg->path);
			return NULL;
		}
		return found;
	}
	for (size_t i = 0; i < cfg->n_inputs; i++)
		if (cfg->inputs[i].kind == INPUT_KIND_ROSTER) {
			found = &cfg->inputs[i];
			rosters++;
		}
	if (rosters > 1) {
		fprintf(stderr,
		        "provhost sync: %s has %zu roster inputs; say which "
		        "one reads %s with --input NAME\n",
		        cfg->path, rosters, run->source);
		return NULL;
	}
	if (found)
		return found;
	c = first_byte(s->in);
	s->canonical.name = (char *)"canonical"; /* never freed */
	s->canonical.kind = INPUT_KIND_ROSTER;
	s->canonical.format = c == '[' ? INPUT_FORMAT_JSON : INPUT_FORMAT_JSONL;
	if (c != EOF && c != '[' && c != '{') {
		fprintf(stderr,
		        "provhost sync: %s does not start with '[' or '{', so "
		        "it is no JSON roster, and %s configures no roster "
		        "input; for a CSV export add one to \"inputs\" (README "
		        "\"HR exports\") and pass --input NAME\n",
		        run->source, cfg->path);
		return NULL;
	}
	return &s->canonical;
}

int sync_input_open(struct run *run, struct sync_input **out)
{
	struct sync_input *s = calloc(1, sizeof(*s));
	struct intake_options o = {0};
	char err[1024];

	*out = NULL;
	if (!s) {
		fprintf(stderr, "provhost sync: out of memory\n");
		return -1;
	}
	s->in = fopen(run->opt->input, "r");
	if (!s->in) {
		fprintf(stderr, "provhost sync: cannot open \"%s\": %s\n",
		        run->opt->input, strerror(errno));
		free(s);
		return -1;
	}
	o.input = choose(run, s);
	o.dates = &run->cfg->dates;
	o.source = run->source;
	if (!o.input || intake_open(&o, s->in, &s->reader, err, sizeof(err))) {
		if (o.input)
			fprintf(stderr, "provhost sync: %s\n", err);
		sync_input_close(s);
		return -1;
	}
	*out = s;
	return 0;
}

int sync_input_next(struct sync_input *s, struct intake_row *row)
{
	int r = intake_next(s->reader, row);

	if (r < 0)
		fprintf(stderr, "provhost sync: %s\n", intake_error(s->reader));
	return r;
}

void sync_input_label(const struct sync_input *s, const struct intake_row *row,
                      char *buf, size_t len)
{
	intake_row_label(s->reader, row, buf, len);
}

void sync_input_close(struct sync_input *s)
{
	if (!s)
		return;
	intake_close(s->reader);
	if (s->in)
		fclose(s->in);
	free(s);
}
