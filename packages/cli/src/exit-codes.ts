/**
 * The exit codes of every command, a contract that scripts test. Kept apart from the commands so
 * that `pooled --help` and `--version` can use them without loading the analysis engine.
 */
export const EXIT = { OK: 0, FAILURE: 1, BAD_INPUT: 2, INTERRUPTED: 130 } as const;
