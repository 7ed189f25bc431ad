/* Fuzz target: attribute templates (lifecycle/template.c).
 *
 * Input: the template source up to the first newline, then (optionally) a
 * JSON object of HR attributes to render it against.
 * Invariants: a refused template names a column; a compiled one keeps its
 * source; text without braces compiles and renders as itself; rendering is
 * deterministic and a failed render names the missing attribute. */
#include <string.h>

#include "fuzz_common.h"
#include "lifecycle/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t slen = nl ? (size_t)(nl - data) : size;
	char *src = fuzz_strndup(data, slen), err[1024], missing[256];
	char *out = NULL, *out2 = NULL;
	json_t *attrs = NULL;
	struct tmpl *t = NULL;
	json_error_t jerr;
	int rc, rc2, plain;

	if (nl)
		attrs = json_loadb((const char *)nl + 1, size - slen - 1, 0,
		                   &jerr);
	if (!json_is_object(attrs)) {
		json_decref(attrs);
		attrs = json_pack("{s:s, s:s, s:s, s:i, s:b, s:n}",
		                  "first_name", " Ana ", "last_name", "López",
		                  "empty", "  ", "n", 42, "b", 1, "null");
		if (!attrs)
			abort();
	}
	plain = !strchr(src, '{') && !strchr(src, '}');
	err[0] = '\0';
	if (tmpl_compile(src, &t, err, sizeof(err))) {
		FUZZ_ASSERT(!plain, "plain text \"%s\" refused: %s", src, err);
		/* (unless a long quoted name filled the buffer) */
		FUZZ_ASSERT(strlen(err) + 1 >= sizeof(err) ||
		                    strstr(err, "column ") != NULL,
		            "error without a column: %s", err);
		goto out;
	}
	FUZZ_ASSERT(!strcmp(tmpl_source(t), src), "source changed");
	missing[0] = '\0';
	rc = tmpl_render(t, attrs, &out, missing, sizeof(missing));
	rc2 = tmpl_render(t, attrs, &out2, missing, sizeof(missing));
	FUZZ_ASSERT(rc == rc2, "render not deterministic");
	if (rc == 0) {
		FUZZ_ASSERT(out && out2 && !strcmp(out, out2),
		            "render not deterministic");
		FUZZ_ASSERT(!plain || !strcmp(out, src),
		            "plain text rendered as \"%s\"", out);
	} else {
		FUZZ_ASSERT(!plain, "plain text failed to render");
		FUZZ_ASSERT(missing[0] != '\0', "no missing attribute named");
	}
out:
	free(out);
	free(out2);
	tmpl_free(t);
	json_decref(attrs);
	free(src);
	return 0;
}
