// Token keys: what they are, what is stored, and how they are checked.
//
// - A key is 40 lowercase hex characters from 20 CSPRNG bytes (DRF's Token.generate_key).
// - The database never holds a key in readable form. It holds
//     key_digest = hex SHA-256(key), unique, what each request is looked up by; a key has
//                  160 random bits, so a fast hash is enough (no salt or stretching needed);
//     key_sealed = AES-256-GCM(key) under a key derived from SECRET_KEY with HKDF, with the
//                  digest as associated data, so login can return the same key every time
//                  (DRF's get-or-create contract) without a readable copy at rest.
//   A dump of the database alone authenticates no one; with SECRET_KEY too, the keys can be
//   recovered, which is the price of DRF's "same key on every login".
// - If SECRET_KEY changes, sealed keys no longer open: the next login replaces that user's
//   token (the old key stops working), and requests with existing keys still succeed,
//   because lookups use only the digest.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

export const TOKEN_KEY_PATTERN = /^[0-9a-f]{40}$/;

export function generateKey(): string {
  return randomBytes(20).toString('hex');
}

export function digestKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

const SEAL_VERSION = 'v1';

export interface TokenSealer {
  seal(key: string, digest: string): string;
  /** The key, or null when it cannot be opened (another SECRET_KEY, or tampered). */
  open(sealed: string, digest: string): string | null;
}

export function createTokenSealer(secretKey: string): TokenSealer {
  const encryptionKey = Buffer.from(hkdfSync('sha256', secretKey, 'tessera', 'token-seal:v1', 32));
  return {
    seal(key, digest) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encryptionKey, iv);
      cipher.setAAD(Buffer.from(digest));
      const ciphertext = Buffer.concat([cipher.update(key, 'utf8'), cipher.final()]);
      return `${SEAL_VERSION}.${Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64url')}`;
    },
    open(sealed, digest) {
      const [version, payload] = sealed.split('.');
      if (version !== SEAL_VERSION || payload === undefined) return null;
      const bytes = Buffer.from(payload, 'base64url');
      if (bytes.length < 12 + 16 + 1) return null;
      try {
        const decipher = createDecipheriv('aes-256-gcm', encryptionKey, bytes.subarray(0, 12));
        decipher.setAAD(Buffer.from(digest));
        decipher.setAuthTag(bytes.subarray(bytes.length - 16));
        const key = Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8');
        return digestKey(key) === digest ? key : null;
      } catch {
        return null;
      }
    },
  };
}
