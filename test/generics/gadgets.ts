// A resource of the tests' own, declared as a project would, with the fields and options
// the products and the notes example do not use: an integer with bounds, an e-mail, a
// nullable decimal, a foreign key shown as its key, a writable date-time, the owner shown
// by id, LimitOffsetPagination, a queryset scope and the audit log.
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { isAuthenticated } from '../../src/auth/permissions.js';
import * as fields from '../../src/generics/fields.js';
import { limitOffsetPagination } from '../../src/generics/pagination.js';
import { defineResource } from '../../src/generics/resource.js';
import { simpleRouter } from '../../src/generics/routers.js';
import { modelViewSet } from '../../src/generics/viewsets.js';
import type { Project } from '../../src/project.js';

export const gadgets = defineResource({
  name: 'Gadget',
  table: 'test_gadget',
  display: 'name',
  fields: {
    id: fields.autoId(),
    maker: fields.currentUser({ show: 'id' }),
    name: fields.char({ maxLength: 20 }),
    contact: fields.email({ blank: true }),
    size: fields.integer({ min: 1, max: 10 }),
    price: fields.decimal({ maxDigits: 5, decimalPlaces: 2, null: true }),
    kind: fields.choice({ choices: [['a', 'Alpha'], ['b', 'Beta']], helpText: 'Which sort' }),
    parent: fields.foreignKey({ to: 'test_gadget', null: true }),
    available_from: fields.dateTime({ null: true }),
    updated_at: fields.dateTime({ autoNow: true }),
  },
});

export const gadgetViewSet = modelViewSet(gadgets, {
  permission: isAuthenticated,
  queryset: (request) => ({ maker: request.user!.id }),
  pagination: limitOffsetPagination({ defaultLimit: 2, maxLimit: 5 }),
  filterFields: ['kind', 'size', 'parent'],
  orderingFields: ['name', 'size', 'price'],
  audit: 'gadget',
});

export const gadgetMigration = {
  async up(db: Kysely<any>): Promise<void> {
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    await db.schema
      .createTable('test_gadget')
      .addColumn('id', postgres ? 'bigserial' : 'integer', (col) => col.primaryKey().notNull())
      .addColumn('maker_id', postgres ? 'bigint' : 'integer', (col) => col.notNull().references('auth_user.id').onDelete('cascade'))
      .addColumn('name', 'varchar(20)', (col) => col.notNull())
      .addColumn('contact', 'varchar(254)', (col) => col.notNull())
      .addColumn('size', 'integer', (col) => col.notNull())
      .addColumn('price', postgres ? 'numeric(5, 2)' : 'text')
      .addColumn('kind', 'varchar(1)', (col) => col.notNull())
      .addColumn('parent_id', postgres ? 'bigint' : 'integer', (col) => col.references('test_gadget.id').onDelete('set null'))
      .addColumn('available_from', sql.raw(postgres ? 'timestamptz' : 'text'))
      .addColumn('updated_at', sql.raw(postgres ? 'timestamptz' : 'text'), (col) => col.notNull())
      .execute();
  },
};

export const gadgetProject: Project = {
  routers: [simpleRouter('/api/').register('gadgets', gadgetViewSet)],
  migrations: { tests_0001_create_gadget: gadgetMigration },
};
