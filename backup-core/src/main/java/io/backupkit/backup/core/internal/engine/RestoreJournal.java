package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.UnableToRestoreMediaException;
import io.backupkit.backup.spi.DatabaseDumper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;

/**
 * A restore's small record on disk of what a killed process would leave half done: the media swap's
 * folders, the dumper's recovery token and how far the restore got. Written (and fsynced) before the
 * first change that the restore could not undo in memory, deleted when the restore has finished or
 * undone everything; the next operation on the same target reads a journal left behind and finishes
 * or undoes that restore ({@link RestoreRecovery}). It lives beside the media folder (or, without
 * one, in the spool folder, named for the database).
 */
final class RestoreJournal {
    /** How far the restore got. */
    enum State {
        /** Nothing is committed: a recovery undoes the media swap and rolls the database back. */
        PREPARING,
        /** The commit gate passed and the media swap began: the database decides (it committed or not). */
        COMMITTING,
        /** Both committed: a recovery only removes the old media folder. */
        COMMITTED,
        /** Undone, or done: a recovery only removes what is left over. */
        ENDED
    }

    private final Path file;
    private final Properties values;

    private RestoreJournal(Path file, Properties values) {
        this.file = file;
        this.values = values;
    }

    /** Where the journal of restores of this target lives. */
    static Path location(EngineSettings settings) {
        if (settings.mediaDir() != null) {
            Path media = settings.mediaDir().toAbsolutePath().normalize();
            return media.resolveSibling("." + media.getFileName() + ".restore-journal");
        }
        return settings.spoolDir().resolve(".backupkit-restore-" + key(settings.dumper()) + ".journal");
    }

    /** Starts a journal (state {@link State#PREPARING}) and writes it. */
    static RestoreJournal begin(EngineSettings settings, String backupId, Path work, boolean withDatabase) {
        Properties p = new Properties();
        p.setProperty("backup", backupId);
        p.setProperty("work", work.toString());
        if (withDatabase) {
            p.setProperty("target", settings.dumper().toString());
        }
        p.setProperty("state", State.PREPARING.name());
        RestoreJournal j = new RestoreJournal(location(settings), p);
        j.write();
        return j;
    }

    /** The journal left by a restore that did not end, if any. */
    static Optional<RestoreJournal> find(EngineSettings settings) {
        Path file = location(settings);
        Optional<Properties> p;
        try {
            p = DurableProperties.load(file);
        } catch (IOException e) {
            throw new UnableToRestoreMediaException(
                    "cannot read the journal " + file + " of an interrupted restore: " + e.getMessage()
                            + "; look at the folders it names, then delete it",
                    e);
        }
        return p.map(values -> new RestoreJournal(file, values));
    }

    Path file() {
        return file;
    }

    String backupId() {
        return values.getProperty("backup", "?");
    }

    Optional<String> target() {
        return Optional.ofNullable(values.getProperty("target"));
    }

    State state() {
        return State.valueOf(values.getProperty("state", State.PREPARING.name()));
    }

    Optional<String> token() {
        return Optional.ofNullable(values.getProperty("token"));
    }

    Optional<Path> path(String key) {
        return Optional.ofNullable(values.getProperty(key)).map(Path::of);
    }

    String values(String key) {
        return values.getProperty(key);
    }

    boolean flag(String key) {
        return Boolean.parseBoolean(values.getProperty(key));
    }

    /** Records values (folders of the media swap) and writes the journal. */
    void put(String key, Object value) {
        values.setProperty(key, String.valueOf(value));
        write();
    }

    /** Records the media swap's folders and the new state in one write. */
    void committing(Path media, Path old, boolean hadOld) {
        values.setProperty("media", media.toString());
        values.setProperty("old", old.toString());
        values.setProperty("hadOld", String.valueOf(hadOld));
        state(State.COMMITTING);
    }

    void token(String token) {
        values.setProperty("token", token);
        write();
    }

    void state(State state) {
        values.setProperty("state", state.name());
        write();
    }

    /** The restore ended (done or undone): the journal goes. */
    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a temp file, fsyncs it, renames it over the journal and fsyncs the folder. */
    private void write() {
        try {
            DurableProperties.store(
                    file, values, "backupkit restore journal: do not edit; the next restore or backup reads it");
        } catch (IOException e) {
            throw new UnableToRestoreMediaException(
                    "cannot write the restore journal " + file + ": " + e.getMessage()
                            + "; free space or fix the permissions beside the media folder. Nothing was changed",
                    e);
        }
    }

    private static String key(DatabaseDumper dumper) {
        String what = dumper == null ? "none" : dumper.toString();
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(what.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
