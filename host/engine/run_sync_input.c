/* provhost sync: the snapshot's rows through the intake reader
 * (intake/intake.h), the one place sync reads its input. Its format and
 * input are settled as for `run` (intake/input_source.h: --input NAME,
 * the file's name, its content; CSV needs an input section); JSON without
 * an input section is canonical roster records. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/run_internal.h"
#include "engine/run_sync.h"
#include "intake/input_source.h"

struct sync_input {
	FILE *in;
	struct intake_reader *reader;
	struct input_config canonical; /* when no input is configured */
};

int sync_input_open(struct run *run, struct sync_input **out)
{
	struct sync_input *s = calloc(1, sizeof(*s));
	struct intake_options o = {0};
	char err[1200];

	*out = NULL;
	if (!s) {
		fprintf(stderr, "provhost sync: out of memory\n");
		return -1;
	}
	/* the format and input as `run` settles them (input_source.h) */
	if (input_source_open(run->opt->input, run->cfg, &run->plan, &s->in,
	                      err, sizeof(err))) {
		fprintf(stderr, "provhost sync: %s\n", err);
		goto fail;
	}
	o.input = run->plan.input;
	if (!o.input) {
		/* JSON without an input section: canonical roster records */
		s->canonical.name = (char *)"canonical"; /* never freed */
		s->canonical.kind = INPUT_KIND_ROSTER;
		s->canonical.format = run->plan.format;
		o.input = &s->canonical;
	} else if (o.input->kind != INPUT_KIND_ROSTER) {
		fprintf(stderr,
		        "provhost sync: input \"%s\" reads lifecycle events; "
		        "provhost sync needs a roster (one record a person: "
		        "\"kind\": \"roster\"), and provhost run applies "
		        "events\n",
		        o.input->name);
		goto fail;
	}
	o.dates = &run->cfg->dates;
	o.source = run->source;
	if (intake_open(&o, s->in, &s->reader, err, sizeof(err))) {
		fprintf(stderr, "provhost sync: %s\n", err);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	sync_input_close(s);
	return -1;
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
