/*
 * cli.h - what tierc and tiervm share: reading and writing files, loading a
 * ruleset from .tbc or .tier, key files, exit statuses.  The command-line
 * tools (src/tools/) are built on tier.h alone: none of them sees the
 * library's internals.
 */
#ifndef TIER_CLI_H
#define TIER_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tier.h"

#include "i18n.h"

/* Show texts in the user's language: LC_MESSAGES (and LC_CTYPE, for the C
 * library's messages) as the environment sets them (LC_ALL, LC_MESSAGES,
 * LANG, and LANGUAGE).  Not LC_NUMERIC or LC_TIME: numbers, dates and
 * columns print alike in every locale. */
void cli_init_locale(void);

enum { EXIT_OK = 0, EXIT_RECORDS = 1, EXIT_USAGE = 2, EXIT_RULESET = 3 };

/* Read a whole regular file (or "-" for stdin) of at most max bytes (see
 * tier_read_file); NULL and a message on stderr on failure.  free() the result. */
uint8_t *cli_read_file(const char *prog, const char *path, size_t max, size_t *len);
/* Outputs never destroy inputs: every file a command reads is noted (by
 * device and inode: any name of it, hard links and symbolic links included,
 * is the same file), and an output that is one of them is refused with exit
 * status 2.  cli_read_file and cli_load_ruleset note what they read. */
void cli_note_input(const char *path);
void cli_note_compiled(const tier_diags *d);
/* Whether path can be an output's name at all: false, with a message,
 * when it is empty or ends in '/' (a directory's name). */
bool cli_output_name_ok(const char *prog, const char *path);
/* The check alone, for a command that can tell before its work is done:
 * false, with a message, when path is not a name for an output (above),
 * is something other than a regular file (a directory, a device, a FIFO,
 * or a link to one), or is an input of this run other than `in_place`
 * (the input the command rewrites by design, or NULL). */
bool cli_output_allowed(const char *prog, const char *path, const char *in_place);
/* Write an output file: the check above, then the file replaced atomically
 * (a new file beside it with its permissions, fsync'ed, renamed over it; a
 * failed write leaves the old file and nothing else).  Only a regular file
 * is written: a device, a FIFO or a directory is refused; a symbolic link
 * is written through (the file it points to is replaced, the link stays).
 * Returns 0, or -1 with a message on stderr. */
int cli_write_file(const char *prog, const char *path, const void *data, size_t n, const char *in_place);
/* Load a ruleset from a .tbc file or compile a .tier source in memory.
 * Prints diagnostics; returns NULL on failure (exit status 3). */
tier_ruleset *cli_load_ruleset(const char *prog, const char *path, const tier_options *opt, int *status);
bool cli_is_bytecode(const uint8_t *p, size_t n);
/* The end of a command: standard output flushed and its error state read
 * (a full disk shows only there).  Returns status, or EXIT_USAGE with one
 * message on stderr when the output could not be written (a rejected
 * ruleset's EXIT_RULESET stays). */
int cli_finish(const char *prog, int status);
/* Write b's text to f; -1 (with a message) when b is NULL or ran out of
 * memory, or the write failed. */
int cli_print(const char *prog, FILE *f, tier_buf *b);
/* One warning on standard error when rs (read from path) has no review rule
 * and asof is TIER_NO_DATE (no --as-of): every record is then judged at
 * today's date, so the results change from day to day. */
void cli_warn_today(const char *prog, const tier_ruleset *rs, const char *path, int64_t asof);
/* After a run: the keys the records had that the rules at path do not
 * declare (tier_vm_unknown_fields), as one warning; nothing when none. */
void cli_warn_unknown(const char *prog, const tier_vm *vm, const char *path);
bool cli_color(FILE *f);
/* The width of the terminal f is, 0 when f is not a terminal (for
 * tier_options.diag_columns: the library's default then). */
unsigned cli_columns(FILE *f);
/* The width tiervm's table is cut to: COLUMNS when it is set to a number
 * (as ls and ps take it), else standard output's terminal's; 0 (not cut)
 * when it goes elsewhere. */
size_t cli_table_width(void);
/* Key files: a first line naming the kind, then the key in hex.  The file
 * is new (O_EXCL: an existing file or link is never written); a failed
 * write removes it.  0, or -1 with a message. */
int cli_write_key(const char *prog, const char *path, const char *kind, const uint8_t *key, size_t n, bool secret);
/* Read a key file that holds exactly one key of the kind ("public",
 * "secret") and n bytes.  EXIT_OK; EXIT_USAGE when it cannot be opened;
 * EXIT_RULESET when it is not exactly one key, a device, FIFO or directory
 * included, or longer than a key file can be (a message says why). */
int cli_read_key(const char *prog, const char *path, const char *kind, uint8_t *key, size_t n);
/* --trust KEY.pub, repeatable: a ruleset signed with any one of the keys is
 * accepted (tier_options.trust_keys).  Returns as cli_read_key does. */
#define CLI_MAX_TRUST 64
int cli_trust_key(const char *prog, tier_options *opt, const char *path);
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
