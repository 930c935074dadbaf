// `tessera` (bin/tessera.js): Tessera's own command line, with no project of its own.
import { runCli } from './program.js';

await runCli(process.argv);
