package io.backupkit.backup.core.h2;

import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.tck.DatabaseDumperContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The dumper contract on a file-based H2 database. */
class H2DumperContractTest extends DatabaseDumperContract {
    @TempDir
    Path dbDir;

    private H2TestDatabase db;

    @BeforeEach
    void openDatabase() throws Exception {
        db = new H2TestDatabase(dbDir);
    }

    @AfterEach
    void closeDatabase() throws Exception {
        db.close();
    }

    @Override
    protected DatabaseDumper createDumper() {
        return new H2DumperProvider().create(db.config());
    }

    @Override
    protected void createFixture() throws Exception {
        db.createFixture();
    }

    @Override
    protected void changeEverything() throws Exception {
        db.changeEverything();
    }

    /**
     * The embedded engine's own MVStore pools, started lazily by the open database the test holds and
     * stopped when it closes; not the dumper's.
     */
    @Override
    protected boolean mayOutliveDump(Thread thread) {
        return thread.getName().equals("H2-serialization") || thread.getName().equals("H2-save");
    }

    @Override
    protected String snapshot() throws Exception {
        return db.snapshot();
    }
}
