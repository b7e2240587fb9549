package io.backupkit.backup.cli;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.MediaRestoreResult;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code backup restore ID --media-path P --to DIR}: one media file or folder written into DIR; the
 * database and the media folder are not touched, so it asks for no confirmation.
 */
final class RestoreMediaPath {
    private RestoreMediaPath() {}

    static int run(BackupCli root, String backup, String mediaPath, String to, boolean json) {
        if (mediaPath == null || to == null) {
            throw new UsageException(
                    "--media-path and --to go together: restore ID --media-path attachments/x --to DIR");
        }
        MediaRestoreResult result;
        try (ProgressListener listener = root.listener(json);
                BackupManager manager = root.manager(listener)) {
            result = manager.restoreMedia(backup, mediaPath, Path.of(to));
        }
        Terminal t = root.terminal;
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("restored", result.backup().id().value());
            m.put("mediaPath", result.mediaPath());
            m.put("to", result.target().toString());
            m.put("files", result.files());
            m.put("folders", result.folders());
            m.put("bytes", result.bytes());
            Json.print(t.out(), m);
        } else {
            String name = result.mediaPath().substring(result.mediaPath().lastIndexOf('/') + 1);
            t.out()
                    .println("restored " + result.mediaPath() + " of "
                            + result.backup().id() + " to "
                            + result.target().resolve(name) + " (" + count(result.files(), "file") + ", "
                            + count(result.folders(), "folder") + ", " + Format.bytes(result.bytes()) + ")");
        }
        return ExitCodes.OK;
    }

    private static String count(long n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
