package dev.bloop.service.sentry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.api.Utf8;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sentry frames as the text stacks bloop stores, shows and groups by: innermost call first, in the
 * platform's own format where bloop reads one (V8 {@code at fn (file:line:col)} for JavaScript, so
 * source maps apply; {@code at pkg.Class.method(File.java:12)} for the JVM; Python's
 * {@code File "...", line N, in fn}), else {@code at fn (file:line)}. Older exceptions of a chain
 * follow as "Caused by: Type: value" sections. The exception header itself is left out: it holds the
 * (variable) message, which must never stand in for a frame.
 */
final class Stacks {
    /** Frames of the app (as the SDK marked them) kept for grouping at most. */
    private static final int MAX_GROUPING_FRAMES = 50;

    enum Kind { JS, JVM, PYTHON, OTHER }

    /** The stack to store and show (within the cap), and the app's own frames to group by (null: all). */
    record Rendered(String display, String grouping) {
    }

    private Stacks() {
    }

    static Kind kind(String platform) {
        if (platform == null) {
            return Kind.OTHER;
        }
        return switch (platform) {
            case "javascript", "node" -> Kind.JS;
            case "java", "kotlin", "scala", "groovy", "clojure" -> Kind.JVM;
            case "python" -> Kind.PYTHON;
            default -> Kind.OTHER;
        };
    }

    /**
     * @param exceptions   the event's exceptions, oldest first
     * @param raised       the one raised (the newest with a type or value), or null
     * @param threadFrames frames of the capturing thread, used when no exception has frames
     */
    static Rendered render(Kind kind, List<JsonNode> exceptions, JsonNode raised, JsonNode threadFrames, int maxBytes) {
        StringBuilder out = new StringBuilder();
        int[] budget = {maxBytes};
        JsonNode groupingFrames = null;
        int start = -1;
        for (int i = 0; i < exceptions.size(); i++) {
            if (exceptions.get(i) == raised) {
                start = i;
            }
        }
        boolean first = true;
        for (int i = start; i >= 0; i--) {
            JsonNode x = exceptions.get(i);
            JsonNode frames = x.path("stacktrace").get("frames");
            boolean hasFrames = frames != null && frames.isArray() && !frames.isEmpty();
            if (!first) {
                String type = SentryEvents.text(x, "type");
                String value = SentryEvents.text(x, "value");
                String header = "Caused by: " + (type == null ? "Error" : type) + (value == null ? "" : ": "
                        + value.replace('\n', ' '));
                if (!append(out, SentryEvents.cut(header, 300), budget)) {
                    break;
                }
            }
            if (hasFrames) {
                if (groupingFrames == null) {
                    groupingFrames = frames;
                }
                if (!appendFrames(out, kind, frames, budget)) {
                    break;
                }
            }
            first = false;
        }
        if (groupingFrames == null && threadFrames != null && threadFrames.isArray() && !threadFrames.isEmpty()) {
            groupingFrames = threadFrames;
            appendFrames(out, kind, threadFrames, budget);
        }
        String display = out.length() == 0 ? null : out.toString();
        return new Rendered(display, groupingFrames == null ? null : inApp(kind, groupingFrames));
    }

    /** Innermost first; when the cap is reached, "... N more" says how many were left out. */
    private static boolean appendFrames(StringBuilder out, Kind kind, JsonNode frames, int[] budget) {
        for (int i = frames.size() - 1; i >= 0; i--) {
            String line = line(kind, frames.get(i), false);
            if (line == null) {
                continue;
            }
            if (!append(out, line, budget)) {
                append(out, "... " + (i + 1) + " more", budget);
                return false;
            }
            if (kind == Kind.PYTHON) {
                String context = SentryEvents.text(frames.get(i), "context_line");
                if (context != null && context.indexOf('\n') < 0) {
                    append(out, "    " + SentryEvents.cut(context.strip(), 200), budget);
                }
            }
        }
        return true;
    }

    private static boolean append(StringBuilder out, String line, int[] budget) {
        int bytes = Utf8.length(line) + (out.length() == 0 ? 0 : 1);
        if (bytes > budget[0]) {
            return false;
        }
        if (out.length() > 0) {
            out.append('\n');
        }
        out.append(line);
        budget[0] -= bytes;
        return true;
    }

    /** The frames marked {@code in_app: true}, innermost first; null when the SDK marked none. */
    private static String inApp(Kind kind, JsonNode frames) {
        List<String> lines = new ArrayList<>();
        for (int i = frames.size() - 1; i >= 0 && lines.size() < MAX_GROUPING_FRAMES; i--) {
            JsonNode f = frames.get(i);
            if (f.path("in_app").asBoolean(false)) {
                String line = line(kind, f, true);
                if (line != null) {
                    lines.add(line);
                }
            }
        }
        return lines.isEmpty() ? null : String.join("\n", lines);
    }

    /**
     * One frame as a line. For grouping, Python and other non-JavaScript frames name their file by
     * the SDK's relative {@code filename} rather than {@code abs_path}, which changes with the
     * directory a release is deployed to.
     */
    static String line(Kind kind, JsonNode f, boolean forGrouping) {
        if (f == null || !f.isObject()) {
            return null;
        }
        String function = clean(SentryEvents.text(f, "function"));
        if ("?".equals(function) || "<anonymous>".equals(function)) {
            function = null;
        }
        String absPath = clean(SentryEvents.text(f, "abs_path"));
        String filename = clean(SentryEvents.text(f, "filename"));
        String module = clean(SentryEvents.text(f, "module"));
        String pkg = clean(SentryEvents.text(f, "package"));
        String lineno = number(f.get("lineno"));
        String colno = number(f.get("colno"));
        switch (kind) {
            case JS -> {
                String path = first(absPath, filename, module);
                if (path == null) {
                    return function == null ? null : "at " + function;
                }
                String location = path + (lineno == null ? "" : ":" + lineno + (colno == null ? "" : ":" + colno));
                return function == null ? "at " + location : "at " + function + " (" + location + ")";
            }
            case JVM -> {
                String method = module == null ? function : function == null ? module : module + "." + function;
                if (method == null) {
                    return null;
                }
                String file = first(filename, absPath);
                return "at " + method + "(" + (file == null ? "Unknown Source" : file)
                        + (lineno == null ? "" : ":" + lineno) + ")";
            }
            case PYTHON -> {
                String file = forGrouping ? first(filename, absPath, module) : first(absPath, filename, module);
                if (file == null && function == null) {
                    return null;
                }
                return "File \"" + (file == null ? "<unknown>" : file) + "\"" + (lineno == null ? "" : ", line " + lineno)
                        + ", in " + (function == null ? "<module>" : function);
            }
            default -> {
                String file = forGrouping ? first(filename, module, base(pkg), absPath)
                        : first(absPath, filename, module, pkg);
                if (file == null && function == null) {
                    String addr = clean(SentryEvents.text(f, "instruction_addr"));
                    return addr == null ? null : "at " + addr;
                }
                String location = file == null ? null
                        : file + (lineno == null ? "" : ":" + lineno + (colno == null ? "" : ":" + colno));
                if (function == null) {
                    return "at " + location;
                }
                return location == null ? "at " + function : "at " + function + " (" + location + ")";
            }
        }
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static String base(String path) {
        if (path == null) {
            return null;
        }
        int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        return slash < 0 ? path : path.substring(slash + 1);
    }

    /** One line, bounded: a frame field never brings a newline or a kilobyte into the stack. */
    private static String clean(String s) {
        if (s == null) {
            return null;
        }
        String one = s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0 ? s.replace('\n', ' ').replace('\r', ' ') : s;
        return SentryEvents.cut(one.strip(), 300);
    }

    private static String number(JsonNode n) {
        return n != null && n.canConvertToLong() && n.isIntegralNumber() && n.asLong() >= 0
                ? Long.toString(n.asLong()) : null;
    }

    static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
