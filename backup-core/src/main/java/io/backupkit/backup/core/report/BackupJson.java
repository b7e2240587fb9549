package io.backupkit.backup.core.report;

import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupDiff;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.HostInfo;
import io.backupkit.backup.KeptAside;
import io.backupkit.backup.MediaInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A backup as plain maps with stable key order, the shape of the command line's {@code list --json}
 * and the Actuator endpoint's answers.
 */
public final class BackupJson {
    private BackupJson() {}

    /** One backup. */
    public static Map<String, Object> backup(BackupInfo b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", b.id().value());
        m.put("created", b.created().toString());
        m.put("labels", b.labels());
        m.put("attributes", b.attributes());
        m.put("size", b.size());
        m.put("database", database(b.database()));
        m.put("media", media(b.media()));
        m.put("host", host(b.host()));
        m.put("libraryVersion", b.libraryVersion());
        m.put("formatVersion", b.formatVersion());
        m.put("durationMillis", b.duration().toMillis());
        List<Map<String, Object>> artifacts = new ArrayList<>();
        for (ArtifactInfo a : b.artifacts()) {
            Map<String, Object> am = new LinkedHashMap<>();
            am.put("kind", a.kind());
            am.put("name", a.name());
            am.put("size", a.size());
            am.put("sha256", a.sha256());
            am.put("compression", a.compression().id());
            am.put("encryption", a.encryption());
            am.put("keyId", a.keyId());
            artifacts.add(am);
        }
        m.put("artifacts", artifacts);
        return m;
    }

    /**
     * The state a restore kept aside, which a rollback puts back: since when, what it holds, and
     * whether a rollback can tell what was written since ({@code writesTracked}).
     */
    public static Map<String, Object> keptAside(KeptAside k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("restored", k.restored());
        m.put("since", k.since().toString());
        m.put("database", k.database());
        m.put("media", k.media());
        m.put("writesTracked", k.writesTracked());
        return m;
    }

    /** Several backups, in their order. */
    public static List<Map<String, Object>> backups(List<BackupInfo> list) {
        List<Map<String, Object>> out = new ArrayList<>();
        list.forEach(b -> out.add(backup(b)));
        return out;
    }

    /** What changed between two backups: ids, the media lists, the dump (null when neither has one). */
    public static Map<String, Object> diff(BackupDiff d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", d.from().id().value());
        m.put("to", d.to().id().value());
        m.put("added", d.added());
        m.put("changed", d.changed());
        m.put("removed", d.removed());
        Map<String, Object> dump = null;
        if (d.dump() != null) {
            dump = new LinkedHashMap<>();
            dump.put("fromBytes", d.dump().fromBytes());
            dump.put("toBytes", d.dump().toBytes());
            dump.put("differs", d.dump().differs());
            dump.put(
                    "newBytes",
                    d.dump().newBytes().isPresent() ? d.dump().newBytes().getAsLong() : null);
        }
        m.put("dump", dump);
        return m;
    }

    private static Map<String, Object> database(DatabaseInfo d) {
        if (d == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dumper", d.dumper());
        m.put("product", d.product());
        m.put("serverVersion", d.serverVersion());
        m.put("tool", d.tool());
        m.put("toolVersion", d.toolVersion());
        m.put("format", d.format());
        return m;
    }

    private static Map<String, Object> media(MediaInfo media) {
        if (media == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fileCount", media.fileCount());
        m.put("directoryCount", media.directoryCount());
        m.put("totalBytes", media.totalBytes());
        m.put("skipped", media.skipped());
        m.put("changed", media.changed());
        return m;
    }

    private static Map<String, Object> host(HostInfo h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("application", h.application());
        m.put("version", h.version());
        m.put("schemaVersion", h.schemaVersion());
        return m;
    }
}
