package io.backupkit.backup.spring.boot.autoconfigure.actuate;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.BackupNotFoundException;
import io.backupkit.backup.CreateOptions;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.RestoreResult;
import io.backupkit.backup.core.report.BackupJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.lang.Nullable;

/**
 * The {@code backups} endpoint: lists backups (the fields of {@code backup list --json}), shows one,
 * creates one, and restores one only when {@code backupkit.endpoint.restore-enabled=true} and the
 * request confirms the backup's id.
 */
@Endpoint(id = "backups")
public class BackupsEndpoint {
    private final BackupManager manager;
    private final boolean restoreEnabled;

    public BackupsEndpoint(BackupManager manager, boolean restoreEnabled) {
        this.manager = manager;
        this.restoreEnabled = restoreEnabled;
    }

    /** Complete backups, newest first. */
    @ReadOperation
    public List<Map<String, Object>> backups() {
        return BackupJson.backups(manager.list());
    }

    /** One backup by id (or {@code latest}); {@code null} (404 over HTTP) when there is none. */
    @ReadOperation
    public Map<String, Object> backup(@Selector String id) {
        try {
            return BackupJson.backup(manager.get(id));
        } catch (BackupNotFoundException e) {
            return null;
        }
    }

    /**
     * Creates a backup labelled {@code manual} plus {@code labels} (comma-separated: Actuator reads a
     * request body of plain strings); returns it.
     */
    @WriteOperation
    public Map<String, Object> create(@Nullable String labels) {
        CreateOptions options = CreateOptions.labelled(CreateOptions.MANUAL);
        if (labels != null && !labels.isEmpty()) {
            for (String label : labels.split(",", -1)) {
                options = options.withLabel(label.trim());
            }
        }
        return BackupJson.backup(manager.create(options).backup());
    }

    /**
     * Restores backup {@code id} when restores are enabled and {@code confirm} repeats the id;
     * {@code terminateSessions} ends the application's own sessions on the database first.
     *
     * @throws RestoreRefusedException when restores are off or the confirmation is missing
     */
    @WriteOperation
    public Map<String, Object> restore(
            @Selector String id,
            @Selector String action,
            @Nullable String confirm,
            @Nullable Boolean terminateSessions) {
        if (!"restore".equals(action)) {
            throw new RestoreRefusedException(
                    false, "unknown action '" + action + "': POST /actuator/backups/{id}/restore restores");
        }
        if (!restoreEnabled) {
            throw new RestoreRefusedException(
                    true, "restore over the endpoint is off: set backupkit.endpoint.restore-enabled=true to allow it");
        }
        if (!id.equals(confirm)) {
            throw new RestoreRefusedException(
                    false,
                    "a restore replaces the database and the media folder: repeat the backup id as confirm=" + id);
        }
        RestoreOptions options = RestoreOptions.of(id);
        if (Boolean.TRUE.equals(terminateSessions)) {
            options = options.terminatingSessions();
        }
        RestoreResult result = manager.restore(options);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("restored", BackupJson.backup(result.restored()));
        m.put("safetyBackup", result.safetyBackup().map(b -> b.id().value()).orElse(null));
        m.put("databaseRestored", result.databaseRestored());
        m.put("mediaRestored", result.mediaRestored());
        m.put("durationMillis", result.duration().toMillis());
        return m;
    }

    /** A restore request that is not allowed or not confirmed. */
    public static final class RestoreRefusedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final boolean disabled;

        RestoreRefusedException(boolean disabled, String message) {
            super(message);
            this.disabled = disabled;
        }

        /** Whether restores over the endpoint are switched off (rather than the request incomplete). */
        public boolean disabled() {
            return disabled;
        }
    }
}
