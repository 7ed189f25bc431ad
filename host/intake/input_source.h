/* Which format `run` reads its input in, and opening it.
 *
 * The format comes from, in order: --input NAME (that input's "format");
 * --format jsonl|json|csv; the file's name (.csv/.tsv csv, .json json,
 * .jsonl/.ndjson jsonl); the content (the first line: "{" JSON Lines,
 * "[" a JSON array, a line with a ',', ';' or tab CSV); else JSON Lines.
 * CSV always needs an input section (its column mapping): --input NAME,
 * or the only CSV input of the configuration. The first line is always
 * looked at: content that contradicts the chosen format is an error that
 * says what it saw and what to pass, before anything is stored.
 *
 * Threads: one thread (run's ingest). */
#ifndef PROVHOST_INPUT_SOURCE_H
#define PROVHOST_INPUT_SOURCE_H

#include <stdio.h>

#include "config/config.h"

struct input_plan {
	enum input_format format;
	const struct input_config *input; /* NULL: events, no section */
	enum input_kind kind;
	char how[96]; /* why this format: "--format csv", "input \"hr\"",
	               * "its name", "its content", "the default" */
};

/* Decides what can be decided before reading: from the options and the
 * file name (format_opt and input_name may be NULL). Returns 0, or -1
 * with the message in err (an unknown input or format, CSV without an
 * input section, --format and --input disagreeing). */
int input_plan_make(const struct config *cfg, const char *path,
                    const char *format_opt, const char *input_name,
                    struct input_plan *plan, char *err, size_t errlen);

/* Opens path ("-" = stdin), reads its first line, settles the format
 * (from the content when nothing else decided it) and checks the content
 * against it. *out reads the whole input, first line included (fclose;
 * for stdin too). Returns 0, or -1 with the message in err. */
int input_source_open(const char *path, const struct config *cfg,
                      struct input_plan *plan, FILE **out, char *err,
                      size_t errlen);

#endif
