package dev.bloop.service.sourcemap;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JavaScript stack line: V8/Chrome/Node {@code at fn (file:line:col)} and {@code at file:line:col},
 * Firefox/Safari {@code fn@file:line:col}. Line and column are 1-based, as engines print them.
 */
record JsFrame(String function, String file, int line, int column) {
    private static final Pattern V8 = Pattern.compile("^\\s*at (?:(.+?) \\()?(.+?):(\\d+):(\\d+)\\)?\\s*$");
    private static final Pattern GECKO = Pattern.compile("^\\s*(.*?)@(.+?):(\\d+):(\\d+)\\s*$");

    /** The frame, or null when the line is not a JavaScript frame with a position. */
    static JsFrame parse(String line) {
        Matcher m = V8.matcher(line);
        if (!m.matches()) {
            m = GECKO.matcher(line);
            if (!m.matches()) {
                return null;
            }
        }
        try {
            String fn = m.group(1) == null || m.group(1).isBlank() ? null : m.group(1).trim();
            return new JsFrame(fn, m.group(2), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The file's path without scheme, host, query or fragment: what a map's file name is matched against. */
    String path() {
        String f = file;
        int q = f.indexOf('?');
        if (q >= 0) {
            f = f.substring(0, q);
        }
        int h = f.indexOf('#');
        if (h >= 0) {
            f = f.substring(0, h);
        }
        int scheme = f.indexOf("://");
        if (scheme >= 0) {
            int slash = f.indexOf('/', scheme + 3);
            f = slash >= 0 ? f.substring(slash) : "/";
        }
        return f;
    }

    /** True when the uploaded map named {@code mapFileName} is the map of this frame's file. */
    boolean matches(String mapFileName) {
        String base = mapFileName.endsWith(".map") ? mapFileName.substring(0, mapFileName.length() - 4) : mapFileName;
        String path = path();
        return path.equals(base) || path.endsWith("/" + base);
    }
}
