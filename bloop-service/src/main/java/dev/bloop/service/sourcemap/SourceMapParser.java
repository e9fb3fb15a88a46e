package dev.bloop.service.sourcemap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads Source Map v3 JSON (plain maps and index maps with {@code sections}) into a {@link SourceMap}. */
final class SourceMapParser {
    private final ObjectMapper json;

    SourceMapParser(ObjectMapper json) {
        this.json = json;
    }

    SourceMap parse(byte[] bytes) throws InvalidSourceMapException {
        JsonNode root;
        try {
            root = json.readTree(bytes);
        } catch (IOException e) {
            throw new InvalidSourceMapException("not JSON: " + firstLine(e.getMessage()));
        }
        return parse(root, true);
    }

    private SourceMap parse(JsonNode root, boolean sectionsAllowed) throws InvalidSourceMapException {
        if (root == null || !root.isObject()) {
            throw new InvalidSourceMapException("a source map is a JSON object");
        }
        if (root.path("version").asInt(-1) != 3 || !root.path("version").isNumber()) {
            throw new InvalidSourceMapException("version must be 3");
        }
        if (root.has("sections")) {
            if (!sectionsAllowed) {
                throw new InvalidSourceMapException("a section's map cannot have sections of its own");
            }
            return parseSections(root.get("sections"));
        }
        JsonNode mappings = root.get("mappings");
        if (mappings == null || !mappings.isTextual()) {
            throw new InvalidSourceMapException("mappings must be a string");
        }
        List<String> sources = strings(root, "sources", true);
        String sourceRoot = root.path("sourceRoot").asText("");
        if (!sourceRoot.isEmpty()) {
            String prefix = sourceRoot.endsWith("/") ? sourceRoot : sourceRoot + "/";
            sources.replaceAll(s -> s == null ? null : prefix + s);
        }
        List<String> names = strings(root, "names", false);
        try {
            return new SourceMap(decode(mappings.asText(), sources.size(), names.size()), sources, names);
        } catch (IllegalArgumentException e) {
            throw new InvalidSourceMapException("mappings: " + e.getMessage());
        }
    }

    private SourceMap parseSections(JsonNode sections) throws InvalidSourceMapException {
        if (!sections.isArray()) {
            throw new InvalidSourceMapException("sections must be an array");
        }
        List<SourceMap.Section> out = new ArrayList<>();
        int lastLine = -1;
        int lastColumn = -1;
        for (JsonNode s : sections) {
            JsonNode offset = s.path("offset");
            if (!offset.path("line").isInt() || !offset.path("column").isInt()) {
                throw new InvalidSourceMapException("each section needs an offset with line and column");
            }
            int line = offset.get("line").asInt();
            int column = offset.get("column").asInt();
            if (line < lastLine || (line == lastLine && column <= lastColumn)) {
                throw new InvalidSourceMapException("sections must be ordered by offset");
            }
            if (s.has("url")) {
                throw new InvalidSourceMapException("sections that refer to a url are not supported; inline the map");
            }
            out.add(new SourceMap.Section(line, column, parse(s.get("map"), false)));
            lastLine = line;
            lastColumn = column;
        }
        return new SourceMap(out);
    }

    private static List<String> strings(JsonNode root, String field, boolean required) throws InvalidSourceMapException {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw new InvalidSourceMapException(field + " must be an array of strings");
            }
            return new ArrayList<>();
        }
        if (!node.isArray()) {
            throw new InvalidSourceMapException(field + " must be an array of strings");
        }
        List<String> out = new ArrayList<>(node.size());
        for (JsonNode n : node) {
            if (n.isNull()) {
                out.add(null);
            } else if (n.isTextual()) {
                out.add(n.asText());
            } else {
                throw new InvalidSourceMapException(field + " must be an array of strings");
            }
        }
        return out;
    }

    /** Segments are 1, 4 or 5 VLQ fields; all but the generated column are relative across lines. */
    static SourceMap.Line[] decode(String mappings, int sourceCount, int nameCount) {
        List<SourceMap.Line> lines = new ArrayList<>();
        int[] pos = {0};
        int sourceIdx = 0;
        int sourceLine = 0;
        int sourceColumn = 0;
        int nameIdx = 0;
        IntList columns = new IntList();
        IntList sources = new IntList();
        IntList srcLines = new IntList();
        IntList srcColumns = new IntList();
        IntList names = new IntList();
        int column = 0;
        int n = mappings.length();
        while (pos[0] <= n) {
            if (pos[0] == n || mappings.charAt(pos[0]) == ';') {
                lines.add(columns.size() == 0 ? null : line(columns, sources, srcLines, srcColumns, names));
                columns = new IntList();
                sources = new IntList();
                srcLines = new IntList();
                srcColumns = new IntList();
                names = new IntList();
                column = 0;
                pos[0]++;
                continue;
            }
            if (mappings.charAt(pos[0]) == ',') {
                pos[0]++;
                continue;
            }
            column += Vlq.decode(mappings, pos);
            if (column < 0) {
                throw new IllegalArgumentException("negative generated column");
            }
            columns.add(column);
            if (pos[0] < n && mappings.charAt(pos[0]) != ',' && mappings.charAt(pos[0]) != ';') {
                sourceIdx += Vlq.decode(mappings, pos);
                sourceLine += Vlq.decode(mappings, pos);
                sourceColumn += Vlq.decode(mappings, pos);
                if (sourceIdx < 0 || sourceIdx >= sourceCount || sourceLine < 0 || sourceColumn < 0) {
                    throw new IllegalArgumentException("a segment points outside the sources");
                }
                sources.add(sourceIdx);
                srcLines.add(sourceLine);
                srcColumns.add(sourceColumn);
                if (pos[0] < n && mappings.charAt(pos[0]) != ',' && mappings.charAt(pos[0]) != ';') {
                    nameIdx += Vlq.decode(mappings, pos);
                    if (nameIdx < 0 || nameIdx >= nameCount) {
                        throw new IllegalArgumentException("a segment points outside the names");
                    }
                    names.add(nameIdx);
                } else {
                    names.add(-1);
                }
            } else {
                sources.add(-1);
                srcLines.add(-1);
                srcColumns.add(-1);
                names.add(-1);
            }
        }
        return lines.toArray(new SourceMap.Line[0]);
    }

    private static SourceMap.Line line(IntList columns, IntList sources, IntList lines, IntList srcColumns, IntList names) {
        int[] c = columns.toArray();
        int[] s = sources.toArray();
        int[] l = lines.toArray();
        int[] sc = srcColumns.toArray();
        int[] nm = names.toArray();
        boolean sorted = true;
        for (int i = 1; i < c.length && sorted; i++) {
            sorted = c[i - 1] <= c[i];
        }
        if (!sorted) {
            Integer[] order = new Integer[c.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Integer.compare(c[a], c[b]));
            int[][] all = {c, s, l, sc, nm};
            for (int k = 0; k < all.length; k++) {
                int[] copy = all[k].clone();
                for (int i = 0; i < order.length; i++) {
                    all[k][i] = copy[order[i]];
                }
            }
        }
        return new SourceMap.Line(c, s, l, sc, nm);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int cut = s.indexOf('\n');
        return cut > 0 ? s.substring(0, cut) : s;
    }

    /** A growable int array: the mappings of a large bundle are millions of ints. */
    private static final class IntList {
        private int[] values = new int[8];
        private int size;

        void add(int v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        int size() {
            return size;
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
