package io.backupkit.backup.db.mysql;

import io.backupkit.backup.tck.fixtures.RestoreKillFixture;

/** The child JVM of {@link MysqlKillDuringRestoreIT}: {@link RestoreKillFixture#runChild} as root. */
public final class MysqlRestoreChildMain {
    private MysqlRestoreChildMain() {}

    public static void main(String[] args) throws Exception {
        RestoreKillFixture.runChild(args, MariaDbServer.ROOT, "mysql-it", "1.0.0");
    }
}
