package io.backupkit.backup.db.sqlite;

import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.tck.DatabaseDumperContract;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The TCK's dumper contract on a real SQLite file. */
class SqliteDumperContractTest extends DatabaseDumperContract {
    @TempDir
    Path dir;

    private Path db;

    @BeforeEach
    void newDatabase() {
        db = dir.resolve("app.db");
    }

    @Override
    protected DatabaseDumper createDumper() {
        return SqliteFiles.dumper(db);
    }

    @Override
    protected void createFixture() throws Exception {
        SqliteFiles.exec(
                db,
                "CREATE TABLE supplier(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE)",
                "CREATE TABLE part(id INTEGER PRIMARY KEY, supplier_id INTEGER REFERENCES supplier(id),"
                        + " name TEXT NOT NULL CHECK (length(name) > 0), price REAL, photo BLOB, note TEXT)",
                "CREATE INDEX part_name ON part(name)",
                "CREATE VIEW cheap_part AS SELECT name FROM part WHERE price < 1",
                "INSERT INTO supplier(name) VALUES ('Acme'), ('Ünïcødé ✓')",
                "INSERT INTO part VALUES (1, 1, 'bolt', 0.25, x'00ff10', NULL),"
                        + " (2, 2, 'nut', 0.1, NULL, 'δ'), (3, 1, 'gear', 12.5, randomblob(100000), NULL)",
                "PRAGMA user_version = 7");
    }

    @Override
    protected void changeEverything() throws Exception {
        SqliteFiles.exec(
                db,
                "CREATE TABLE added_later(x INTEGER)",
                "DELETE FROM part WHERE id = 2",
                "ALTER TABLE part ADD COLUMN colour TEXT",
                "CREATE VIEW added_view AS SELECT 1",
                "INSERT INTO supplier(name) VALUES ('New')",
                "PRAGMA user_version = 8");
    }

    @Override
    protected String snapshot() throws Exception {
        return SqliteFiles.snapshot(db);
    }
}
