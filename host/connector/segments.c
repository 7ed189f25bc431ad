#include "connector/segments.h"

#include <dlfcn.h>
#include <link.h>
#include <string.h>

struct find_ctx {
	const struct link_map *lm;
	struct segments *out;
	int found;
};

/* dl_iterate_phdr callback: records the PT_LOAD ranges of ctx->lm. */
static int collect(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct find_ctx *c = arg;

	if (info->dlpi_addr != c->lm->l_addr || !info->dlpi_name ||
	    strcmp(info->dlpi_name, c->lm->l_name) != 0)
		return 0;
	c->found = 1;
	for (size_t i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD || c->out->n == SEGMENTS_MAX)
			continue;
		c->out->seg[c->out->n].lo = info->dlpi_addr + ph->p_vaddr;
		c->out->seg[c->out->n].hi =
		        info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
		c->out->seg[c->out->n].flags = ph->p_flags;
		c->out->n++;
	}
	return 1;
}

int segments_of(void *handle, struct segments *out)
{
	struct find_ctx c = {NULL, out, 0};
	struct link_map *lm = NULL;

	out->n = 0;
	if (dlinfo(handle, RTLD_DI_LINKMAP, &lm) != 0 || !lm)
		return -1;
	c.lm = lm;
	dl_iterate_phdr(collect, &c);
	return c.found && out->n ? 0 : -1;
}

/* The readable segment holding p, or -1. */
static int readable_at(const struct segments *s, uintptr_t p)
{
	for (size_t i = 0; i < s->n; i++)
		if ((s->seg[i].flags & PF_R) && p >= s->seg[i].lo &&
		    p < s->seg[i].hi)
			return (int)i;
	return -1;
}

int segments_readable(const struct segments *s, const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p;
	int i = readable_at(s, a);

	return i >= 0 && len <= s->seg[i].hi - a;
}

int segments_string(const struct segments *s, const char *p)
{
	uintptr_t a = (uintptr_t)p;
	int i = readable_at(s, a);

	return i >= 0 && memchr(p, '\0', s->seg[i].hi - a) != NULL;
}

int segments_code(const struct segments *s, const void *p)
{
	uintptr_t a = (uintptr_t)p;

	for (size_t i = 0; i < s->n; i++)
		if ((s->seg[i].flags & PF_X) && a >= s->seg[i].lo &&
		    a < s->seg[i].hi)
			return 1;
	return 0;
}
