import { useState } from 'react';
import type { FormEvent } from 'react';
import type { ApiError } from '../api/errors.ts';
import { asApiError } from '../api/query.tsx';

export interface Submission {
  /** A submission is running: the form's buttons are disabled. */
  readonly pending: boolean;
  /** The server's refusal of the last submission, until the next one. */
  readonly error: ApiError | null;
  readonly handleSubmit: (event: FormEvent<HTMLFormElement>) => void;
}

export interface SubmissionOptions {
  /** After a refusal, once its messages are set (to move the focus to them). */
  readonly onRefused?: (error: ApiError) => void;
  /**
   * The form goes away once it succeeds (a sign-in: the router or the dialog moves on),
   * so it stays pending until then instead of offering its button again.
   */
  readonly leavesOnSuccess?: boolean;
}

/** A form's submission: one at a time, the server's messages kept for the form to show. */
export function useSubmission(submit: () => Promise<void>, options: SubmissionOptions = {}): Submission {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function run(): Promise<void> {
    setPending(true);
    setError(null);
    try {
      await submit();
    } catch (caught) {
      const refusal = asApiError(caught);
      setError(refusal);
      setPending(false);
      options.onRefused?.(refusal);
      return;
    }
    if (!options.leavesOnSuccess) setPending(false);
  }

  return {
    pending,
    error,
    handleSubmit(event) {
      event.preventDefault();
      if (!pending) void run();
    },
  };
}
