/* The one usage printer of the wirelab program: every command reports a
 * mistake on its command line the same way,
 *
 *     wirelab: sweep: --jobs needs a positive integer, got '0'
 *     usage: wirelab sweep SCRIPT -p name=v1,v2,... [-p ...] [--reps N] ...
 *     (see wirelab --help)
 *
 * and exits with status 2. */
#ifndef WL_USAGE_H
#define WL_USAGE_H

/* A mistake on the command line of command cmd ("run", "sweep", ...; NULL
 * for the program as a whole): prints the message, the command's usage
 * line and the pointer to --help on stderr.  Returns 2, the exit status. */
int cmd_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The same without a command: `wirelab: MESSAGE` and the pointer to --help
 * (the run command's options, which main.c parses). */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
