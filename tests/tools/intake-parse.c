/* intake-parse INPUT.json FILE: reads FILE through the roster reader
 * (host/intake/) with the input object in INPUT.json and prints one JSON
 * line: rows, records, rejected, seconds and rows per second. For the CSV
 * parse benchmark (tests/bench/csv_parse); exit 1 when reading fails. */
#include <stdio.h>
#include <string.h>

#include "config/input_config.h"
#include "intake/intake.h"
#include "util/clock.h"

int main(int argc, char **argv)
{
	struct path_error perr = {{0}, {0}};
	struct intake_reader *r = NULL;
	struct dates_config dates;
	struct input_config in;
	struct intake_row row;
	struct intake_options opt;
	long rows = 0, records = 0;
	int64_t t0, t1;
	char err[1200];
	json_t *obj;
	FILE *f;
	int rc = 1, n;

	if (argc != 3) {
		fprintf(stderr, "usage: intake-parse INPUT.json FILE\n");
		return 2;
	}
	obj = json_load_file(argv[1], 0, NULL);
	if (!obj || input_config_parse("bench", obj, &in, &perr) ||
	    dates_config_parse(NULL, &dates, &perr)) {
		fprintf(stderr, "intake-parse: %s: %s %s\n", argv[1], perr.path,
		        perr.message);
		return 2;
	}
	json_decref(obj);
	f = fopen(argv[2], "r");
	if (!f) {
		perror(argv[2]);
		goto out;
	}
	opt = (struct intake_options){&in, &dates, argv[2], NULL};
	t0 = clock_mono_us();
	if (intake_open(&opt, f, &r, err, sizeof(err))) {
		fprintf(stderr, "intake-parse: %s\n", err);
		goto out;
	}
	while ((n = intake_next(r, &row)) == 1) {
		rows++;
		records += row.record != NULL;
	}
	t1 = clock_mono_us();
	if (n < 0) {
		fprintf(stderr, "intake-parse: %s\n", intake_error(r));
		goto out;
	}
	printf("{\"rows\": %ld, \"records\": %ld, \"rejected\": %ld, "
	       "\"seconds\": %.3f, \"rows_per_s\": %.0f}\n",
	       rows, records, rows - records, (double)(t1 - t0) / 1e6,
	       rows * 1e6 / (double)(t1 - t0 ? t1 - t0 : 1));
	rc = 0;
out:
	intake_close(r);
	if (f)
		fclose(f);
	input_config_release(&in);
	dates_config_release(&dates);
	return rc;
}
