// Migrations are frozen files; a declaration that drifts from its table is caught: a
// missing column, a wrong type, a wrong nullability, a missing table. On both databases.
import { afterEach, describe, expect, it } from 'vitest';
import { adminRouter } from '../../src/admin/routes.js';
import { tesseraRouter } from '../../src/app.js';
import * as fields from '../../src/generics/fields.js';
import { defineResource } from '../../src/generics/resource.js';
import { simpleRouter } from '../../src/generics/routers.js';
import { schemaProblems } from '../../src/generics/schema-check.js';
import { modelViewSet } from '../../src/generics/viewsets.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../helpers/database.js';
import { gadgetProject, gadgets } from './gadgets.js';

describe.each(DIALECTS)('declarations against the migrated schema on %s', (dialect) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.drop();
    database = undefined;
  });

  it("agree for Tessera's products and a project's resource", async () => {
    database = await createTestDatabase(dialect, { migrations: gadgetProject.migrations });
    expect(await schemaProblems(database.db, [tesseraRouter(), adminRouter(), ...gadgetProject.routers!])).toEqual([]);
  });

  it('name every column that is missing, of another type or of another nullability', async () => {
    database = await createTestDatabase(dialect, { migrations: gadgetProject.migrations });
    const drifted = defineResource({
      name: 'Gadget',
      table: gadgets.table,
      fields: {
        ...gadgets.fields,
        name: fields.text(),
        size: fields.integer({ null: true }),
        colour: fields.char({ maxLength: 10 }),
      },
    });
    const missing = defineResource({ name: 'Ghost', table: 'test_ghost', fields: { id: fields.autoId() } });
    const routers = [simpleRouter('/api/').register('gadgets', modelViewSet(drifted)).register('ghosts', modelViewSet(missing))];
    const varchar = dialect === 'sqlite' ? 'varchar(20)' : 'varchar';
    expect(await schemaProblems(database.db, routers)).toEqual([
      `Gadget.name: column test_gadget.name is ${varchar}, the field declares text`,
      'Gadget.size: column test_gadget.size is NOT NULL, the field declares null: true',
      'Gadget.colour: column test_gadget.colour does not exist',
      'Ghost: table test_ghost does not exist',
    ]);
  });
});
