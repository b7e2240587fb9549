package io.backupkit.backup.core.h2;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.tck.DumpFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A dump taken while another session writes is one consistent snapshot of all tables. */
class H2DumpConsistencyTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final H2TestDatabase db = H2TestDatabase.perTest();

    @Test
    void tablesWrittenTogetherAreDumpedTogether() throws Exception {
        db.execute(
                "CREATE TABLE a(id INT PRIMARY KEY, pad VARCHAR)",
                "CREATE TABLE b(id INT PRIMARY KEY, pad VARCHAR)",
                "INSERT INTO a SELECT X, REPEAT('x', 200) FROM SYSTEM_RANGE(1, 20000)",
                "INSERT INTO b SELECT X, REPEAT('x', 200) FROM SYSTEM_RANGE(1, 20000)");
        DatabaseDumper dumper = new H2DumperProvider().create(db.config());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong commits = new AtomicLong();
        AtomicReference<Exception> writerError = new AtomicReference<>();
        Thread writer = new Thread(
                () -> {
                    try (Connection c = db.connection();
                            PreparedStatement a = c.prepareStatement("INSERT INTO a VALUES (?, 'w')");
                            PreparedStatement b = c.prepareStatement("INSERT INTO b VALUES (?, 'w')")) {
                        c.setAutoCommit(false);
                        for (int id = 1_000_000; !stop.get(); id++) {
                            a.setInt(1, id);
                            a.executeUpdate();
                            b.setInt(1, id);
                            b.executeUpdate();
                            c.commit();
                            commits.incrementAndGet();
                        }
                    } catch (Exception e) {
                        writerError.set(e);
                    }
                },
                "h2-consistency-writer");
        writer.start();
        try {
            for (int i = 0; i < 2; i++) {
                long before = commits.get();
                Path dump = DumpFiles.dumpTo(dumper, dir.resolve("dump" + i + ".sql"));
                Map<String, Long> rows = rowsPerTable(dump);
                assertThat(commits.get()).as("the writer ran during the dump").isGreaterThan(before);
                assertThat(rows.get("A")).as("rows of A and B in dump " + i).isEqualTo(rows.get("B"));
                assertThat(rows.get("A")).isGreaterThanOrEqualTo(20_000L);
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(writerError.get()).isNull();
    }

    /** Counts the {@code (...)} row lines under each {@code INSERT INTO "PUBLIC"."X" VALUES} line. */
    private static Map<String, Long> rowsPerTable(Path dump) throws IOException {
        Map<String, Long> rows = new HashMap<>();
        String table = null;
        try (BufferedReader r = Files.newBufferedReader(dump, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("INSERT INTO \"PUBLIC\".\"")) {
                    table = line.substring("INSERT INTO \"PUBLIC\".\"".length(), line.indexOf('"', 23));
                } else if (table != null && line.startsWith("(")) {
                    rows.merge(table, 1L, Long::sum);
                } else {
                    table = null;
                }
            }
        }
        return rows;
    }
}
