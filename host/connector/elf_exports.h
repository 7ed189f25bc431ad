/* Listing the symbols an ELF64 shared object exports, without running any
 * of its code: used by the loader before dlopen and by the contract runner
 * (`check-connector`'s "exports" check). */
#ifndef PROVHOST_ELF_EXPORTS_H
#define PROVHOST_ELF_EXPORTS_H

#include <stddef.h>

/* Reads the ELF64 shared object open on fd (with pread: the file offset is
 * left alone; fd stays the caller's) and lists the symbols it exports:
 * defined entries of .dynsym with global, weak or unique binding and
 * default or protected visibility. On success *names is a new array of n
 * new strings (elf_names_free) and 0 is returned; otherwise -1 with a
 * one-line reason in why ("not an ELF file", "no dynamic symbol table"). */
int elf_exports_fd(int fd, char ***names, size_t *n, char *why, size_t why_len);

/* The same for the file at path; why then names the path when it cannot be
 * read. */
int elf_exports(const char *path, char ***names, size_t *n, char *why,
                size_t why_len);

void elf_names_free(char **names, size_t n);

#endif
