/** Awaiting a call that must fail with an ApiError, for assertions on the error itself. */
import { ApiError } from '../../src/rdstation/errors.js';

/** The ApiError `p` rejects with; any other outcome fails the test. */
export async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}
