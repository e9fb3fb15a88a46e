package dev.bloop.service.auth;

import dev.bloop.api.Invite;
import dev.bloop.api.Passkeys.LoginChallenge;
import dev.bloop.api.Passkeys.RegistrationChallenge;
import dev.bloop.service.access.User;
import dev.bloop.service.web.ApiProblem;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-up and sign-in with passkeys. Three ceremonies: the first admin (only while there are no users,
 * and only with the setup code from the server log), a user joining by invite, and login. Each start
 * issues a challenge that lives two minutes and can be finished once; each finish creates a session.
 */
public final class PasskeyAuth {
    static final Duration CHALLENGE_TTL = Duration.ofMinutes(2);
    private static final Logger LOG = LoggerFactory.getLogger(PasskeyAuth.class);
    private static final Pattern USERNAME = Pattern.compile("[\\p{L}\\p{N}._@+-]{1,64}");

    enum Kind { FIRST_ADMIN, INVITE, LOGIN }

    /** A started ceremony, waiting for the browser's answer. */
    record Pending(Kind kind, byte[] challenge, String userId, String username, String userHandle, String inviteId,
                   boolean admin) {
    }

    /** A finished ceremony: who signed in, and their new session. */
    public record SignedIn(User user, Sessions.Created session) {
    }

    private final UserStore users;
    private final Invites invites;
    private final Sessions sessions;
    private final Passkeys passkeys;
    private final SetupCode setupCode;
    private final PasskeyChallenges pending;

    PasskeyAuth(UserStore users, Invites invites, Sessions sessions, Passkeys passkeys, SetupCode setupCode,
                PasskeyChallenges pending) {
        this.pending = pending;
        this.users = users;
        this.invites = invites;
        this.sessions = sessions;
        this.passkeys = passkeys;
        this.setupCode = setupCode;
    }

    public boolean setupComplete() {
        return users.anyUsers();
    }

    /** At start-up with no users: issue the setup code and print it where only the operator sees it. */
    void announceSetupCode(String dashboardUrl) {
        if (!users.anyUsers()) {
            String code = setupCode.issue();
            LOG.warn("No users yet. Open {} and create the first admin with this one-time setup code: {}",
                    dashboardUrl, code);
        }
    }

    RegistrationChallenge startFirstAdmin(String username, String presentedCode) {
        if (users.anyUsers()) {
            throw ApiProblem.forbidden("registration is closed: this server already has users; ask an admin "
                    + "for an invite");
        }
        if (presentedCode == null || presentedCode.isBlank()) {
            throw new ApiProblem(403, "setup code required: copy it from the server log line containing "
                    + "\"setup code\"", "setup_code");
        }
        if (!setupCode.matches(presentedCode)) {
            throw new ApiProblem(403, "wrong setup code: copy it from the server log line containing "
                    + "\"setup code\" (a restart issues a new one)", "setup_code");
        }
        String name = validUsername(username);
        return start(new Pending(Kind.FIRST_ADMIN, Passkeys.newChallenge(), UUID.randomUUID().toString(), name,
                Passkeys.newUserHandle(), null, true));
    }

    SignedIn finishFirstAdmin(String challengeId, String credentialJson) {
        Pending p = take(challengeId, Kind.FIRST_ADMIN);
        if (!setupCode.active()) {
            throw ApiProblem.forbidden("registration is closed: the setup code was already used");
        }
        StoredPasskey key = verify(credentialJson, p);
        User user = new User(p.userId(), p.username(), p.userHandle(), true, System.currentTimeMillis());
        if (!users.insertFirstAdmin(user, key, user.createdAt())) {
            throw ApiProblem.forbidden("registration is closed: this server already has users");
        }
        setupCode.consume();
        LOG.info("First admin {} registered; the setup code is spent", user.username());
        return new SignedIn(user, sessions.create(user.id()));
    }

    RegistrationChallenge startInvite(String username, String inviteToken) {
        Invite invite = invites.usable(inviteToken).orElseThrow(() -> ApiProblem.badRequest(
                "invite token is invalid, used or expired: ask an admin for a new invite", "invite_token"));
        String name = validUsername(username);
        return start(new Pending(Kind.INVITE, Passkeys.newChallenge(), UUID.randomUUID().toString(), name,
                Passkeys.newUserHandle(), invite.id(), invite.admin()));
    }

    SignedIn finishInvite(String challengeId, String credentialJson) {
        Pending p = take(challengeId, Kind.INVITE);
        StoredPasskey key = verify(credentialJson, p);
        User user = new User(p.userId(), p.username(), p.userHandle(), p.admin(), System.currentTimeMillis());
        boolean joined;
        try {
            joined = users.insertInvited(user, key, p.inviteId(), user.createdAt());
        } catch (UnableToExecuteStatementException e) {
            throw new ApiProblem(409, "username (or passkey) already registered", "username");
        }
        if (!joined) {
            throw ApiProblem.badRequest("invite token is invalid, used or expired: ask an admin for a new invite",
                    "invite_token");
        }
        LOG.info("User {} joined by invite", user.username());
        return new SignedIn(user, sessions.create(user.id()));
    }

    /**
     * Login options. With a username, that user's passkeys are the allow-list; without one (or for an
     * unknown name) the list is empty and the browser offers the site's discoverable passkeys, so the
     * answer never tells whether a username exists.
     */
    LoginChallenge startLogin(String username) {
        List<String> allow = username == null || username.isBlank() ? List.of()
                : users.byUsername(username.trim()).map(u -> users.passkeyIdsOf(u.id())).orElse(List.of());
        Pending p = new Pending(Kind.LOGIN, Passkeys.newChallenge(), null, null, null, null, false);
        return new LoginChallenge(remember(p), passkeys.requestOptions(p.challenge(), allow));
    }

    SignedIn finishLogin(String challengeId, String credentialJson) {
        Pending p = take(challengeId, Kind.LOGIN);
        Passkeys.Login login;
        try {
            login = passkeys.verifyLogin(credentialJson, p.challenge(), users::passkey,
                    id -> users.byId(id).map(User::userHandle));
        } catch (Passkeys.CeremonyFailed e) {
            LOG.info("Passkey login refused: {}", e.getMessage());
            throw new ApiProblem(401, e.getMessage(), "credential");
        }
        users.passkeyUsed(login.passkey().credentialId(), login.signCount(), login.backupState(),
                System.currentTimeMillis());
        User user = users.byId(login.passkey().userId())
                .orElseThrow(() -> new ApiProblem(401, "authentication failed: user removed", "credential"));
        return new SignedIn(user, sessions.create(user.id()));
    }

    private RegistrationChallenge start(Pending p) {
        if (users.byUsername(p.username()).isPresent()) {
            throw new ApiProblem(409, "username already taken", "username");
        }
        return new RegistrationChallenge(remember(p),
                passkeys.creationOptions(p.challenge(), p.userHandle(), p.username(), List.of()));
    }

    /** The id the browser's answer must come back with. */
    private String remember(Pending p) {
        return pending.remember(p);
    }

    /** Single use: the challenge is removed whether or not the ceremony then succeeds. */
    private Pending take(String challengeId, Kind kind) {
        Pending p = challengeId == null || challengeId.length() > 128 ? null : pending.take(challengeId).orElse(null);
        if (p == null) {
            throw ApiProblem.badRequest("challenge expired or invalid: start again", "challenge_id");
        }
        if (p.kind() != kind) {
            throw ApiProblem.badRequest("wrong challenge type: this challenge belongs to another ceremony",
                    "challenge_id");
        }
        return p;
    }

    private StoredPasskey verify(String credentialJson, Pending p) {
        try {
            return passkeys.verifyRegistration(credentialJson, p.challenge(), p.userId());
        } catch (Passkeys.CeremonyFailed e) {
            LOG.info("Passkey registration refused: {}", e.getMessage());
            throw ApiProblem.badRequest(e.getMessage(), "credential");
        }
    }

    private static String validUsername(String username) {
        String name = username == null ? "" : username.trim();
        if (name.isEmpty()) {
            throw ApiProblem.badRequest("username is required", "username");
        }
        if (!USERNAME.matcher(name).matches()) {
            throw ApiProblem.badRequest("username must be 1-64 letters, digits or . _ @ + -", "username");
        }
        return name;
    }
}
