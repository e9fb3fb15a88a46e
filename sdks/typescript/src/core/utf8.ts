/**
 * UTF-8 helpers that work the same on Node, browsers and Hermes (React Native), with or without
 * TextEncoder. Caps are measured in UTF-8 bytes, as the server measures them, and a truncation never
 * splits a character (a surrogate pair stays whole).
 */

type Encoder = { encode(input: string): Uint8Array };
const G = globalThis as unknown as { TextEncoder?: new () => Encoder };
const nativeEncoder: Encoder | undefined = typeof G.TextEncoder === "function" ? new G.TextEncoder() : undefined;

/** The UTF-8 bytes of `s` (a lone surrogate becomes U+FFFD, as TextEncoder does). */
export function utf8Encode(s: string): Uint8Array {
  return nativeEncoder ? nativeEncoder.encode(s) : utf8EncodeJs(s);
}

/** The pure-JS encoder used where TextEncoder is missing (exported for tests). */
export function utf8EncodeJs(s: string): Uint8Array {
  const out = new Uint8Array(utf8Length(s));
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else {
        c = 0xfffd;
      }
    } else if (c >= 0xd800 && c <= 0xdfff) {
      c = 0xfffd;
    }
    if (c < 0x80) {
      out[o++] = c;
    } else if (c < 0x800) {
      out[o++] = 0xc0 | (c >> 6);
      out[o++] = 0x80 | (c & 63);
    } else if (c < 0x10000) {
      out[o++] = 0xe0 | (c >> 12);
      out[o++] = 0x80 | ((c >> 6) & 63);
      out[o++] = 0x80 | (c & 63);
    } else {
      out[o++] = 0xf0 | (c >> 18);
      out[o++] = 0x80 | ((c >> 12) & 63);
      out[o++] = 0x80 | ((c >> 6) & 63);
      out[o++] = 0x80 | (c & 63);
    }
  }
  return out;
}

/** Bytes of the code point starting at `s[i]` and how many UTF-16 units it takes. */
function codePointAt(s: string, i: number): [bytes: number, units: number] {
  const c = s.charCodeAt(i);
  if (c < 0x80) return [1, 1];
  if (c < 0x800) return [2, 1];
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return [4, 2];
  }
  return [3, 1];
}

/** The UTF-8 length of `s` without encoding it. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; ) {
    const [bytes, units] = codePointAt(s, i);
    n += bytes;
    i += units;
  }
  return n;
}

/** The longest prefix of `s` whose UTF-8 encoding fits in `maxBytes`, never splitting a character. */
export function truncateUtf8(s: string, maxBytes: number): string {
  // Cheap bound first: one UTF-16 unit is at most 3 UTF-8 bytes.
  if (s.length * 3 <= maxBytes) return s;
  let n = 0;
  let i = 0;
  while (i < s.length) {
    const [bytes, units] = codePointAt(s, i);
    if (n + bytes > maxBytes) break;
    n += bytes;
    i += units;
  }
  return i === s.length ? s : s.slice(0, i);
}

/** At most `maxUnits` UTF-16 units, without leaving half of a surrogate pair at the end. */
export function truncateChars(s: string, maxUnits: number): string {
  if (s.length <= maxUnits) return s;
  let end = maxUnits;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return s.slice(0, end);
}
