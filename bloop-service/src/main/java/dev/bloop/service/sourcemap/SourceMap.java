package dev.bloop.service.sourcemap;

import java.util.Arrays;
import java.util.List;

/**
 * A decoded source map, compact: per generated line, segments as parallel int arrays sorted by
 * generated column. An index map is a list of sections, each a map placed at an offset.
 * All positions here are 0-based, as in the format.
 */
final class SourceMap {
    /** One mapped position in an original source. */
    record Position(String source, int line, int column, String name) {
    }

    /** A plain map's lines; null for an index map. */
    private final Line[] lines;
    private final List<String> sources;
    private final List<String> names;
    /** An index map's sections, ordered by offset; null for a plain map. */
    private final List<Section> sections;
    private final long weight;

    record Line(int[] columns, int[] sourceIdx, int[] sourceLine, int[] sourceColumn, int[] nameIdx) {
    }

    record Section(int line, int column, SourceMap map) {
    }

    SourceMap(Line[] lines, List<String> sources, List<String> names) {
        this.lines = lines;
        this.sources = sources;
        this.names = names;
        this.sections = null;
        long w = 64;
        for (Line l : lines) {
            w += 32 + (l == null ? 0 : l.columns().length * 20L);
        }
        for (String s : sources) {
            w += 40 + (s == null ? 0 : s.length() * 2L);
        }
        for (String n : names) {
            w += 40 + n.length() * 2L;
        }
        this.weight = w;
    }

    SourceMap(List<Section> sections) {
        this.lines = null;
        this.sources = List.of();
        this.names = List.of();
        this.sections = sections;
        this.weight = 64 + sections.stream().mapToLong(s -> s.map().weight()).sum();
    }

    /** Approximate bytes held, for the cache's weigher. */
    long weight() {
        return weight;
    }

    /** The original position of generated (line, column), 0-based; null when nothing maps there. */
    Position lookup(int line, int column) {
        if (sections != null) {
            Section hit = null;
            for (Section s : sections) {
                if (s.line() < line || (s.line() == line && s.column() <= column)) {
                    hit = s;
                } else {
                    break;
                }
            }
            if (hit == null) {
                return null;
            }
            int localLine = line - hit.line();
            int localColumn = localLine == 0 ? column - hit.column() : column;
            return hit.map().lookup(localLine, localColumn);
        }
        if (line < 0 || line >= lines.length || lines[line] == null) {
            return null;
        }
        Line l = lines[line];
        // The segment with the greatest generated column not after the position.
        int i = Arrays.binarySearch(l.columns(), column);
        if (i < 0) {
            i = -i - 2;
        } else {
            while (i + 1 < l.columns().length && l.columns()[i + 1] == column) {
                i++;
            }
        }
        if (i < 0 || l.sourceIdx()[i] < 0) {
            return null;
        }
        String name = l.nameIdx()[i] >= 0 ? names.get(l.nameIdx()[i]) : null;
        return new Position(sources.get(l.sourceIdx()[i]), l.sourceLine()[i], l.sourceColumn()[i], name);
    }
}
