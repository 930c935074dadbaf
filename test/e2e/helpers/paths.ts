import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root (test/e2e/helpers -> ../../..). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Screenshots of every page, one folder per run; git-ignored (test-results/). */
export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'screenshots');

/** The README's screenshot, rewritten only when UPDATE_DOCS_SCREENSHOTS=1. */
export const DOCS_SCREENSHOT_DIR = join(ROOT, 'docs', 'screenshots');
