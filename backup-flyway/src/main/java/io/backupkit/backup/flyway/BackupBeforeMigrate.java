package io.backupkit.backup.flyway;

import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CreateOptions;
import io.backupkit.backup.CreateResult;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.configuration.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a {@code pre-upgrade} backup before {@code migrate} runs, when there are pending
 * migrations. There is none when nothing is pending, and none on a fresh install (no migration
 * applied yet and no table in the schemas): there is nothing to lose. The manifest records the
 * schema version before the upgrade ({@code host.schema_version}) and the attributes {@code
 * from-version} / {@code to-version} (schema versions). If the backup fails, the migration does
 * not start.
 *
 * <pre>{@code
 * Flyway.configure()
 *         .dataSource(url, user, password)
 *         .callbacks(new BackupBeforeMigrate(backups))
 *         .load()
 *         .migrate();
 * }</pre>
 */
public final class BackupBeforeMigrate implements Callback {
    private static final Logger LOG = LoggerFactory.getLogger(BackupBeforeMigrate.class);

    private final BackupManager backups;

    public BackupBeforeMigrate(BackupManager backups) {
        this.backups = Objects.requireNonNull(backups, "backups");
    }

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.BEFORE_MIGRATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        MigrationInfoService info = Flyway.configure()
                .configuration(context.getConfiguration())
                .dataSource(new CallbackConnection(context.getConnection()))
                .load()
                .info();
        MigrationInfo[] pending = info.pending();
        if (pending.length == 0) {
            LOG.info("no pending migrations: no pre-upgrade backup needed");
            return;
        }
        if (info.applied().length == 0 && !hasTables(context)) {
            LOG.info("fresh install (no migration applied, no table yet): no pre-upgrade backup needed");
            return;
        }
        String from = info.current() == null || info.current().getVersion() == null
                ? null
                : info.current().getVersion().getVersion();
        MigrationInfo last = pending[pending.length - 1];
        String to = last.getVersion() == null
                ? last.getDescription()
                : last.getVersion().getVersion();
        try {
            CreateResult result =
                    backups.create(CreateOptions.preUpgrade(from, to).withSchemaVersion(from));
            LOG.info("pre-upgrade backup {} taken before migrating the schema from {} to {}", result.id(), from, to);
        } catch (BackupException e) {
            throw new FlywayException(
                    "the pre-upgrade backup failed, so the migration was not started: " + e.getMessage()
                            + ". Fix the backup (or migrate without this callback at your own risk)",
                    e);
        }
    }

    /** Whether the migrated schemas hold a table other than Flyway's own history table. */
    private static boolean hasTables(Context context) {
        Configuration config = context.getConfiguration();
        try {
            Connection connection = context.getConnection();
            DatabaseMetaData meta = connection.getMetaData();
            List<String> schemas = config.getSchemas().length > 0
                    ? Arrays.asList(config.getSchemas())
                    : Collections.singletonList(connection.getSchema());
            for (String schema : schemas) {
                try (ResultSet rs = meta.getTables(connection.getCatalog(), schema, "%", new String[] {"TABLE"})) {
                    while (rs.next()) {
                        if (!rs.getString("TABLE_NAME").equalsIgnoreCase(config.getTable())) {
                            return true;
                        }
                    }
                }
            }
            return false;
        } catch (SQLException e) {
            // unsure: take the backup, as for any upgrade
            LOG.debug("could not list the schema's tables, so taking the pre-upgrade backup", e);
            return true;
        }
    }

    @Override
    public String getCallbackName() {
        return "backupkit-pre-upgrade-backup";
    }
}
