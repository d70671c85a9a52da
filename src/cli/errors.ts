import { ZeqError } from "../core/errors.js";

export type CliErrorCode = "CLI_USAGE" | "CLI_INPUT_FILE";

/** A command used wrongly (exit status 2) or an input file that cannot be read. */
export class CliError extends ZeqError<CliErrorCode> {}
