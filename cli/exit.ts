// The three exit codes of design.md section 6. Only cli/ decides them.
export const EXIT_OK = 0;
/** Errors in the user's input (diagnostics of severity error). */
export const EXIT_INPUT = 1;
/** Usage errors, environment problems (a full disk, no permission, a path through a file) and
 * internal failures. */
export const EXIT_USAGE = 2;

/** Bad invocation: main() prints the message with a pointer to --help and exits 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help to point at, if any. */
    readonly command?: string,
  ) {
    super(message);
  }
}

export const BUG_HINT = 'This is a bug in gtv, not in your study; please report it with the input that triggered it.\n';
