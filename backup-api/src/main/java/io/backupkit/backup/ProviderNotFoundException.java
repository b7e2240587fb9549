package io.backupkit.backup;

import java.util.List;

/**
 * No provider, or more than one, matches what was asked for. The message names the candidates that
 * were found and how to choose one.
 */
public final class ProviderNotFoundException extends BackupConfigurationException {
    private static final long serialVersionUID = 1L;
    /** The kind of provider asked for. */
    private final String kind;
    /** What was asked for. */
    private final String requested;
    /** The ids of the providers found. */
    private final List<String> candidates;

    /**
     * No single {@code kind} provider matches {@code requested} (set in {@code setting}); {@code
     * candidates} are the ids found.
     */
    public ProviderNotFoundException(
            Setting setting, String kind, String requested, List<String> candidates, String message) {
        super(setting, message);
        this.kind = kind;
        this.requested = requested;
        this.candidates = List.copyOf(candidates);
    }

    /** {@code storage}, {@code dumper} or {@code encryption}. */
    public String kind() {
        return kind;
    }

    /** What was asked for: an id, a class name or a JDBC URL (without credentials). */
    public String requested() {
        return requested;
    }

    /** The ids of the providers that were found on the class path. */
    public List<String> candidates() {
        return candidates;
    }
}
