// Django's password hashers (django/contrib/auth/hashers.py), so that hashes move both ways
// between a Django database and Tessera.
//   verify: pbkdf2_sha256, pbkdf2_sha1, argon2 (argon2id and argon2i), bcrypt_sha256,
//           bcrypt, scrypt; "!" (unusable) never matches; and argon2_wrapped (below).
//   write:  argon2$argon2id$v=19$m=102400,t=2,p=8$<salt>$<hash> (Django's current default).
// A correct password under any other format or parameters is re-hashed on login
// (needsRehash), as Django's check_password does. All hashing runs on libuv's thread pool,
// never on the event loop, and at most HASH_CONCURRENCY at a time so a login storm cannot
// take every thread (argon2 here costs 100 MiB and ~0.2 s of a core per hash).
//
// Wrapped hashes (`tessera hashes upgrade`): Django's "password upgrading without requiring
// a login" (PBKDF2WrappedSHA1PasswordHasher in docs/topics/auth/passwords.txt) with today's
// hasher outside. An imported hash's digest becomes the password of a new argon2id hash:
//   argon2_wrapped$<the old hash without its digest>$<argon2id salt>$<argon2id hash>
// e.g. argon2_wrapped$pbkdf2_sha256$1000000$<salt>$<salt>$<hash>, with today's argon2id
// parameters implied (it must fit Django's 128 characters). Verifying runs the old hasher
// (with its salt and parameters) and then argon2id on its digest; a correct password is
// re-hashed to the plain current format. Django itself cannot read this format.
//
// Login timing (loginPasswordChecker): every failed login costs about the same whatever the
// account's hash. Django closes the gap only within one hasher (harden_runtime) and says in
// check_password that it does not protect against enumeration when the hasher differs; an
// imported pbkdf2_sha256$1000000 hash then takes ~4x an argon2 check. Here an unknown
// username is checked against a hash of the slowest format in use, and any failure is held
// until the slowest format's cost has passed (a sleep, no CPU), so unknown usernames, wrong
// passwords on argon2 and on imported hashes all answer alike.
import { createHash, pbkdf2, randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

// @node-rs/argon2's Algorithm is a const enum, which verbatimModuleSyntax cannot import.
const ARGON2ID = 2;
import { verify as bcryptVerify } from '@node-rs/bcrypt';

const pbkdf2Async = promisify(pbkdf2);
const scryptAsync = promisify(scrypt) as (password: string, salt: string, keylen: number, options: object) => Promise<Buffer>;

export const ARGON2_PARAMETERS = { memoryCost: 102_400, timeCost: 2, parallelism: 8 } as const;
const ARGON2_PREFIX = `$argon2id$v=19$m=${ARGON2_PARAMETERS.memoryCost},t=${ARGON2_PARAMETERS.timeCost},p=${ARGON2_PARAMETERS.parallelism}$`;

interface HashTimer {
  ms: number;
}

type SlotRunner = <T>(task: () => Promise<T>) => Promise<T>;

/** Bounds concurrent hashes: each waits for a slot instead of queueing inside libuv. */
class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly slots: number) {}

  /** Runs task in a slot; `timer.ms` grows by the time it held the slot (the hash itself, not the wait). */
  async run<T>(task: () => Promise<T>, timer?: HashTimer): Promise<T> {
    if (this.active >= this.slots) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    const started = performance.now();
    try {
      return await task();
    } finally {
      if (timer !== undefined) timer.ms += performance.now() - started;
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

const HASH_CONCURRENCY = Math.max(1, Number(process.env.HASH_CONCURRENCY) || availableParallelism());
const hashSlots = new Semaphore(HASH_CONCURRENCY);

/** Hashes a new password in Django's argon2 format. */
export async function hashPassword(password: string): Promise<string> {
  const phc = await hashSlots.run(() =>
    argon2Hash(password, { algorithm: ARGON2ID, ...ARGON2_PARAMETERS, outputLen: 32 }));
  return `argon2${phc}`;
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Computes a hash's digest from a password, in the hash's own encoding. */
type Deriver = (password: string, run: SlotRunner) => Promise<string>;

/**
 * For the formats that end in `$<digest>` (pbkdf2_sha256, pbkdf2_sha1, scrypt): the deriver
 * of that digest, from the hash without it; null when the parameters are not ones to run.
 */
function digestDeriver(prefix: string): Deriver | null {
  const parts = prefix.split('$');
  switch (parts[0]) {
    case 'pbkdf2_sha256':
    case 'pbkdf2_sha1': {
      // pbkdf2_sha256$<iterations>$<salt>
      const [algorithm, iterationsText = '', salt = ''] = parts;
      const iterations = Number(iterationsText);
      if (parts.length !== 3 || !Number.isInteger(iterations) || iterations < 1 || iterations > 10_000_000) return null;
      const digest = algorithm === 'pbkdf2_sha256' ? 'sha256' : 'sha1';
      const length = digest === 'sha256' ? 32 : 20;
      return async (password, run) => (await run(() => pbkdf2Async(password, salt, iterations, length, digest))).toString('base64');
    }
    case 'scrypt': {
      // scrypt$<n>$<salt>$<r>$<p> (the digest: base64 of 64 bytes)
      const [, nText = '', salt = '', rText = '', pText = ''] = parts;
      const [N, r, p] = [Number(nText), Number(rText), Number(pText)];
      if (parts.length !== 5 || ![N, r, p].every((value) => Number.isInteger(value) && value > 0) || N > 2 ** 20 || r > 32 || p > 16) return null;
      return async (password, run) =>
        (await run(() => scryptAsync(password, salt, 64, { N, r, p, maxmem: 256 * N * r * p + 1024 * 1024 }))).toString('base64');
    }
    default:
      return null;
  }
}

async function verifyDigest(password: string, encoded: string, run: SlotRunner): Promise<boolean> {
  const cut = encoded.lastIndexOf('$');
  const derive = digestDeriver(encoded.slice(0, cut));
  return derive !== null && safeEqual(await derive(password, run), encoded.slice(cut + 1));
}

async function verifyBcrypt(password: string, bcryptHash: string, preHash: boolean, run: SlotRunner): Promise<boolean> {
  // bcrypt_sha256 feeds bcrypt the hex SHA-256 of the password (bcrypt reads 72 bytes at most).
  const input = preHash ? createHash('sha256').update(password).digest('hex') : password;
  try {
    return await run(() => bcryptVerify(input, bcryptHash));
  } catch {
    return false;
  }
}

async function verifyArgon2(password: string, phc: string, run: SlotRunner): Promise<boolean> {
  try {
    return await run(() => argon2Verify(phc, password));
  } catch {
    return false;
  }
}

const WRAPPED = 'argon2_wrapped$';
// Django's auth_user.password is varchar(128): a wrapped hash names no parameters of its
// own. `argon2_wrapped` means argon2id v=19 with ARGON2_PARAMETERS as they are today; other
// parameters would need another name.
const PASSWORD_MAX_LENGTH = 128;

/** argon2_wrapped$<inner hash without its digest>$<argon2id salt>$<argon2id hash>. */
function splitWrapped(encoded: string): { inner: string; outer: string } | null {
  const hashAt = encoded.lastIndexOf('$');
  const saltAt = encoded.lastIndexOf('$', hashAt - 1);
  if (!encoded.startsWith(WRAPPED) || saltAt <= WRAPPED.length) return null;
  return { inner: encoded.slice(WRAPPED.length, saltAt), outer: `${ARGON2_PREFIX}${encoded.slice(saltAt + 1)}` };
}

async function verifyWrapped(password: string, encoded: string, run: SlotRunner): Promise<boolean> {
  const parts = splitWrapped(encoded);
  const derive = parts === null ? null : digestDeriver(parts.inner);
  if (parts === null || derive === null) return false;
  return verifyArgon2(await derive(password, run), parts.outer, run);
}

export function algorithmOf(encoded: string): string {
  const dollar = encoded.indexOf('$');
  return dollar === -1 ? '' : encoded.slice(0, dollar);
}

async function verifyWith(password: string, encoded: string, run: SlotRunner): Promise<boolean> {
  if (encoded === '' || encoded.startsWith('!')) return false;
  switch (algorithmOf(encoded)) {
    case 'argon2':
      return verifyArgon2(password, encoded.slice('argon2'.length), run);
    case 'argon2_wrapped':
      return verifyWrapped(password, encoded, run);
    case 'bcrypt_sha256':
      return verifyBcrypt(password, encoded.slice('bcrypt_sha256$'.length), true, run);
    case 'bcrypt':
      return verifyBcrypt(password, encoded.slice('bcrypt$'.length), false, run);
    default:
      return verifyDigest(password, encoded, run);
  }
}

const inASlot: SlotRunner = (task) => hashSlots.run(task);

/** Checks a password against a Django-encoded hash. Unknown formats never match. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  return verifyWith(password, encoded, inASlot);
}

/** Django's must_update: anything but argon2id with today's parameters is re-hashed. */
export function needsRehash(encoded: string): boolean {
  return !encoded.startsWith(`argon2${ARGON2_PREFIX}`);
}

/**
 * An imported hash wrapped in today's hasher (the header), or null for one that is current,
 * already wrapped, unusable, of a format that cannot be wrapped (bcrypt, argon2 with other
 * parameters: they are re-hashed at the user's next login instead), or too long to store.
 */
export async function wrapHash(encoded: string): Promise<string | null> {
  const cut = encoded.lastIndexOf('$');
  const inner = encoded.slice(0, cut);
  if (cut === -1 || digestDeriver(inner) === null) return null;
  const outer = await hashSlots.run(() =>
    argon2Hash(encoded.slice(cut + 1), { algorithm: ARGON2ID, ...ARGON2_PARAMETERS, outputLen: 32 }));
  const wrapped = `${WRAPPED}${inner}$${outer.slice(ARGON2_PREFIX.length)}`;
  return wrapped.length <= PASSWORD_MAX_LENGTH ? wrapped : null;
}

/**
 * A hash's format: its algorithm and cost parameters, without salt or digest, so that two
 * hashes of one format cost the same to check ('' for a hash that is never checked).
 */
export function hashFormat(encoded: string): string {
  if (encoded === '' || encoded.startsWith('!')) return '';
  const parts = encoded.split('$');
  switch (parts[0]) {
    case 'pbkdf2_sha256':
    case 'pbkdf2_sha1':
      return parts.slice(0, 2).join('$');
    case 'scrypt':
      return [parts[0], parts[1], parts[3], parts[4]].join('$');
    case 'argon2': // argon2$argon2id$v=19$m=…,t=…,p=…
    case 'bcrypt_sha256': // bcrypt_sha256$$2b$12
    case 'bcrypt':
      return parts.slice(0, 4).join('$');
    case 'argon2_wrapped': {
      const wrapped = splitWrapped(encoded);
      return wrapped === null ? '' : `${WRAPPED}${hashFormat(`${wrapped.inner}$`)}`;
    }
    default:
      return '';
  }
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A hash of the same format and cost as `encoded` that no password is expected to match:
 * 20 characters of its digest replaced at random. Every format's digest is longer than 22
 * characters; the last two stay, as they carry base64's padding bits.
 */
function dummyOf(encoded: string): string {
  if (encoded.length < 30) return encoded;
  const random = Array.from({ length: 20 }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('');
  return `${encoded.slice(0, -22)}${random}${encoded.slice(-2)}`;
}

/** A login's password check: whether it matched, and the time the hashing itself took. */
export interface PasswordCheck {
  readonly valid: boolean;
  readonly hashMs: number;
}

export interface LoginPasswordChecker {
  /** Checks the password against the user's hash, or (null: no such user) a hash of the slowest format in use. */
  check(password: string, encoded: string | null): Promise<PasswordCheck>;
  /** Holds a failed login until checking the slowest format in use would have ended. */
  failed(check: PasswordCheck): Promise<void>;
  /** The formats in use and what one check of each costs now (ms), slowest first. */
  costs(): Promise<Array<{ format: string; ms: number }>>;
}

/** Every hash format in auth_user, with one hash of each, read in pages by id. */
export async function hashFormatsInUse(db: Kysely<Database>): Promise<Map<string, string>> {
  const samples = new Map<string, string>();
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('auth_user').select(['id', 'password'])
      .where('id', '>', after)
      .where('password', 'not like', `argon2${ARGON2_PREFIX}%`)
      .orderBy('id').limit(5000).execute();
    for (const row of rows) {
      const format = hashFormat(row.password);
      if (format !== '' && !samples.has(format)) samples.set(format, row.password);
    }
    if (rows.length < 5000) return samples;
    after = rows[rows.length - 1]!.id;
  }
}

// A hash in the current format, made once per process (a real argon2 hash: its cost is a check's).
let currentSample: Promise<string> | undefined;

/**
 * The login's password checks, equal in cost for every failure (the header). The formats in
 * use are read from the database at the first login (one pass over auth_user, skipping
 * current hashes), each timed once; later checks keep each format's cost up to date (a
 * moving average, so the hold follows the machine's load) and add any format not seen yet.
 */
export function loginPasswordChecker(db: Kysely<Database>): LoginPasswordChecker {
  const formats = new Map<string, { ms: number; dummy: string }>();
  let slowest: { ms: number; dummy: string } | undefined;
  let ready: Promise<void> | undefined;

  function learn(format: string, encoded: string, ms: number): void {
    if (format === '') return;
    const known = formats.get(format);
    if (known === undefined) formats.set(format, { ms, dummy: dummyOf(encoded) });
    else known.ms = known.ms === 0 ? ms : known.ms * 0.8 + ms * 0.2;
    slowest = [...formats.values()].reduce((a, b) => (b.ms > a.ms ? b : a));
  }

  async function timed(password: string, encoded: string): Promise<PasswordCheck> {
    const timer: HashTimer = { ms: 0 };
    const valid = await verifyWith(password, encoded, (task) => hashSlots.run(task, timer));
    learn(hashFormat(encoded), encoded, timer.ms);
    return { valid, hashMs: timer.ms };
  }

  async function calibrate(): Promise<void> {
    currentSample ??= hashPassword(randomBytes(16).toString('hex'));
    const samples = await hashFormatsInUse(db);
    const current = await currentSample;
    if (samples.size === 0) {
      // One format: every check costs the same already; its cost is learnt from the checks.
      learn(hashFormat(current), current, 0);
      return;
    }
    samples.set(hashFormat(current), current);
    // One at a time, so that each is timed alone.
    for (const sample of samples.values()) await timed(randomBytes(16).toString('hex'), dummyOf(sample));
  }

  function calibrated(): Promise<void> {
    // A failed read (the database away) is tried again at the next login.
    ready ??= calibrate().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  }

  return {
    async check(password, encoded) {
      await calibrated();
      if (encoded !== null) return timed(password, encoded);
      const check = await timed(password, slowest!.dummy);
      return { valid: false, hashMs: check.hashMs };
    },
    async failed(check) {
      const hold = (slowest?.ms ?? 0) - check.hashMs;
      if (hold >= 1) await sleep(hold);
    },
    async costs() {
      await calibrated();
      return [...formats].map(([format, { ms }]) => ({ format, ms })).sort((a, b) => b.ms - a.ms);
    },
  };
}

/** Django's make_password(None): a hash no password matches. */
export function unusablePassword(): string {
  return `!${randomBytes(30).toString('base64url').slice(0, 40)}`;
}
