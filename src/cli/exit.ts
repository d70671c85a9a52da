/**
 * Exit statuses shared by every command: 0 success, 1 the thing checked is invalid (a
 * receipt, a replay, a store), 2 the command was used wrongly or could not run.
 */
export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;
