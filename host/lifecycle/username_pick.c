#include "lifecycle/username_pick.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends `"name"` to the list of taken names in buf: the first five,
 * then ", ...". n_taken: how many are listed before this one. */
static void note_taken(char *buf, size_t len, size_t *used, size_t n_taken,
                       const char *name)
{
	int k = 0;

	if (*used >= len || n_taken > 5)
		return;
	if (n_taken == 5)
		k = snprintf(buf + *used, len - *used, ", ...");
	else
		k = snprintf(buf + *used, len - *used, "%s\"%s\"",
		             n_taken ? ", " : "", name);
	if (k > 0)
		*used += (size_t)k;
}

int username_pick(const struct mapping *map, const json_t *attrs,
                  size_t max_tries, username_taken_fn is_taken, void *ctx,
                  char **out, size_t *index, char *reason, size_t reason_len)
{
	char why[512] = "", one[256], taken_list[512] = "";
	size_t used_why = 0, used_taken = 0, tries = 0, n_taken = 0;
	char *name;

	if (!max_tries)
		max_tries = USERNAME_PICK_MAX_TRIES;
	for (size_t i = 0;; i++) {
		int rc = mapping_user_name_candidate(map, attrs, i, &name, one,
		                                     sizeof(one));
		int t;

		if (rc < 0) {
			snprintf(reason, reason_len, "%s", one);
			return -1;
		}
		if (rc != MAPPING_CANDIDATE_OK) {
			if (one[0] && used_why < sizeof(why))
				used_why += (size_t)snprintf(
				        why + used_why, sizeof(why) - used_why,
				        "%s%s", used_why ? "; " : "", one);
			if (rc == MAPPING_CANDIDATES_END)
				break;
			continue;
		}
		t = is_taken(ctx, name, one, sizeof(one));
		if (t < 0) {
			snprintf(reason, reason_len, "%s", one);
			free(name);
			return -1;
		}
		if (!t) {
			*out = name;
			if (index)
				*index = i;
			return 0;
		}
		note_taken(taken_list, sizeof(taken_list), &used_taken,
		           n_taken++, name);
		if (++tries >= max_tries) {
			snprintf(reason, reason_len,
			         "no free userName after %zu tries (last "
			         "\"%s\")",
			         tries, name);
			free(name);
			return -1;
		}
		free(name);
	}
	if (n_taken)
		snprintf(reason, reason_len,
		         "every userName candidate is taken: %s", taken_list);
	else if (mapping_user_name_candidates(map, NULL) > 1)
		snprintf(reason, reason_len,
		         "no userName candidate could be rendered: %s", why);
	else
		snprintf(reason, reason_len, "%s", why);
	return -1;
}
