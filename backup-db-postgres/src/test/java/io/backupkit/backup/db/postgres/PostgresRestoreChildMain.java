package io.backupkit.backup.db.postgres;

import io.backupkit.backup.tck.fixtures.RestoreKillFixture;

/**
 * The child JVM of {@link PostgresKillDuringRestoreIT} and {@link PostgresKeepAsideIT}: {@link
 * RestoreKillFixture#runChild} as the admin.
 */
public final class PostgresRestoreChildMain {
    private PostgresRestoreChildMain() {}

    public static void main(String[] args) throws Exception {
        RestoreKillFixture.runChild(args, PgTestDatabase.ADMIN, "it", "1.0");
    }
}
