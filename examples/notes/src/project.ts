// What this project adds to Tessera: its router and its migrations. main.ts serves it,
// manage.ts runs Tessera's command line on its database, the tests build it.
import { simpleRouter, type Project } from 'tessera';
import * as m0001 from './migrations/0001_create_note.js';
import { noteViewSet } from './notes.js';

export const project: Project = {
  // A SimpleRouter, as the reference's: the API root at /api/ stays Tessera's (products).
  routers: [simpleRouter('/api/').register('notes', noteViewSet)],
  migrations: { notes_0001_create_note: m0001 },
};
