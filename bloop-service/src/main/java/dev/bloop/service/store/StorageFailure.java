package dev.bloop.service.store;

import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Why a write to the database failed, in the words an operator acts on. Environmental failures
 * (disk full, read-only file, I/O error, lock contention) say nothing about the data being
 * written: the same write succeeds once the cause is gone, so it is retried, never split or
 * dead-lettered. Anything else may be caused by the data itself.
 */
public enum StorageFailure {
    DISK_FULL("disk full", true),
    READ_ONLY("database is read-only", true),
    IO_ERROR("I/O error", true),
    BUSY("database is locked by another process", true),
    CANNOT_OPEN("database file cannot be opened", true),
    CORRUPT("database file is corrupt", true),
    OUT_OF_MEMORY("SQLite is out of memory", true),
    DATA("the data was refused", false);

    private final String reason;
    private final boolean environmental;

    StorageFailure(String reason, boolean environmental) {
        this.reason = reason;
        this.environmental = environmental;
    }

    public String reason() {
        return reason;
    }

    public boolean environmental() {
        return environmental;
    }

    /** Looks through wrappers (Jdbi, the pool) for the SQLite result code. */
    public static StorageFailure of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLiteException e) {
                return of(e.getResultCode());
            }
            if (t instanceof SQLException e && e.getErrorCode() > 0) {
                SQLiteErrorCode code = SQLiteErrorCode.getErrorCode(e.getErrorCode());
                if (code != SQLiteErrorCode.UNKNOWN_ERROR) {
                    return of(code);
                }
            }
            if (t instanceof java.io.IOException) {
                return IO_ERROR;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return DATA;
    }

    private static StorageFailure of(SQLiteErrorCode code) {
        // Extended codes (SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED, ...) share their primary code's low byte.
        int primary = code.code & 0xff;
        return switch (primary) {
            case 13 -> DISK_FULL;          // SQLITE_FULL
            case 8 -> READ_ONLY;           // SQLITE_READONLY
            case 10 -> IO_ERROR;           // SQLITE_IOERR
            case 5, 6 -> BUSY;             // SQLITE_BUSY, SQLITE_LOCKED
            case 14 -> CANNOT_OPEN;        // SQLITE_CANTOPEN
            case 11, 26 -> CORRUPT;        // SQLITE_CORRUPT, SQLITE_NOTADB
            case 7 -> OUT_OF_MEMORY;       // SQLITE_NOMEM
            default -> DATA;
        };
    }
}
