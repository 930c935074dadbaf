// The baseline Tessera is measured against: bare node:http and the database driver, doing
// the work an authenticated product read cannot do without, and nothing else:
//   parse `Authorization: Token <key>`, SHA-256 the key, one prepared statement joining
//   tessera_token to auth_user by key_digest (is_active checked), one prepared statement
//   reading the product (or the list), JSON.stringify, one write.
// Same database, same seeded rows, same response bodies as Tessera (created_at in DRF's
// format, DRF's error bodies for a bad or missing token).
//
// Environment: DATABASE_URL (a SQLite path or postgres://…), HOST, PORT.
// Prints "baseline listening on <port>" once it serves.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';

const url = process.env.DATABASE_URL ?? '';
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 0);

// Tessera's own statement (auth/schemes.ts). On SQLite the digest is compared as `+?`, as
// Tessera does (Db.planStableValue in db/connect.ts): the seeded database is ANALYZEd, and
// with a plain `?` SQLite (built with STAT4) would re-plan the statement on every request.
const TOKEN_USER_SQL = `select auth_user.id, auth_user.username, auth_user.is_active, auth_user.is_staff, auth_user.is_superuser
  from tessera_token inner join auth_user on auth_user.id = tessera_token.user_id where tessera_token.key_digest = $1`;
const PRODUCT_SQL = 'select id, name, description, price, created_at from product where id = $1';
const PRODUCTS_SQL = 'select id, name, description, price, created_at from product order by id';

/** @type {{ tokenUser(digest: string): Promise<any>, product(id: number): Promise<any>, products(): Promise<any[]> }} */
let db;
if (/^postgres(ql)?:\/\//.test(url)) {
  const { default: pg } = await import('pg');
  // The same pool size and type parsing as Tessera's (db/connect.ts): int8 as number,
  // timestamps as text.
  const types = {
    getTypeParser(oid, format) {
      if (oid === 20) return (value) => Number(value);
      if (oid === 1114 || oid === 1184 || oid === 1082) return (value) => value;
      return pg.types.getTypeParser(oid, format);
    },
  };
  const pool = new pg.Pool({ connectionString: url, max: 10, options: '-c TimeZone=UTC', types });
  pool.on('error', () => {});
  db = {
    async tokenUser(digest) {
      return (await pool.query({ name: 'baseline_token_user', text: TOKEN_USER_SQL, values: [digest] })).rows[0];
    },
    async product(id) {
      return (await pool.query({ name: 'baseline_product', text: PRODUCT_SQL, values: [id] })).rows[0];
    },
    async products() {
      return (await pool.query({ name: 'baseline_products', text: PRODUCTS_SQL })).rows;
    },
  };
} else {
  const { default: SQLite } = await import('better-sqlite3');
  const sqlite = new SQLite(url);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  const tokenUser = sqlite.prepare(TOKEN_USER_SQL.replace('$1', '+?'));
  const product = sqlite.prepare(PRODUCT_SQL.replace('$1', '?'));
  const products = sqlite.prepare(PRODUCTS_SQL);
  db = {
    tokenUser: (digest) => tokenUser.get(digest),
    product: (id) => product.get(id),
    products: () => products.all(),
  };
}

function apiDateTime(stored) {
  // "2026-01-01 00:00:01.000000" (either database) -> "2026-01-01T00:00:01Z" as DRF writes it.
  const date = stored.slice(0, 10);
  const time = stored.slice(11, 19);
  const micro = stored.length > 20 ? stored.slice(20, 26).padEnd(6, '0') : '000000';
  return micro === '000000' ? `${date}T${time}Z` : `${date}T${time}.${micro}Z`;
}

function toProduct(row) {
  return { id: row.id, name: row.name, description: row.description, price: row.price, created_at: apiDateTime(row.created_at) };
}

function send(res, status, body, extra) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

const CHALLENGE = { 'www-authenticate': 'Token' };

async function handle(req, res) {
  const header = req.headers.authorization;
  const parts = header === undefined ? [] : header.split(/[ \t\n\r\v\f]+/).filter((part) => part !== '');
  if (parts.length !== 2 || parts[0].toLowerCase() !== 'token') {
    send(res, 401, { detail: 'Authentication credentials were not provided.' }, CHALLENGE);
    return;
  }
  const user = await db.tokenUser(createHash('sha256').update(parts[1]).digest('hex'));
  if (user === undefined) return send(res, 401, { detail: 'Invalid token.' }, CHALLENGE);
  if (!user.is_active) return send(res, 401, { detail: 'User inactive or deleted.' }, CHALLENGE);

  const path = req.url;
  if (path === '/api/products/') {
    send(res, 200, (await db.products()).map(toProduct));
    return;
  }
  const match = /^\/api\/products\/(\d+)\/$/.exec(path);
  const row = match === null ? undefined : await db.product(Number(match[1]));
  if (row === undefined) send(res, 404, { detail: 'Not found.' });
  else send(res, 200, toProduct(row));
}

const server = createServer((req, res) => {
  handle(req, res).catch((error) => {
    res.statusCode = 500;
    res.end(String(error));
  });
});
server.listen(port, host, () => {
  process.stdout.write(`baseline listening on ${server.address().port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
process.once('SIGINT', () => server.close(() => process.exit(0)));
