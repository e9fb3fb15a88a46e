package dev.bloop.kotlin.internal

import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec

/** `X-Signature`: lower-case hex HMAC-SHA256 of the exact body bytes, keyed with the secret as UTF-8. */
internal object Signing {
    private val HEX = "0123456789abcdef".toCharArray()

    fun hmacSha256Hex(secret: String, body: ByteArray): String {
        val mac = Mac.getInstance("HmacSHA256")
        mac.init(SecretKeySpec(secret.toByteArray(Charsets.UTF_8), "HmacSHA256"))
        val digest = mac.doFinal(body)
        val out = CharArray(digest.size * 2)
        for (i in digest.indices) {
            val b = digest[i].toInt() and 0xff
            out[2 * i] = HEX[b shr 4]
            out[2 * i + 1] = HEX[b and 0xf]
        }
        return String(out)
    }
}
