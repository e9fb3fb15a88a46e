package dev.bloop.service.errors;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Browser, OS and device names from a User-Agent string, for the tag breakdown of issues whose
 * events carry {@code metadata.user_agent}. Major browsers and platforms only: a name that is not
 * recognised is left out rather than guessed.
 */
final class UserAgents {
    private static final Pattern EDGE = Pattern.compile("Edg(?:e|A|iOS)?/(\\d+)");
    private static final Pattern OPERA = Pattern.compile("OPR/(\\d+)");
    private static final Pattern FIREFOX = Pattern.compile("(?:Firefox|FxiOS)/(\\d+)");
    private static final Pattern CHROME = Pattern.compile("(?:Chrome|CriOS)/(\\d+)");
    private static final Pattern SAFARI = Pattern.compile("Version/(\\d+(?:\\.\\d+)?).*Safari/");
    private static final Pattern IOS = Pattern.compile("(?:iPhone|CPU) OS (\\d+)(?:_(\\d+))?");
    private static final Pattern ANDROID = Pattern.compile("Android (\\d+(?:\\.\\d+)?)");
    private static final Pattern MAC = Pattern.compile("Mac OS X \\d+");
    private static final Pattern WINDOWS = Pattern.compile("Windows NT (\\d+\\.\\d+)");
    private static final Pattern ANDROID_MODEL = Pattern.compile("Android [^;)]*; (?:[a-z]{2}[-_][A-Za-z]{2}; )?([^;)]+?)(?: Build/[^;)]*)?\\)");

    private UserAgents() {
    }

    static String browser(String ua) {
        Matcher m;
        if ((m = EDGE.matcher(ua)).find()) {
            return "Edge " + m.group(1);
        }
        if ((m = OPERA.matcher(ua)).find()) {
            return "Opera " + m.group(1);
        }
        if ((m = FIREFOX.matcher(ua)).find()) {
            return "Firefox " + m.group(1);
        }
        if ((m = CHROME.matcher(ua)).find()) {
            return "Chrome " + m.group(1);
        }
        if ((m = SAFARI.matcher(ua)).find()) {
            return "Safari " + m.group(1);
        }
        return null;
    }

    static String os(String ua) {
        Matcher m;
        if ((m = IOS.matcher(ua)).find() && (ua.contains("iPhone") || ua.contains("iPad") || ua.contains("iPod"))) {
            return "iOS " + m.group(1) + (m.group(2) == null ? "" : "." + m.group(2));
        }
        if ((m = ANDROID.matcher(ua)).find()) {
            return "Android " + m.group(1);
        }
        if (ua.contains("CrOS")) {
            return "ChromeOS";
        }
        if (MAC.matcher(ua).find()) {
            return "macOS";
        }
        if ((m = WINDOWS.matcher(ua)).find()) {
            return switch (m.group(1)) {
                case "10.0" -> "Windows 10/11";
                case "6.3" -> "Windows 8.1";
                case "6.1" -> "Windows 7";
                default -> "Windows";
            };
        }
        if (ua.contains("Linux")) {
            return "Linux";
        }
        return null;
    }

    static String device(String ua) {
        if (ua.contains("iPhone")) {
            return "iPhone";
        }
        if (ua.contains("iPad")) {
            return "iPad";
        }
        Matcher m = ANDROID_MODEL.matcher(ua);
        if (m.find()) {
            String model = m.group(1).strip();
            return model.isEmpty() || model.equals("K") || model.startsWith("Linux") ? null : model;
        }
        return null;
    }
}
