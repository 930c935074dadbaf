// Django's password hashers (django/contrib/auth/hashers.py), so that hashes move both ways
// between a Django database and Tessera.
//   verify: pbkdf2_sha256, pbkdf2_sha1, argon2 (argon2id and argon2i), bcrypt_sha256,
//           bcrypt, scrypt; "!" (unusable) never matches.
//   write:  argon2$argon2id$v=19$m=102400,t=2,p=8$<salt>$<hash> (Django's current default).
// A correct password under any other format or parameters is re-hashed on login
// (needsRehash), as Django's check_password does. All hashing runs on libuv's thread pool,
// never on the event loop, and at most HASH_CONCURRENCY at a time so a login storm cannot
// take every thread (argon2 here costs 100 MiB and ~0.2 s of a core per hash).
import { createHash, pbkdf2, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';

// @node-rs/argon2's Algorithm is a const enum, which verbatimModuleSyntax cannot import.
const ARGON2ID = 2;
import { verify as bcryptVerify } from '@node-rs/bcrypt';

const pbkdf2Async = promisify(pbkdf2);
const scryptAsync = promisify(scrypt) as (password: string, salt: string, keylen: number, options: object) => Promise<Buffer>;

export const ARGON2_PARAMETERS = { memoryCost: 102_400, timeCost: 2, parallelism: 8 } as const;
const ARGON2_PREFIX = `$argon2id$v=19$m=${ARGON2_PARAMETERS.memoryCost},t=${ARGON2_PARAMETERS.timeCost},p=${ARGON2_PARAMETERS.parallelism}$`;

/** Bounds concurrent hashes: each waits for a slot instead of queueing inside libuv. */
class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly slots: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.slots) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
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

async function verifyPbkdf2(password: string, encoded: string, digest: 'sha256' | 'sha1'): Promise<boolean> {
  const [, iterationsText = '', salt = '', expected = ''] = encoded.split('$');
  const iterations = Number(iterationsText);
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > 10_000_000) return false;
  const length = digest === 'sha256' ? 32 : 20;
  const derived = await hashSlots.run(() => pbkdf2Async(password, salt, iterations, length, digest));
  return safeEqual(derived.toString('base64'), expected);
}

async function verifyScrypt(password: string, encoded: string): Promise<boolean> {
  // scrypt$<n>$<salt>$<r>$<p>$<base64 hash of 64 bytes>
  const [, nText = '', salt = '', rText = '', pText = '', expected = ''] = encoded.split('$');
  const [N, r, p] = [Number(nText), Number(rText), Number(pText)];
  if (![N, r, p].every((value) => Number.isInteger(value) && value > 0) || N > 2 ** 20 || r > 32 || p > 16) return false;
  const derived = await hashSlots.run(() => scryptAsync(password, salt, 64, { N, r, p, maxmem: 256 * N * r * p + 1024 * 1024 }));
  return safeEqual(derived.toString('base64'), expected);
}

async function verifyBcrypt(password: string, bcryptHash: string, preHash: boolean): Promise<boolean> {
  // bcrypt_sha256 feeds bcrypt the hex SHA-256 of the password (bcrypt reads 72 bytes at most).
  const input = preHash ? createHash('sha256').update(password).digest('hex') : password;
  try {
    return await hashSlots.run(() => bcryptVerify(input, bcryptHash));
  } catch {
    return false;
  }
}

async function verifyArgon2(password: string, encoded: string): Promise<boolean> {
  try {
    return await hashSlots.run(() => argon2Verify(encoded.slice('argon2'.length), password));
  } catch {
    return false;
  }
}

export function algorithmOf(encoded: string): string {
  const dollar = encoded.indexOf('$');
  return dollar === -1 ? '' : encoded.slice(0, dollar);
}

/** Checks a password against a Django-encoded hash. Unknown formats never match. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  if (encoded === '' || encoded.startsWith('!')) return false;
  switch (algorithmOf(encoded)) {
    case 'argon2':
      return verifyArgon2(password, encoded);
    case 'pbkdf2_sha256':
      return verifyPbkdf2(password, encoded, 'sha256');
    case 'pbkdf2_sha1':
      return verifyPbkdf2(password, encoded, 'sha1');
    case 'bcrypt_sha256':
      return verifyBcrypt(password, encoded.slice('bcrypt_sha256$'.length), true);
    case 'bcrypt':
      return verifyBcrypt(password, encoded.slice('bcrypt$'.length), false);
    case 'scrypt':
      return verifyScrypt(password, encoded);
    default:
      return false;
  }
}

/** Django's must_update: anything but argon2id with today's parameters is re-hashed. */
export function needsRehash(encoded: string): boolean {
  return !encoded.startsWith(`argon2${ARGON2_PREFIX}`);
}

/**
 * Spends the time a real check would, for a username that does not exist, so response
 * time does not tell which usernames exist (Django's ModelBackend does the same).
 */
export async function spendPasswordCheckTime(password: string): Promise<void> {
  await hashPassword(password);
}

/** Django's make_password(None): a hash no password matches. */
export function unusablePassword(): string {
  return `!${randomBytes(30).toString('base64url').slice(0, 40)}`;
}
