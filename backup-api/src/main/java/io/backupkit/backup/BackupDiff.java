package io.backupkit.backup;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What changed from one backup to another ({@link BackupManager#diff}). Media paths are relative to
 * the media folder with {@code /} separators; a folder ends in {@code /}. A file, link or FIFO is
 * changed when its type, size, modification time, mode bits, content or link target differ; a
 * folder only when its type or mode bits do (its time changes with every file added or removed in
 * it, which the lists already show).
 *
 * @param from the older side, as given
 * @param to the newer side, as given
 * @param added media paths in {@code to} only, sorted
 * @param changed media paths in both that differ, sorted
 * @param removed media paths in {@code from} only, sorted
 * @param dump how the database dumps compare, or {@code null} when neither backup has one
 */
public record BackupDiff(
        BackupInfo from, BackupInfo to, List<String> added, List<String> changed, List<String> removed, Dump dump) {
    /** Copies the lists. */
    public BackupDiff {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        added = List.copyOf(added);
        changed = List.copyOf(changed);
        removed = List.copyOf(removed);
    }

    /** Whether the media lists are all empty. */
    public boolean sameMedia() {
        return added.isEmpty() && changed.isEmpty() && removed.isEmpty();
    }

    /**
     * How two database dumps compare.
     *
     * @param fromBytes the size of {@code from}'s dump (0 when it has none): the dump's own bytes in the
     *     dedup format, the bytes stored (compressed, maybe encrypted) in the archive format
     * @param toBytes the same for {@code to}'s dump
     * @param differs whether the dumps differ: in the dedup format their chunk lists, in the archive
     *     format the SHA-256 of the stored bytes (an encrypted dump is stored differently each time, so
     *     two encrypted archive dumps always differ)
     * @param newBytes the dedup format's answer to how much of {@code to}'s dump is new: the bytes of
     *     its chunks that {@code from}'s dump does not hold, each chunk counted once; empty in the
     *     archive format, which stores every dump whole
     */
    public record Dump(long fromBytes, long toBytes, boolean differs, OptionalLong newBytes) {
        /** Requires sizes of at least 0. */
        public Dump {
            Objects.requireNonNull(newBytes, "newBytes");
            if (fromBytes < 0 || toBytes < 0) {
                throw new IllegalArgumentException("a dump size < 0");
            }
        }
    }
}
