// npm run manage -- <command>: Tessera's command line (Django's manage.py) on this
// project's database, its migrations included.
import { runCli } from 'tessera';
import { project } from './project.js';

await runCli(process.argv, project);
