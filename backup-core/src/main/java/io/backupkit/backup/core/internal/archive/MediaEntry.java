package io.backupkit.backup.core.internal.archive;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a backup's media part as the backup recorded it, for comparing two backups.
 *
 * @param path relative, {@code /}-separated, without a trailing {@code /}
 * @param type what it is
 * @param size content bytes (0 for anything but a file)
 * @param mode permission bits ({@code 07777})
 * @param mtime modification time
 * @param content a digest that is equal for equal content within one format (file content, a link's
 *     target); {@code ""} for folders
 */
public record MediaEntry(String path, Type type, long size, int mode, Instant mtime, String content) {
    /** The kinds of entries. */
    public enum Type {
        FOLDER,
        FILE,
        SYMLINK,
        FIFO
    }

    /** Requires every field. */
    public MediaEntry {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(mtime, "mtime");
        Objects.requireNonNull(content, "content");
    }

    /** Whether {@code other} (the same path in another backup) differs as a diff reports it: a folder by type and mode only. */
    public boolean differsFrom(MediaEntry other) {
        if (type != other.type || mode != other.mode) {
            return true;
        }
        return type != Type.FOLDER
                && (size != other.size || !mtime.equals(other.mtime) || !content.equals(other.content));
    }

    /** Receives the entries of a listing. */
    @FunctionalInterface
    public interface Sink {
        /** One entry; a later entry of the same path replaces an earlier one. */
        void entry(MediaEntry e);
    }
}
