package io.backupkit.backup.db.postgres;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.spi.ProviderOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code postgres} dumper's options ({@code database.options}); unknown keys are refused.
 *
 * <table>
 *   <caption>Options</caption>
 *   <tr><th>Key</th><th>Meaning</th><th>Default</th></tr>
 *   <tr><td>{@code bin_dir}</td><td>folder holding {@code pg_dump}, {@code pg_restore}, {@code psql}; when set, nothing else is searched</td><td>searched</td></tr>
 *   <tr><td>{@code no_owner}</td><td>restore without {@code ALTER ... OWNER} (objects belong to the restoring user)</td><td>false</td></tr>
 *   <tr><td>{@code no_privileges}</td><td>restore without {@code GRANT}/{@code REVOKE}</td><td>false</td></tr>
 *   <tr><td>{@code schemas}</td><td>comma list: dump and restore (replace) only these schemas</td><td>all</td></tr>
 *   <tr><td>{@code exclude_schemas}</td><td>comma list: leave these schemas out of dump and restore</td><td>none</td></tr>
 *   <tr><td>{@code role}</td><td>{@code SET ROLE} to this role for dump and restore</td><td>none</td></tr>
 *   <tr><td>{@code jobs}</td><td>parallel {@code pg_restore} jobs of a keep-aside restore (into a new database); an in-place restore is one transaction and runs one</td><td>the number of processors</td></tr>
 * </table>
 *
 * @param binDir configured tool folder, or {@code null}
 * @param noOwner skip ownership on restore
 * @param noPrivileges skip privileges on restore
 * @param schemas schemas to include (empty: all)
 * @param excludeSchemas schemas to exclude
 * @param role role to assume, or {@code null}
 * @param jobs parallel pg_restore jobs of a keep-aside restore
 */
public record PostgresOptions(
        Path binDir,
        boolean noOwner,
        boolean noPrivileges,
        List<String> schemas,
        List<String> excludeSchemas,
        String role,
        int jobs) {
    /** Option keys. */
    public static final String BIN_DIR = "bin_dir",
            NO_OWNER = "no_owner",
            NO_PRIVILEGES = "no_privileges",
            SCHEMAS = "schemas",
            EXCLUDE_SCHEMAS = "exclude_schemas",
            JOBS = "jobs",
            ROLE = "role";

    private static final Set<String> KNOWN =
            Set.of(BIN_DIR, NO_OWNER, NO_PRIVILEGES, SCHEMAS, EXCLUDE_SCHEMAS, JOBS, ROLE);

    public PostgresOptions {
        schemas = List.copyOf(schemas);
        excludeSchemas = List.copyOf(excludeSchemas);
    }

    /** Reads and checks the options; errors name the key. */
    public static PostgresOptions from(ProviderOptions options) {
        options.requireOnly(KNOWN);
        Path binDir = options.string(BIN_DIR)
                .filter(s -> !s.isBlank())
                .map(s -> Path.of(s.trim()))
                .orElse(null);
        int jobs = options.integer(JOBS, Runtime.getRuntime().availableProcessors());
        if (jobs < 1) {
            throw new BackupConfigurationException(options.keyName(JOBS), options.keyName(JOBS) + " must be 1 or more");
        }
        List<String> schemas = list(options, SCHEMAS);
        List<String> exclude = list(options, EXCLUDE_SCHEMAS);
        if (!schemas.isEmpty() && !exclude.isEmpty()) {
            throw new BackupConfigurationException(
                    options.keyName(SCHEMAS),
                    "set either " + options.keyName(SCHEMAS) + " or " + options.keyName(EXCLUDE_SCHEMAS)
                            + ", not both");
        }
        String role =
                options.string(ROLE).map(String::trim).filter(s -> !s.isEmpty()).orElse(null);
        return new PostgresOptions(
                binDir,
                options.bool(NO_OWNER, false),
                options.bool(NO_PRIVILEGES, false),
                schemas,
                exclude,
                role,
                jobs);
    }

    private static List<String> list(ProviderOptions options, String key) {
        Object raw = options.asMap().get(key);
        if (raw == null) {
            return List.of();
        }
        List<String> parts = new ArrayList<>();
        if (raw instanceof Iterable<?> it) {
            it.forEach(o -> parts.add(String.valueOf(o)));
        } else if (raw instanceof String s) {
            parts.addAll(List.of(s.split(",")));
        } else {
            throw new BackupConfigurationException(
                    options.keyName(key), options.keyName(key) + " must be a comma-separated list of schema names");
        }
        List<String> out = new ArrayList<>();
        for (String p : parts) {
            String name = p.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (name.indexOf('\0') >= 0) {
                throw new BackupConfigurationException(options.keyName(key), options.keyName(key) + " contains a NUL");
            }
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        if (out.isEmpty()) {
            throw new BackupConfigurationException(options.keyName(key), options.keyName(key) + " names no schema");
        }
        return out;
    }
}
