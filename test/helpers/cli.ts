// A CommandContext for calling CLI commands directly: output captured, prompts answered
// from a list.
import { createTokenSealer } from '../../src/auth/tokens.js';
import { CommandError, type CommandContext } from '../../src/cli/commands.js';
import type { TestDatabase } from './database.js';

export const CLI_TEST_SECRET_KEY = 'cli-test-secret-key-long-enough-123456';

export function commandContext(database: TestDatabase, answers: string[] = [], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const ctx: CommandContext = {
    db: database.db,
    sealer: createTokenSealer(CLI_TEST_SECRET_KEY),
    out: { write: (text) => void (out += text) },
    err: { write: (text) => void (err += text) },
    prompter: {
      async ask(question) {
        out += question;
        const answer = answers.shift();
        if (answer === undefined) throw new CommandError('no more answers');
        return answer;
      },
    },
    env,
  };
  return { ctx, out: () => out, err: () => err };
}
