package io.backupkit.backup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to record with one backup.
 *
 * @param labels labels to record (e.g. {@code manual}, {@code daily}, {@code pre-upgrade})
 * @param attributes key/value pairs to record (e.g. {@code from-version})
 * @param schemaVersion the database schema version, or {@code null}
 */
public record CreateOptions(List<String> labels, Map<String, String> attributes, String schemaVersion) {
    /** The label of backups made on request. */
    public static final String MANUAL = "manual";
    /** The label of scheduled backups. */
    public static final String DAILY = "daily";
    /** The label of backups made before the host upgrades itself. */
    public static final String PRE_UPGRADE = "pre-upgrade";
    /** The label of the safety backup a restore takes first. */
    public static final String PRE_RESTORE = "pre-restore";

    /**
     * Copies the collections.
     *
     * @throws BackupConfigurationException when a label is blank or longer than 64 characters
     */
    public CreateOptions {
        labels = List.copyOf(labels);
        attributes = Map.copyOf(attributes);
        for (String label : labels) {
            if (label.isBlank() || label.length() > 64) {
                throw new BackupConfigurationException("label", "a label must be 1-64 characters, not '" + label + "'");
            }
        }
    }

    /** No labels, no attributes. */
    public static CreateOptions defaults() {
        return new CreateOptions(List.of(), Map.of(), null);
    }

    /** Options with these labels and nothing else. */
    public static CreateOptions labelled(String... labels) {
        return new CreateOptions(List.of(labels), Map.of(), null);
    }

    /** A {@code pre-upgrade} backup recording the versions the host upgrades from and to. */
    public static CreateOptions preUpgrade(String fromVersion, String toVersion) {
        Map<String, String> attributes = new LinkedHashMap<>();
        if (fromVersion != null) {
            attributes.put("from-version", fromVersion);
        }
        if (toVersion != null) {
            attributes.put("to-version", toVersion);
        }
        return new CreateOptions(List.of(PRE_UPGRADE), attributes, null);
    }

    /** A copy with {@code label} added. */
    public CreateOptions withLabel(String label) {
        List<String> more = new ArrayList<>(labels);
        more.add(Objects.requireNonNull(label, "label"));
        return new CreateOptions(more, attributes, schemaVersion);
    }

    /** A copy with the attribute {@code key} set to {@code value} (both non-null). */
    public CreateOptions withAttribute(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(attributes);
        more.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new CreateOptions(labels, more, schemaVersion);
    }

    /** A copy recording this database schema version ({@code null} for none). */
    public CreateOptions withSchemaVersion(String schema) {
        return new CreateOptions(labels, attributes, schema);
    }
}
