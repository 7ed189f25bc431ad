/* Listing the symbols an ELF64 shared object exports, by reading its
 * .dynsym and the string table it links to. The file is only read: none of
 * its code runs (unlike dlopen), and nothing is shelled out to nm. */
#include "connector/elf_exports.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ELF_MAX_SIZE (512L * 1024 * 1024)

void elf_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Reads the whole regular file open on fd into a new buffer. */
static int slurp(int fd, unsigned char **buf, size_t *len, char *why,
                 size_t why_len)
{
	struct stat st;
	size_t got = 0;

	*buf = NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > ELF_MAX_SIZE) {
		snprintf(why, why_len, "not a regular file of at most 512 MiB");
		return -1;
	}
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf) {
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = pread(fd, *buf + got, (size_t)st.st_size - got,
		                  (off_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			snprintf(why, why_len, "cannot read the file: %s",
			         r < 0 ? strerror(errno) : "it shrank");
			free(*buf);
			*buf = NULL;
			return -1;
		}
		got += (size_t)r;
	}
	*len = got;
	return 0;
}

/* True when [off, off + size) lies inside a file of len bytes. */
static int in_file(uint64_t off, uint64_t size, size_t len)
{
	return off <= len && size <= len - off;
}

static int is_exported(const Elf64_Sym *s)
{
	unsigned bind = ELF64_ST_BIND(s->st_info);
	unsigned vis = ELF64_ST_VISIBILITY(s->st_other);

	if (s->st_shndx == SHN_UNDEF)
		return 0;
	if (bind != STB_GLOBAL && bind != STB_WEAK && bind != STB_GNU_UNIQUE)
		return 0;
	return vis == STV_DEFAULT || vis == STV_PROTECTED;
}

/* Collects the exported names of the symbol table sym (count entries) with
 * string table str (str_len bytes). */
static int collect(const unsigned char *file, const Elf64_Shdr *sym,
                   const Elf64_Shdr *str, char ***names, size_t *n, char *why,
                   size_t why_len)
{
	const char *strtab = (const char *)file + str->sh_offset;
	size_t count = sym->sh_size / sizeof(Elf64_Sym);

	*names = calloc(count ? count : 1, sizeof **names);
	*n = 0;
	if (!*names) {
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	for (size_t i = 1; i < count; i++) {
		Elf64_Sym s;
		memcpy(&s, file + sym->sh_offset + i * sizeof s, sizeof s);
		if (!is_exported(&s))
			continue;
		if (s.st_name >= str->sh_size ||
		    !memchr(strtab + s.st_name, '\0',
		            str->sh_size - s.st_name)) {
			snprintf(why, why_len,
			         "symbol %zu has a name outside the string "
			         "table",
			         i);
			elf_names_free(*names, *n);
			*names = NULL;
			*n = 0;
			return -1;
		}
		(*names)[(*n)++] = strdup(strtab + s.st_name);
		if (!(*names)[*n - 1]) {
			snprintf(why, why_len, "out of memory");
			elf_names_free(*names, *n);
			*names = NULL;
			*n = 0;
			return -1;
		}
	}
	return 0;
}

/* Writes reason into why and returns -1. */
static int bad(char *why, size_t why_len, const char *reason)
{
	snprintf(why, why_len, "%s", reason);
	return -1;
}

static int parse(const unsigned char *file, size_t len, char ***names,
                 size_t *n, char *why, size_t why_len)
{
	Elf64_Ehdr eh;
	Elf64_Shdr sym, str;
	const uint16_t one = 1;
	int little = *(const unsigned char *)&one == 1;

	if (len < EI_NIDENT || memcmp(file, ELFMAG, SELFMAG) != 0)
		return bad(why, why_len, "not an ELF file");
	if (file[EI_CLASS] != ELFCLASS64)
		return bad(why, why_len, "not a 64-bit ELF file");
	if (file[EI_DATA] != (little ? ELFDATA2LSB : ELFDATA2MSB))
		return bad(why, why_len,
		           "ELF byte order differs from this host's");
	if (len < sizeof eh)
		return bad(why, why_len, "truncated ELF header");
	memcpy(&eh, file, sizeof eh);
	if (eh.e_type != ET_DYN)
		return bad(why, why_len, "not a shared object");
	if (eh.e_shnum == 0 || eh.e_shentsize != sizeof(Elf64_Shdr) ||
	    !in_file(eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr),
	             len))
		return bad(why, why_len,
		           "no usable section headers (stripped with "
		           "--strip-section-headers?)");
	for (unsigned i = 0; i < eh.e_shnum; i++) {
		memcpy(&sym, file + eh.e_shoff + i * sizeof sym, sizeof sym);
		if (sym.sh_type != SHT_DYNSYM)
			continue;
		if (sym.sh_entsize != sizeof(Elf64_Sym) ||
		    !in_file(sym.sh_offset, sym.sh_size, len) ||
		    sym.sh_link >= eh.e_shnum)
			return bad(why, why_len, "malformed .dynsym");
		memcpy(&str, file + eh.e_shoff + sym.sh_link * sizeof str,
		       sizeof str);
		if (str.sh_type != SHT_STRTAB ||
		    !in_file(str.sh_offset, str.sh_size, len) ||
		    str.sh_size == 0)
			return bad(why, why_len,
			           "malformed .dynstr of .dynsym");
		return collect(file, &sym, &str, names, n, why, why_len);
	}
	return bad(why, why_len, "no dynamic symbol table");
}

int elf_exports_fd(int fd, char ***names, size_t *n, char *why, size_t why_len)
{
	unsigned char *file;
	size_t len;
	int rc;

	*names = NULL;
	*n = 0;
	if (slurp(fd, &file, &len, why, why_len))
		return -1;
	rc = parse(file, len, names, n, why, why_len);
	free(file);
	return rc;
}

int elf_exports(const char *path, char ***names, size_t *n, char *why,
                size_t why_len)
{
	char inner[400];
	int fd, rc;

	*names = NULL;
	*n = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		snprintf(why, why_len, "cannot read \"%s\": %s", path,
		         strerror(errno));
		return -1;
	}
	rc = elf_exports_fd(fd, names, n, inner, sizeof inner);
	if (rc)
		snprintf(why, why_len, "%s", inner);
	close(fd);
	return rc;
}
