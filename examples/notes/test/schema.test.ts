// The migration is a frozen file: it must make exactly the table src/notes.ts declares.
import { afterEach, describe, expect, it } from 'vitest';
import { schemaProblems } from 'tessera';
import { project } from '../src/project.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from './helpers/app.js';

describe.each(DIALECTS)('the notes migration on %s', (dialect) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.drop();
  });

  it('makes the table the declaration describes', async () => {
    database = await createTestDatabase(dialect);
    expect(await schemaProblems(database.db, project.routers!)).toEqual([]);
  });
});
