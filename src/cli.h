/*
 * cli.h - what tierc and tiervm share: reading files, loading a ruleset
 * from .tbc or .tier, exit statuses.
 */
#ifndef TIER_CLI_H
#define TIER_CLI_H

#include <stdio.h>

#include "tier_int.h"

enum { EXIT_OK = 0, EXIT_RECORDS = 1, EXIT_USAGE = 2, EXIT_RULESET = 3 };

/* Read a whole regular file (or "-" for stdin) of at most max bytes (see
 * file_read); NULL and a message on stderr on failure.  free() the result. */
uint8_t *cli_read_file(const char *prog, const char *path, size_t max, size_t *len);
/* Load a ruleset from a .tbc file or compile a .tier source in memory.
 * Prints diagnostics; returns NULL on failure (exit status 3). */
tier_ruleset *cli_load_ruleset(const char *prog, const char *path, const tier_options *opt, int *status);
bool cli_is_bytecode(const uint8_t *p, size_t n);
bool cli_color(FILE *f);
/* Key files: a first line naming the kind, then the key in hex. */
int cli_write_key(const char *prog, const char *path, const char *kind, const uint8_t *key, size_t n, bool secret);
int cli_read_key(const char *prog, const char *path, const char *kind, uint8_t *key, size_t n);
void cli_fingerprint(const uint8_t pub[32], char out[17]);
/* A numeric option's value: decimal digits only (no sign, no spaces, no
 * suffix), between lo and hi.  False, with a usage message naming the
 * option and the range, otherwise. */
bool cli_number(const char *prog, const char *option, const char *arg, uint64_t lo, uint64_t hi, uint64_t *out);
/* --import-path DIR (repeatable): add DIR to opt->import_dirs.  False, with
 * a message, past CLI_MAX_IMPORT_DIRS. */
#define CLI_MAX_IMPORT_DIRS 64
bool cli_import_path(const char *prog, tier_options *opt, const char *dir);
/* For commands that read their arguments by hand: argv[*i] is
 * "--import-path DIR" or "--import-path=DIR"?  1 when it was (and *i is
 * past it), -1 on a bad one (message printed), 0 when it is something else. */
int cli_import_path_arg(const char *prog, int argc, char **argv, int *i, tier_options *opt);

#endif
