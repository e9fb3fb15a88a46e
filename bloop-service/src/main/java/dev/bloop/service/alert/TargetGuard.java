package dev.bloop.service.alert;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Keeps notifications from being turned against the box's own network (SSRF): a target whose host
 * resolves to a loopback, private, link-local, unique-local, carrier-grade NAT or unspecified
 * address is refused unless {@code alerting.allow_private_targets} is true. Checked at delivery,
 * after DNS resolution, and at creation for literal addresses.
 */
final class TargetGuard {
    private final boolean allowPrivate;

    TargetGuard(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /** Null when the target may be used, else why not. */
    String refusal(URI uri) {
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            return "the URL has no host";
        }
        if (allowPrivate) {
            return null;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (isPrivate(address)) {
                    return host + " resolves to the private address " + address.getHostAddress()
                            + " (set alerting.allow_private_targets to allow it)";
                }
            }
            return null;
        } catch (UnknownHostException e) {
            return host + " does not resolve";
        }
    }

    static boolean isPrivate(InetAddress a) {
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            return (b[0] & 0xfe) == 0xfc; // fc00::/7, unique local
        }
        return (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64 // 100.64.0.0/10, carrier-grade NAT
                || (b[0] & 0xff) == 0; // 0.0.0.0/8
    }
}
