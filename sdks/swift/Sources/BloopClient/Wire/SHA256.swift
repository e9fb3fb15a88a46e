// SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104) in plain Swift.
//
// Used where CryptoKit is missing (Linux: no CryptoKit, no CommonCrypto); on Apple platforms the
// client signs with CryptoKit and the tests check that both give the same signatures.
//
// The files in Sources/BloopClient/Wire/ are written in a deliberately small subset of Swift
// (integers, arrays, strings as UTF-8 bytes, loops, static functions, explicit types). No Swift
// compiler runs in this project's CI, so tools/swiftlet.js executes these very files, with Swift's
// integer rules (overflow traps, `&+` wrapping, no implicit conversions), against the conformance
// vectors. Keep to that subset here; see tools/README.md.

enum PureSHA256 {
    static let initialHash: [UInt32] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ]

    static let roundConstants: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    /// `x` rotated right by `n` bits, 0 < n < 32.
    static func rotateRight(_ x: UInt32, _ n: UInt32) -> UInt32 {
        return (x >> n) | (x << (32 - n))
    }

    /// The 32-byte SHA-256 digest of `message`.
    static func hash(_ message: [UInt8]) -> [UInt8] {
        var data: [UInt8] = message
        let bitLength: UInt64 = UInt64(message.count) &* 8
        data.append(0x80)
        while data.count % 64 != 56 {
            data.append(0x00)
        }
        var byteIndex: Int = 7
        while byteIndex >= 0 {
            data.append(UInt8(truncatingIfNeeded: bitLength >> (byteIndex * 8)))
            byteIndex -= 1
        }

        var h: [UInt32] = initialHash
        var w: [UInt32] = [UInt32](repeating: 0, count: 64)
        var block: Int = 0
        while block < data.count {
            for t in 0..<16 {
                let base: Int = block + t * 4
                let b0: UInt32 = UInt32(data[base]) << 24
                let b1: UInt32 = UInt32(data[base + 1]) << 16
                let b2: UInt32 = UInt32(data[base + 2]) << 8
                let b3: UInt32 = UInt32(data[base + 3])
                w[t] = b0 | b1 | b2 | b3
            }
            for t in 16..<64 {
                let s0: UInt32 = rotateRight(w[t - 15], 7) ^ rotateRight(w[t - 15], 18) ^ (w[t - 15] >> 3)
                let s1: UInt32 = rotateRight(w[t - 2], 17) ^ rotateRight(w[t - 2], 19) ^ (w[t - 2] >> 10)
                w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
            }

            var a: UInt32 = h[0]
            var b: UInt32 = h[1]
            var c: UInt32 = h[2]
            var d: UInt32 = h[3]
            var e: UInt32 = h[4]
            var f: UInt32 = h[5]
            var g: UInt32 = h[6]
            var k: UInt32 = h[7]
            for t in 0..<64 {
                let sigma1: UInt32 = rotateRight(e, 6) ^ rotateRight(e, 11) ^ rotateRight(e, 25)
                let choice: UInt32 = (e & f) ^ ((~e) & g)
                let temp1: UInt32 = k &+ sigma1 &+ choice &+ roundConstants[t] &+ w[t]
                let sigma0: UInt32 = rotateRight(a, 2) ^ rotateRight(a, 13) ^ rotateRight(a, 22)
                let majority: UInt32 = (a & b) ^ (a & c) ^ (b & c)
                let temp2: UInt32 = sigma0 &+ majority
                k = g
                g = f
                f = e
                e = d &+ temp1
                d = c
                c = b
                b = a
                a = temp1 &+ temp2
            }
            h[0] = h[0] &+ a
            h[1] = h[1] &+ b
            h[2] = h[2] &+ c
            h[3] = h[3] &+ d
            h[4] = h[4] &+ e
            h[5] = h[5] &+ f
            h[6] = h[6] &+ g
            h[7] = h[7] &+ k
            block += 64
        }

        var digest: [UInt8] = []
        for word in h {
            digest.append(UInt8(truncatingIfNeeded: word >> 24))
            digest.append(UInt8(truncatingIfNeeded: word >> 16))
            digest.append(UInt8(truncatingIfNeeded: word >> 8))
            digest.append(UInt8(truncatingIfNeeded: word))
        }
        return digest
    }
}

enum PureHMAC {
    static let blockSize: Int = 64

    /// HMAC-SHA256 of `message` keyed with `key` (RFC 2104: a key longer than a block is hashed first).
    static func sha256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var paddedKey: [UInt8] = key
        if paddedKey.count > blockSize {
            paddedKey = PureSHA256.hash(paddedKey)
        }
        while paddedKey.count < blockSize {
            paddedKey.append(0x00)
        }
        var inner: [UInt8] = []
        var outer: [UInt8] = []
        for byte in paddedKey {
            inner.append(byte ^ 0x36)
            outer.append(byte ^ 0x5c)
        }
        inner.append(contentsOf: message)
        outer.append(contentsOf: PureSHA256.hash(inner))
        return PureSHA256.hash(outer)
    }
}

enum Hex {
    static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lower-case hex, two digits a byte: the form of `X-Signature`.
    static func lowercase(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
