package dev.bloop.service.alert;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.hc.client5.http.DnsResolver;

/**
 * Keeps notifications from being turned against the box's own network (SSRF): a target whose host
 * resolves to a loopback, private, link-local, unique-local, carrier-grade NAT, reserved or
 * unspecified address, or to an IPv6 address that embeds such an IPv4 address (IPv4-compatible,
 * NAT64, 6to4, Teredo), is refused unless {@code alerting.allow_private_targets} is true.
 *
 * <p>Checked three times: at creation (literal addresses, {@code localhost} names and the DNS answer
 * of the moment), before each delivery, and, decisively, as the HTTP client's {@link #dns() resolver}:
 * the client connects only to addresses this guard has just checked, so a name that answers a public
 * address to the check and 127.0.0.1 to the connection (DNS rebinding) gets no connection.
 *
 * <p>IPv4 addresses written in other forms than four decimal numbers ({@code 0177.0.0.1},
 * {@code 0x7f.0.0.1}, {@code 2130706433}) are refused outright: tools disagree on what they mean.
 */
final class TargetGuard {
    /** Host names to addresses; the system resolver in production, a scripted one in tests. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** The connection was refused by the guard, not by the network: never retried. */
    static final class Refused extends UnknownHostException {
        private static final long serialVersionUID = 1L;

        Refused(String reason) {
            super(reason);
        }
    }

    private static final Pattern NUMERIC_LABEL = Pattern.compile("(0[xX][0-9a-fA-F]*|[0-9]+)");
    private static final Pattern DOTTED_DECIMAL = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    private final boolean allowPrivate;
    private final Resolver resolver;

    TargetGuard(boolean allowPrivate) {
        this(allowPrivate, InetAddress::getAllByName);
    }

    TargetGuard(boolean allowPrivate, Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
    }

    /** Null when the target may be used, else why not. */
    String refusal(URI uri) {
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            return "the URL has no host";
        }
        try {
            check(host);
            return null;
        } catch (Refused e) {
            return e.getMessage();
        } catch (UnknownHostException e) {
            return host + " does not resolve";
        }
    }

    /** The HTTP client's resolver: the checked addresses, or {@link Refused}. */
    DnsResolver dns() {
        return new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                return check(host);
            }

            @Override
            public String resolveCanonicalHostname(String host) throws UnknownHostException {
                return check(host)[0].getCanonicalHostName();
            }
        };
    }

    /** Resolves the host once and returns the addresses if every one of them may be used. */
    private InetAddress[] check(String host) throws UnknownHostException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        String refusal = syntaxRefusal(bare);
        if (refusal != null) {
            throw new Refused(refusal);
        }
        InetAddress[] addresses = resolver.resolve(bare);
        if (addresses == null || addresses.length == 0) {
            throw new UnknownHostException(host + " does not resolve");
        }
        if (!allowPrivate) {
            for (InetAddress address : addresses) {
                if (isPrivate(address)) {
                    throw new Refused(host + " resolves to the private address " + address.getHostAddress()
                            + " (set alerting.allow_private_targets to allow it)");
                }
            }
        }
        return addresses;
    }

    /** Refusals visible in the name alone, before any DNS: ambiguous IPv4 forms and localhost names. */
    private String syntaxRefusal(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        while (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (looksNumeric(name) && !DOTTED_DECIMAL.matcher(name).matches()) {
            return host + " is an IPv4 address in an ambiguous form: write it as four decimal numbers (a.b.c.d)";
        }
        if (!allowPrivate && (name.equals("localhost") || name.endsWith(".localhost"))) {
            return host + " is a loopback name (set alerting.allow_private_targets to allow it)";
        }
        return null;
    }

    /** Every label a number (decimal, octal or hex), as in 0177.0.0.1, 0x7f.1 or 2130706433. */
    private static boolean looksNumeric(String name) {
        if (name.isEmpty()) {
            return false;
        }
        String[] labels = name.split("\\.", -1);
        for (String label : labels) {
            if (!NUMERIC_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    static boolean isPrivate(InetAddress a) {
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            byte[] embedded = embeddedIpv4(b);
            if (embedded != null) {
                return isPrivate(ipv4(embedded));
            }
            return (b[0] & 0xfe) == 0xfc // fc00::/7, unique local
                    || b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b // the rest of 64:ff9b::/32: local-use NAT64
                    || b[0] == 0x01 && b[1] == 0 && allZero(b, 2, 8); // 100::/64, discard-only
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        return first == 0 // 0.0.0.0/8, "this network"
                || first == 100 && (second & 0xc0) == 64 // 100.64.0.0/10, carrier-grade NAT
                || first == 192 && second == 0 && (b[2] & 0xff) == 0 // 192.0.0.0/24, protocol assignments
                || first == 198 && (second & 0xfe) == 18 // 198.18.0.0/15, benchmarking
                || first >= 240; // 240.0.0.0/4 reserved, and the broadcast address
    }

    /**
     * The IPv4 address an IPv6 address carries, when it is of a form that reaches it: IPv4-compatible
     * ({@code ::a.b.c.d}), IPv4-mapped and -translated ({@code ::ffff:a.b.c.d}, {@code ::ffff:0:a.b.c.d}),
     * NAT64 ({@code 64:ff9b::/96}), 6to4 ({@code 2002::/16}) and Teredo
     * ({@code 2001::/32}, the client's address stored inverted). Null for any other address.
     */
    static byte[] embeddedIpv4(byte[] b) {
        if (b.length != 16) {
            return null;
        }
        if (allZero(b, 0, 12) || allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return slice(b, 12); // ::a.b.c.d (and :: and ::1 as 0.0.0.0 and 0.0.0.1), ::ffff:a.b.c.d
        }
        if (allZero(b, 0, 8) && (b[8] & 0xff) == 0xff && (b[9] & 0xff) == 0xff && b[10] == 0 && b[11] == 0) {
            return slice(b, 12); // ::ffff:0:a.b.c.d
        }
        if (b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && allZero(b, 4, 12)) {
            return slice(b, 12); // 64:ff9b::/96
        }
        if (b[0] == 0x20 && b[1] == 0x02) {
            return slice(b, 2);
        }
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) {
            byte[] client = slice(b, 12);
            for (int i = 0; i < 4; i++) {
                client[i] = (byte) ~client[i];
            }
            return client;
        }
        return null;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] slice(byte[] b, int from) {
        return new byte[] {b[from], b[from + 1], b[from + 2], b[from + 3]};
    }

    private static Inet4Address ipv4(byte[] four) {
        try {
            return (Inet4Address) InetAddress.getByAddress(four);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
