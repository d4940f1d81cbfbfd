/**
 * The exit codes of every command, a contract that scripts test. Kept apart from the commands so
 * that `pooled --help` and `--version` can use them without loading the analysis engine.
 * INTERRUPTED and TERMINATED are 128 + the signal's number (SIGINT 2, SIGTERM 15), as a shell
 * reports a process that a signal ended.
 */
export const EXIT = { OK: 0, FAILURE: 1, BAD_INPUT: 2, INTERRUPTED: 130, TERMINATED: 143 } as const;
