package io.backupkit.backup.db.postgres;

import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.tck.DatabaseDumperContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The TCK dumper contract against the local PostgreSQL, with the hard-types fixture. */
class PostgresDumperContractIT extends DatabaseDumperContract {
    @RegisterExtension
    final PgTestDatabase db = PgTestDatabase.perTest();

    @Override
    protected DatabaseDumper createDumper() {
        return db.dumper();
    }

    @Override
    protected void createFixture() throws Exception {
        PgFixture.create(db);
    }

    @Override
    protected void changeEverything() throws Exception {
        PgFixture.changeEverything(db);
    }

    @Override
    protected String snapshot() throws Exception {
        return db.snapshot();
    }

    /** The JDK's shared process reaper and pgjdbc's shared cleaner outlive any single dump by design. */
    @Override
    protected boolean mayOutliveDump(Thread thread) {
        return thread.getName().startsWith("process reaper") || thread.getName().startsWith("PostgreSQL-JDBC-Cleaner");
    }
}
