// The package's public surface: exactly the names below are reachable through `'tessera'`,
// and nothing else is reachable at all. Adding an export to src/index.ts (or a function to
// src/generics/fields.ts, which is exported whole as `fields`) fails this test until it is
// added here, so that widening the API is a deliberate change (and goes in CHANGELOG.md and
// docs/library.md). The module resolution is Node's own, in a child process, not Vite's.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './helpers/server.js';

const run = promisify(execFile);

/** Values: what `import('tessera')` gives at run time. */
const VALUES = [
  'allowAny', 'and', 'buildApp', 'createTokenSealer', 'createUser', 'defaultRouter', 'defineResource', 'fields',
  'findUserByKey', 'findUserByUsername', 'getOrCreateKey', 'hashPassword', 'isAdminUser', 'isAuthenticated', 'isAuthenticatedOrReadOnly',
  'isOwnerOrReadOnly', 'isSuperuser', 'limitOffsetPagination', 'loadConfig', 'migrateToLatest', 'modelViewSet', 'not',
  'openDatabase', 'or', 'pageNumberPagination', 'readOnly', 'resetToken', 'revokeDeviceTokens', 'revokeToken', 'runCli', 'SAFE_METHODS',
  'schemaProblems', 'serve', 'setPassword', 'simpleRouter', 'tesseraAuth', 'verifyPassword',
].sort();

/** Types only: they exist in dist/index.d.ts and vanish at run time. */
const TYPES = [
  'Action', 'AppOptions', 'AuthEvent', 'AuthEvents', 'AuthUser', 'Config', 'DatabaseConfig', 'Db', 'InstanceOf',
  'LoginThrottle', 'ModelField', 'NewUserFields', 'ObjectRow', 'Pagination', 'Permission', 'PermissionContext',
  'Project', 'RelationField', 'Resource', 'ResourceOptions', 'Router', 'Scope', 'TableOf', 'TesseraAuthOptions',
  'TesseraAuthRoutes', 'TokenMode', 'TokenSealer', 'User', 'ViewSet', 'ViewSetOptions',
].sort();

/** `fields.*`: the field constructors of the generics layer. */
const FIELDS = [
  'autoId', 'boolean', 'char', 'choice', 'currentUser', 'date', 'dateTime', 'decimal', 'email', 'foreignKey', 'integer',
  'positiveInteger', 'text',
].sort();

/** The names a module's `export` statements give, read from its source (no type checking). */
function exportedNames(file: string): { values: string[]; types: string[] } {
  const source = ts.createSourceFile(file, readFileSync(new URL(file, `file://${PROJECT_ROOT}`), 'utf8'), ts.ScriptTarget.ES2022);
  const values: string[] = [];
  const types: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement) || statement.exportClause === undefined) {
      // `export *` (without `as`) would re-export a whole module, unseen here: forbid it.
      if (ts.isExportDeclaration(statement)) throw new Error(`${file}: \`export *\` without a name re-exports a whole module`);
      continue;
    }
    if (ts.isNamespaceExport(statement.exportClause)) {
      (statement.isTypeOnly ? types : values).push(statement.exportClause.name.text);
      continue;
    }
    for (const element of statement.exportClause.elements) {
      (statement.isTypeOnly || element.isTypeOnly ? types : values).push(element.name.text);
    }
  }
  return { values: values.sort(), types: types.sort() };
}

describe("the package's entry point", () => {
  it('src/index.ts exports exactly the public names', () => {
    expect(exportedNames('src/index.ts')).toEqual({ values: VALUES, types: TYPES });
  });

  it('the built types (dist/index.d.ts) declare the same names', () => {
    expect(exportedNames('dist/index.d.ts')).toEqual({ values: VALUES, types: TYPES });
  });

  it("Node's resolver gives those values, and refuses every deep import", async () => {
    // One child process for all the cases: ESM resolution through package.json's `exports`,
    // as a project that installed the tarball gets it (the name resolves to this package).
    const script = `
      const tessera = await import('tessera');
      const refused = {};
      for (const path of ['tessera/dist/app.js', 'tessera/dist/index.js', 'tessera/dist/auth/users.js', 'tessera/src/index.ts', 'tessera/package.json']) {
        refused[path] = await import(path).then(() => 'imported', (error) => error.code);
      }
      process.stdout.write(JSON.stringify({ values: Object.keys(tessera).sort(), fields: Object.keys(tessera.fields).sort(), refused }));
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: PROJECT_ROOT, timeout: 20_000 });
    expect(JSON.parse(stdout)).toEqual({
      values: VALUES,
      fields: FIELDS,
      refused: {
        'tessera/dist/app.js': 'ERR_PACKAGE_PATH_NOT_EXPORTED',
        'tessera/dist/index.js': 'ERR_PACKAGE_PATH_NOT_EXPORTED',
        'tessera/dist/auth/users.js': 'ERR_PACKAGE_PATH_NOT_EXPORTED',
        'tessera/src/index.ts': 'ERR_PACKAGE_PATH_NOT_EXPORTED',
        'tessera/package.json': 'ERR_PACKAGE_PATH_NOT_EXPORTED',
      },
    });
  });
});
