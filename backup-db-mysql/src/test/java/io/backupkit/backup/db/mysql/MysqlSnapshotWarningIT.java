package io.backupkit.backup.db.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.tck.fixtures.Warnings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables whose rows are not part of the dump's consistent snapshot (MyISAM, Aria, MEMORY) are named
 * in a warning that reaches the {@link BackupListener} (the command line's stderr), not only the
 * DEBUG-level log; an all-InnoDB database gets none.
 */
class MysqlSnapshotWarningIT {
    @TempDir
    Path tmp;

    private String db;

    @BeforeEach
    void setUp() throws Exception {
        MariaDbServer.require();
        db = MariaDbServer.createDatabase();
        MariaDbServer.exec(db, "CREATE TABLE inno (id INT PRIMARY KEY) ENGINE=InnoDB");
    }

    @AfterEach
    void tearDown() throws Exception {
        MariaDbServer.dropDatabase(db);
    }

    private List<String> warningsOfACreate() {
        Warnings warnings = new Warnings();
        try (BackupManager backups = BackupManager.builder()
                .storage("filesystem", tmp.resolve("backups").toString(), Map.of("fsync", false))
                .database(MariaDbServer.url(db), MariaDbServer.ROOT, null)
                .listener(warnings)
                .build()) {
            backups.create();
        }
        return warnings.list();
    }

    @Test
    void nonTransactionalTablesAreNamedToTheListener() throws Exception {
        assertThat(warningsOfACreate()).noneSatisfy(w -> assertThat(w).contains("snapshot"));
        MariaDbServer.exec(db, "CREATE TABLE isam (id INT PRIMARY KEY) ENGINE=MyISAM");
        assertThat(warningsOfACreate()).anySatisfy(w -> assertThat(w)
                .contains(db)
                .contains("isam (MyISAM)")
                .contains("not part of the consistent snapshot")
                .contains("InnoDB"));
    }
}
