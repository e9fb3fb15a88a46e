package dev.bloop.service.store;

/**
 * Which SQL the store speaks. Most statements are written once in SQL both accept (upserts with
 * {@code ON CONFLICT} and the target table's columns named with its table, {@code CASE} instead of
 * SQLite's two-argument {@code max}, flags as 0/1 integers); what cannot be (index hints, full-text
 * search, string aggregation, physical row ids) asks the database's dialect.
 */
public enum Dialect {
    SQLITE,
    POSTGRES;

    /** SQLite's index hint ({@code INDEXED BY}, where its planner picks badly); PostgreSQL plans alone. */
    public String indexedBy(String index) {
        return this == SQLITE ? " INDEXED BY " + index : "";
    }

    /** The texts of a group joined with the unit separator (U+001F), which no stored name contains. */
    public String joinText(String expression) {
        return this == SQLITE ? "group_concat(" + expression + ", char(31))" : "string_agg(" + expression + ", chr(31))";
    }

    /**
     * A condition: the row matches the full-text search bound as {@code :param} (see
     * {@code SearchQuery}): SQLite through the FTS5 table kept beside it, PostgreSQL through the row's
     * generated {@code search} vector.
     *
     * @param id     the row's id column (the FTS5 table's rowid), e.g. {@code g.id}
     * @param fts    the FTS5 table
     * @param vector the row's tsvector column, e.g. {@code g.search}
     */
    public String matches(String id, String fts, String vector, String param) {
        return this == SQLITE ? id + " IN (SELECT rowid FROM " + fts + " WHERE " + fts + " MATCH :" + param + ")"
                : vector + " @@ to_tsquery('simple', :" + param + ")";
    }

    /**
     * A row's physical id, for deleting in chunks ({@code DELETE … WHERE <rowId> IN (SELECT <rowId> …
     * LIMIT n)}): SQLite's rowid, PostgreSQL's ctid.
     */
    public String rowId() {
        return this == SQLITE ? "rowid" : "ctid";
    }

    /** A column SQLite's planner must not use an index for ({@code +column}); PostgreSQL needs no hint. */
    public String notIndexed(String column) {
        return this == SQLITE ? "+" + column : column;
    }

    /** A table read without any of its indexes (SQLite's {@code NOT INDEXED}, for a scan in key order). */
    public String notIndexedTable(String table) {
        return this == SQLITE ? table + " NOT INDEXED" : table;
    }

    /** Case-insensitive {@code LIKE} (SQLite's own, for ASCII letters; PostgreSQL's {@code ILIKE}). */
    public String likeIgnoringCase() {
        return this == SQLITE ? "LIKE" : "ILIKE";
    }
}
