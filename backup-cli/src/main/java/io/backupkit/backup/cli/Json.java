package io.backupkit.backup.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.KeptAside;
import io.backupkit.backup.core.report.BackupJson;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** The {@code --json} shapes: plain maps written by Jackson, keys in a stable order. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {}

    static void print(PrintWriter out, Object value) {
        try {
            out.println(MAPPER.writeValueAsString(value));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A backup as {@code list --json} and {@code create --json} show it. */
    static Map<String, Object> backup(BackupInfo b) {
        return BackupJson.backup(b);
    }

    static List<Map<String, Object>> backups(List<BackupInfo> list) {
        return BackupJson.backups(list);
    }

    /** {@code list --json}: the backups, the one whose restore can be rolled back saying so. */
    static List<Map<String, Object>> backups(List<BackupInfo> list, java.util.Optional<KeptAside> kept) {
        List<Map<String, Object>> out = BackupJson.backups(list);
        kept.ifPresent(k -> out.stream()
                .filter(b -> k.restored().equals(b.get("id")))
                .forEach(b -> b.put("keptAside", BackupJson.keptAside(k))));
        return out;
    }
}
