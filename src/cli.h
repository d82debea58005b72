/*
 * cli.h - what tierc and tiervm share: reading files, loading a ruleset
 * from .tbc or .tier, exit statuses.
 */
#ifndef TIER_CLI_H
#define TIER_CLI_H

#include <stdio.h>

#include "tier_int.h"

enum { EXIT_OK = 0, EXIT_RECORDS = 1, EXIT_USAGE = 2, EXIT_RULESET = 3 };

/* Read a whole file (or "-" for stdin); NULL and a message on stderr on failure. */
uint8_t *cli_read_file(const char *prog, const char *path, size_t *len);
/* Load a ruleset from a .tbc file or compile a .tier source in memory.
 * Prints diagnostics; returns NULL on failure (exit status 3). */
tier_ruleset *cli_load_ruleset(const char *prog, const char *path, const tier_options *opt, int *status);
bool cli_is_bytecode(const uint8_t *p, size_t n);
bool cli_color(FILE *f);
/* Key files: a first line naming the kind, then the key in hex. */
int cli_write_key(const char *prog, const char *path, const char *kind, const uint8_t *key, size_t n, bool secret);
int cli_read_key(const char *prog, const char *path, const char *kind, uint8_t *key, size_t n);
void cli_fingerprint(const uint8_t pub[32], char out[17]);

#endif
