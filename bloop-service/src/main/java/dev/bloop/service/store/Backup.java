package dev.bloop.service.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.jdbi.v3.core.Handle;

/**
 * A consistent copy of the live database with SQLite's {@code VACUUM INTO}: it reads one snapshot
 * (writers carry on, WAL mode), writes a compact file, and the copy is checked before it is trusted.
 */
public final class Backup {
    private Backup() {
    }

    /** Writes the copy through this handle's connection; returns its size in bytes. */
    public static long into(Handle handle, Path target) {
        Path absolute = target.toAbsolutePath();
        if (Files.exists(absolute)) {
            throw new IllegalArgumentException("backup target " + absolute + " already exists; choose a new file name");
        }
        try {
            Files.createDirectories(absolute.getParent());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create " + absolute.getParent() + ": " + e.getMessage(), e);
        }
        handle.createUpdate("VACUUM INTO :target").bind("target", absolute.toString()).execute();
        check(absolute);
        try {
            return Files.size(absolute);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void check(Path file) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA quick_check")) {
            String result = rs.next() ? rs.getString(1) : "no answer";
            if (!"ok".equals(result)) {
                throw new IllegalStateException("backup " + file + " failed its integrity check: " + result);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("backup " + file + " cannot be opened: " + e.getMessage(), e);
        }
    }
}
