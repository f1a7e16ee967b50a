/** A problem the user can fix: the CLI prints it as one line, no stack trace. */
export class UserError extends Error {}
