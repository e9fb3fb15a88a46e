package dev.bloop.service.auth;

import dev.bloop.service.access.Secrets;
import java.security.SecureRandom;
import java.util.Locale;

/**
 * The one-time code that opens first-admin registration. It exists only in memory, only while there
 * are no users, and is printed to the server log at start-up: whoever can read the log owns the box,
 * so a fresh instance cannot be claimed by whoever reaches it first over the network.
 */
public final class SetupCode {
    // No 0/O, 1/I/L: the code is read off a terminal and typed.
    private static final String ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    private static final int LENGTH = 16;
    private static final SecureRandom RANDOM = new SecureRandom();
    private volatile String code;

    /** Issues a new code (replacing any earlier one) and returns it. */
    public synchronized String issue() {
        StringBuilder b = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        code = b.toString();
        return code;
    }

    /** Constant-time comparison; case, spaces and dashes are forgiven. */
    public boolean matches(String presented) {
        String current = code;
        if (current == null || presented == null) {
            return false;
        }
        String normalized = presented.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
        return Secrets.same(normalized, current);
    }

    /** Once the first admin exists the code is spent. */
    public void consume() {
        code = null;
    }

    public boolean active() {
        return code != null;
    }
}
