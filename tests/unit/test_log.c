/* Log lines (host/log.c): one line each, with nothing a terminal obeys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/log.h"

/* Runs log_line with stderr sent to a temporary file; returns what it
 * wrote (caller frees). */
static char *logged(const char *text)
{
	char path[] = "/tmp/provhost-test-log.XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	char *buf = calloc(1, 4096);
	FILE *f;

	assert_true(fd >= 0 && saved >= 0 && buf);
	fflush(stderr);
	dup2(fd, 2);
	log_line(PROVHOST_LOG_ERROR, text);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fdopen(fd, "r");
	assert_non_null(f);
	rewind(f);
	assert_true(fread(buf, 1, 4095, f) > 0);
	fclose(f);
	unlink(path);
	return buf;
}

static void test_controls_escaped(void **state)
{
	char *out = logged("user \"Ra\xe2\x80\xae"
	                   "ch\"\n# forged\x1b[2J\xc2\x9b");

	assert_string_equal(out, "provhost: [ERROR] user \"Ra\\u202ech\"\\n# "
	                         "forged\\x1b[2J\\u009b\n");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_controls_escaped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
