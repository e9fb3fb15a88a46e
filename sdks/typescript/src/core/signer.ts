/**
 * Request signing: `X-Signature` is the lower-case hex HMAC-SHA256 of the exact body bytes, keyed
 * with the project's ingest secret as UTF-8.
 *
 * A {@link Signer} is pluggable: Node uses `node:crypto` (see `@bloop/sdk/node`), browsers use
 * `crypto.subtle`, and runtimes with neither (Hermes on React Native, an insecure browser context
 * where `crypto.subtle` is missing) fall back to {@link hmacSha256Hex}, a small pure-JS
 * implementation checked against the same conformance vectors.
 */
import { utf8Encode } from "./utf8.js";

/** Returns the lower-case hex HMAC-SHA256 of `body` keyed with `secret` (UTF-8). */
export type Signer = (secret: string, body: Uint8Array) => string | Promise<string>;

const HEX = "0123456789abcdef";

export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) {
    s += HEX[bytes[i] >> 4] + HEX[bytes[i] & 15];
  }
  return s;
}

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** SHA-256 of `data` (FIPS 180-4), in pure JavaScript. */
export function sha256(data: Uint8Array): Uint8Array {
  const bitLength = data.length * 8;
  const padded = new Uint8Array(((data.length + 9 + 63) >> 6) << 6);
  padded.set(data);
  padded[data.length] = 0x80;
  const view = new DataView(padded.buffer);
  // Message length in bits as a 64-bit big-endian integer (inputs stay far below 2^53 bits).
  view.setUint32(padded.length - 8, Math.floor(bitLength / 0x100000000));
  view.setUint32(padded.length - 4, bitLength >>> 0);
  const h = new Uint32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  const w = new Uint32Array(64);
  for (let off = 0; off < padded.length; off += 64) {
    for (let t = 0; t < 16; t++) w[t] = view.getUint32(off + t * 4);
    for (let t = 16; t < 64; t++) {
      const a = w[t - 15];
      const b = w[t - 2];
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
    }
    let a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (let t = 0; t < 64; t++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (k + S1 + ch + K[t] + w[t]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += k;
  }
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) outView.setUint32(i * 4, h[i]);
  return out;
}

/** HMAC-SHA256 (RFC 2104) of `data` keyed with `secret` as UTF-8, as lower-case hex; pure JavaScript. */
export function hmacSha256Hex(secret: string, data: Uint8Array): string {
  let key = utf8Encode(secret);
  if (key.length > 64) key = sha256(key);
  const inner = new Uint8Array(64 + data.length);
  const outer = new Uint8Array(64 + 32);
  for (let i = 0; i < 64; i++) {
    const b = i < key.length ? key[i] : 0;
    inner[i] = b ^ 0x36;
    outer[i] = b ^ 0x5c;
  }
  inner.set(data, 64);
  outer.set(sha256(inner), 64);
  return toHex(sha256(outer));
}

/** The pure-JS signer: works everywhere, synchronously. */
export const pureSigner: Signer = hmacSha256Hex;

interface SubtleLike {
  importKey(format: "raw", key: Uint8Array, algorithm: { name: string; hash: string }, extractable: boolean,
            usages: string[]): Promise<unknown>;
  sign(algorithm: string, key: unknown, data: Uint8Array): Promise<ArrayBuffer>;
}

/**
 * A signer over WebCrypto's `crypto.subtle` (browsers, Deno, Node 19+). Keys are imported once per
 * secret. If the platform's implementation fails (a partial polyfill), it falls back to the
 * pure-JS signer for that and every later call.
 */
export function subtleSigner(subtle: SubtleLike): Signer {
  const keys = new Map<string, Promise<unknown>>();
  let broken = false;
  return async (secret, body) => {
    if (broken) return hmacSha256Hex(secret, body);
    try {
      let key = keys.get(secret);
      if (!key) {
        key = subtle.importKey("raw", utf8Encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
        keys.set(secret, key);
      }
      const mac = await subtle.sign("HMAC", await key, body);
      return toHex(new Uint8Array(mac));
    } catch {
      broken = true;
      return hmacSha256Hex(secret, body);
    }
  };
}

/** `crypto.subtle` when the platform has it (a secure browser context), else the pure-JS signer. */
export function defaultSigner(): Signer {
  const c = (globalThis as unknown as { crypto?: { subtle?: Partial<SubtleLike> } }).crypto;
  const subtle = c && c.subtle;
  if (subtle && typeof subtle.importKey === "function" && typeof subtle.sign === "function") {
    return subtleSigner(subtle as SubtleLike);
  }
  return pureSigner;
}
