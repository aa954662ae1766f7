/** The few typed errors rdhooks raises; only src/cli turns them into messages and exit codes. */

/** An error the user can act on: `message` says what happened, `hint` what to do. */
export class UserError extends Error {
  override readonly name: string = 'UserError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** The run was interrupted (SIGINT/SIGTERM); the CLI exits 130. */
export class InterruptedError extends UserError {
  override readonly name = 'InterruptedError';
}
