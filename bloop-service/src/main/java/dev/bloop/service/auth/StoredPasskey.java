package dev.bloop.service.auth;

/**
 * A registered passkey as stored: the credential id (base64url), webauthn4j's binary attested
 * credential data (holding the public key), and the authenticator's last sign counter.
 */
record StoredPasskey(String credentialId, String userId, byte[] attestedData, long signCount,
                     boolean uvInitialized, Boolean backupEligible, Boolean backupState, String transports) {
}
