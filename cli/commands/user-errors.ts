// A command's body, run so that a user error (app/user-errors.ts: a missing backend, a bad data
// source, a non-finite loss, …) becomes `error: message` and exit 1 instead of a stack trace.

import { isUserError } from "../../app/user-errors.js";
import { EXIT } from "../io.js";

export { isUserError };

/** Runs a command's body; a user error becomes `error: message` and exit 1, anything else is a bug. */
export async function reportingUserErrors(io: { stderr(text: string): void }, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (isUserError(error)) {
      io.stderr(`error: ${error.message}\n`);
      return EXIT.errors;
    }
    throw error;
  }
}
