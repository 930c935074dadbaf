// Seeds a benchmark database through the real schema (dist/db/migrate.js) and the real
// token sealing (dist/auth/tokens.js): N users, one token each, and P products.
//
// Every user gets the same password and so the same argon2id hash, made once with
// hashPassword() at full cost: hashing a million passwords would take days, and a shared
// hash costs the server exactly as much per login as distinct ones would.
// Rows go in with prepared statements inside large transactions (SQLite) or as
// multi-row INSERT ... SELECT FROM unnest(...) batches (PostgreSQL), so a million users
// take about a minute.
//
// Returns what the load generator needs: a sample of keys spread over the whole table
// (at most `sampleSize`, so a 1,000,000-token run reads the whole index rather than a
// hot corner of it) and the matching usernames.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

export const BENCH_PASSWORD = 'bench-password-123';

const dist = new URL('../dist/', import.meta.url);
const load = (path) => import(new URL(path, dist).href);

function timestamp(date = new Date()) {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
}

function username(index) {
  return `bench_user_${String(index).padStart(7, '0')}`;
}

/** Keys for users [from, to): 20 random bytes each, as DRF's generate_key. */
function keysFor(count) {
  const bytes = randomBytes(20 * count);
  const keys = new Array(count);
  for (let i = 0; i < count; i++) keys[i] = bytes.toString('hex', i * 20, i * 20 + 20);
  return keys;
}

function sampleStep(users, sampleSize) {
  return Math.max(1, Math.floor(users / Math.max(1, sampleSize)));
}

function productRow(index, createdAt) {
  return {
    name: `Product ${index}`,
    description: `Benchmark product number ${index}, with a description of ordinary length.`,
    price: `${(index % 997) + 10}.${String(index % 100).padStart(2, '0')}`,
    created_at: createdAt,
  };
}

/**
 * @param {{ dialect: 'sqlite'|'postgres', path?: string, url?: string, users: number,
 *           products: number, secretKey: string, sampleSize: number, log?: (s: string) => void }} options
 */
export async function seed(options) {
  const { openDatabase } = await load('db/connect.js');
  const { migrateToLatest } = await load('db/migrate.js');
  const { createTokenSealer, digestKey } = await load('auth/tokens.js');
  const { hashPassword } = await load('auth/passwords.js');
  const log = options.log ?? (() => {});
  const started = performance.now();

  const config = options.dialect === 'sqlite'
    ? { dialect: 'sqlite', path: options.path }
    : { dialect: 'postgres', url: options.url };
  const db = openDatabase(config);
  await migrateToLatest(db.kysely);
  await db.close();

  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const sealer = createTokenSealer(options.secretKey);
  const step = sampleStep(options.users, options.sampleSize);
  const sample = { keys: [], usernames: [] };
  const now = timestamp();

  // One batch of users and their tokens; calls insert(users, tokens) with column arrays.
  const BATCH = 5000;
  async function produce(insertBatch) {
    for (let from = 0; from < options.users; from += BATCH) {
      const count = Math.min(BATCH, options.users - from);
      const keys = keysFor(count);
      const users = { id: [], username: [] };
      const tokens = { user_id: [], key_digest: [], key_sealed: [] };
      for (let i = 0; i < count; i++) {
        const id = from + i + 1;
        const key = keys[i];
        const digest = digestKey(key);
        users.id.push(id);
        users.username.push(username(id));
        tokens.user_id.push(id);
        tokens.key_digest.push(digest);
        tokens.key_sealed.push(sealer.seal(key, digest));
        if ((id - 1) % step === 0 && sample.keys.length < options.sampleSize) {
          sample.keys.push(key);
          sample.usernames.push(username(id));
        }
      }
      await insertBatch(users, tokens, count);
      if ((from / BATCH) % 40 === 39) log(`  ${from + count} users`);
    }
  }

  const productCreatedAt = [];
  for (let i = 1; i <= options.products; i++) productCreatedAt.push(timestamp(new Date(Date.UTC(2026, 0, 1, 0, 0, i))));

  if (options.dialect === 'sqlite') {
    const { default: SQLite } = await import('better-sqlite3');
    const sqlite = new SQLite(options.path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = OFF');
    const insertUser = sqlite.prepare(
      `insert into auth_user (id, password, last_login, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined)
       values (?, ?, null, 0, ?, '', '', '', 0, 1, ?)`,
    );
    const insertToken = sqlite.prepare('insert into tessera_token (user_id, key_digest, key_sealed, created) values (?, ?, ?, ?)');
    const insertProduct = sqlite.prepare('insert into product (name, description, price, created_at) values (?, ?, ?, ?)');
    const batch = sqlite.transaction((users, tokens, count) => {
      for (let i = 0; i < count; i++) insertUser.run(users.id[i], passwordHash, users.username[i], now);
      for (let i = 0; i < count; i++) insertToken.run(tokens.user_id[i], tokens.key_digest[i], tokens.key_sealed[i], now);
    });
    await produce(async (users, tokens, count) => batch(users, tokens, count));
    sqlite.transaction(() => {
      for (let i = 1; i <= options.products; i++) {
        const row = productRow(i, productCreatedAt[i - 1]);
        insertProduct.run(row.name, row.description, row.price, row.created_at);
      }
    })();
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    sqlite.exec('analyze');
    sqlite.close();
  } else {
    const { createPgPool } = await load('db/connect.js');
    const pool = createPgPool(options.url, { max: 1 });
    const client = await pool.connect();
    try {
      await produce(async (users, tokens) => {
        await client.query('begin');
        await client.query(
          `insert into auth_user (id, password, last_login, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined)
           select id, $2, null, false, username, '', '', '', false, true, $3 from unnest($1::bigint[], $4::text[]) as u(id, username)`,
          [users.id, passwordHash, now, users.username],
        );
        await client.query(
          `insert into tessera_token (user_id, key_digest, key_sealed, created)
           select user_id, key_digest, key_sealed, $4 from unnest($1::bigint[], $2::text[], $3::text[]) as t(user_id, key_digest, key_sealed)`,
          [tokens.user_id, tokens.key_digest, tokens.key_sealed, now],
        );
        await client.query('commit');
      });
      await client.query(`select setval(pg_get_serial_sequence('auth_user', 'id'), $1)`, [Math.max(1, options.users)]);
      const rows = Array.from({ length: options.products }, (_, i) => productRow(i + 1, productCreatedAt[i]));
      await client.query(
        `insert into product (name, description, price, created_at)
         select * from unnest($1::text[], $2::text[], $3::numeric[], $4::timestamptz[])`,
        [rows.map((r) => r.name), rows.map((r) => r.description), rows.map((r) => r.price), rows.map((r) => r.created_at)],
      );
      await client.query('vacuum analyze');
    } finally {
      client.release();
      await pool.end();
    }
  }
  log(`  seeded ${options.users} users and tokens, ${options.products} products in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { sample, password: BENCH_PASSWORD };
}
