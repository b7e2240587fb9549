package io.backupkit.backup.core.internal.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupId;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.Compression;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.HostInfo;
import io.backupkit.backup.IncompatibleBackupException;
import io.backupkit.backup.MediaInfo;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes and reads manifests. Reading is strict: a manifest is untrusted input, so every field is
 * type-checked, sizes are bounded, and it must name the backup id it is stored under and artifacts
 * of that id only (a manifest copied to another backup's name is refused).
 */
public final class ManifestCodec {
    /**
     * The manifest format this version writes; it reads this one and the ones before. 2: sealed
     * ({@link ManifestSeal}), attributes in key order.
     */
    public static final int FORMAT_VERSION = 2;
    /** Manifests larger than this are refused unread. */
    public static final int MAX_BYTES = 1 << 20;

    private static final String FORMAT = "backupkit-manifest";
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    /** What every storage accepts as an object name. */
    private static final Pattern ARTIFACT_NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ManifestCodec() {}

    /** The manifest's bytes, with its seal when it has one. */
    public static byte[] write(BackupInfo info) {
        ObjectNode root = tree(info);
        if (info.seal() != null) {
            root.put("seal", info.seal());
        }
        return bytes(root);
    }

    /** What the seal covers: every field the library reads, written the one way {@link #write} writes them. */
    static byte[] canonical(BackupInfo info) {
        return bytes(tree(info));
    }

    private static byte[] bytes(ObjectNode root) {
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a manifest", e);
        }
    }

    private static ObjectNode tree(BackupInfo info) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("format_version", info.formatVersion());
        root.put("id", info.id().value());
        root.put("created", info.created().toString());
        ArrayNode labels = root.putArray("labels");
        info.labels().forEach(labels::add);
        ObjectNode attributes = root.putObject("attributes");
        new java.util.TreeMap<>(info.attributes()).forEach(attributes::put);
        ObjectNode host = root.putObject("host");
        host.put("application", info.host().application());
        host.put("version", info.host().version());
        host.put("schema_version", info.host().schemaVersion());
        root.put("library_version", info.libraryVersion());
        if (info.database() != null) {
            DatabaseInfo d = info.database();
            ObjectNode db = root.putObject("database");
            db.put("dumper", d.dumper());
            db.put("product", d.product());
            db.put("server_version", d.serverVersion());
            db.put("tool", d.tool());
            db.put("tool_version", d.toolVersion());
            db.put("format", d.format());
        } else {
            root.putNull("database");
        }
        if (info.media() != null) {
            MediaInfo m = info.media();
            ObjectNode media = root.putObject("media");
            media.put("file_count", m.fileCount());
            media.put("directory_count", m.directoryCount());
            media.put("total_bytes", m.totalBytes());
            ArrayNode skipped = media.putArray("skipped");
            m.skipped().forEach(skipped::add);
            if (!m.changed().isEmpty()) {
                ArrayNode changed = media.putArray("changed");
                m.changed().forEach(changed::add);
            }
        } else {
            root.putNull("media");
        }
        ArrayNode artifacts = root.putArray("artifacts");
        for (ArtifactInfo a : info.artifacts()) {
            ObjectNode n = artifacts.addObject();
            n.put("kind", a.kind());
            n.put("name", a.name());
            n.put("size", a.size());
            n.put("sha256", a.sha256());
            n.put("compression", a.compression().id());
            n.put("encryption", a.encryption());
            n.put("key_id", a.keyId());
        }
        root.put("duration_ms", info.duration().toMillis());
        return root;
    }

    /**
     * Parses a manifest stored as {@code objectName}.
     *
     * @throws CorruptBackupException when it is malformed or does not belong to its name
     * @throws IncompatibleBackupException when it is of a newer format
     */
    public static BackupInfo read(String objectName, byte[] bytes) {
        JsonNode root = parse(objectName, bytes);
        long version = formatVersion(objectName, root);
        BackupId id = id(objectName, root);
        Instant created = created(objectName, root);
        List<String> labels = strings(objectName, root, "labels");
        Map<String, String> attributes = attributes(objectName, root);
        HostInfo host = host(objectName, root);
        DatabaseInfo database = database(objectName, root);
        MediaInfo media = media(objectName, root);
        List<ArtifactInfo> artifacts =
                artifacts(objectName, root, id, database, "dedup".equals(attributes.get("format")));
        if ((database != null) != artifacts.stream().anyMatch(a -> a.kind().equals(ArtifactInfo.DATABASE))
                || (media != null) != artifacts.stream().anyMatch(a -> a.kind().equals(ArtifactInfo.MEDIA))) {
            throw corrupt(objectName, "does not list the artifacts its parts need");
        }
        long durationMs = root.has("duration_ms") ? number(objectName, root, "duration_ms") : 0;
        BackupInfo info = new BackupInfo(
                (int) version,
                id,
                created,
                labels,
                attributes,
                host,
                text(objectName, root, "library_version", false),
                database,
                media,
                artifacts,
                Duration.ofMillis(Math.max(0, durationMs)),
                text(objectName, root, "seal", false));
        ManifestSeal.checkOnRead(objectName, info);
        requireCreatedInIdSecond(objectName, id, created);
        return info;
    }

    private static JsonNode parse(String objectName, byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw corrupt(objectName, "is larger than " + MAX_BYTES + " bytes");
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (Exception e) {
            throw new CorruptBackupException(
                    objectName, "manifest " + objectName + " is not valid JSON; the backup cannot be used", e);
        }
        if (root == null || !root.isObject()) {
            throw corrupt(objectName, "is not a JSON object");
        }
        if (!FORMAT.equals(text(objectName, root, "format", true))) {
            throw corrupt(objectName, "is not a backupkit manifest");
        }
        return root;
    }

    private static long formatVersion(String objectName, JsonNode root) {
        long version = number(objectName, root, "format_version"); // not cast before the range check
        if (version > FORMAT_VERSION) {
            throw new IncompatibleBackupException(
                    "backup manifest " + objectName + " has format version " + version + "; this library reads up to "
                            + FORMAT_VERSION + ": restore it with a newer version of the library");
        }
        if (version < 1) {
            throw corrupt(objectName, "has an invalid format_version " + version);
        }
        return version;
    }

    /** The backup's id, which must be the one the manifest's object name says. */
    private static BackupId id(String objectName, JsonNode root) {
        String idText = text(objectName, root, "id", true);
        if (!BackupId.isValid(idText)) {
            throw corrupt(objectName, "has an invalid id");
        }
        BackupId id = new BackupId(idText);
        if (!ObjectNames.manifest(id).equals(objectName)) {
            throw new CorruptBackupException(
                    objectName,
                    ObjectNames.manifest(id),
                    objectName,
                    "manifest " + objectName + " belongs to backup " + id + " (it was copied or renamed); refusing it");
        }
        return id;
    }

    private static Instant created(String objectName, JsonNode root) {
        try {
            return Instant.parse(text(objectName, root, "created", true));
        } catch (DateTimeParseException e) {
            throw corrupt(objectName, "has an invalid created time");
        }
    }

    private static Map<String, String> attributes(String objectName, JsonNode root) {
        Map<String, String> attributes = new LinkedHashMap<>();
        JsonNode attrs = root.get("attributes");
        if (attrs != null && !attrs.isNull()) {
            if (!attrs.isObject()) {
                throw corrupt(objectName, "has a non-object 'attributes'");
            }
            attrs.fields().forEachRemaining(e -> {
                if (!e.getValue().isTextual()) {
                    throw corrupt(objectName, "has a non-text attribute " + e.getKey());
                }
                attributes.put(e.getKey(), e.getValue().asText());
            });
        }
        return attributes;
    }

    private static HostInfo host(String objectName, JsonNode root) {
        JsonNode h = object(objectName, root, "host");
        return h == null
                ? HostInfo.UNKNOWN
                : new HostInfo(
                        text(objectName, h, "application", false),
                        text(objectName, h, "version", false),
                        text(objectName, h, "schema_version", false));
    }

    private static DatabaseInfo database(String objectName, JsonNode root) {
        JsonNode d = object(objectName, root, "database");
        return d == null
                ? null
                : new DatabaseInfo(
                        text(objectName, d, "dumper", true),
                        text(objectName, d, "product", false),
                        text(objectName, d, "server_version", false),
                        text(objectName, d, "tool", false),
                        text(objectName, d, "tool_version", false),
                        text(objectName, d, "format", true));
    }

    private static MediaInfo media(String objectName, JsonNode root) {
        JsonNode m = object(objectName, root, "media");
        return m == null
                ? null
                : new MediaInfo(
                        number(objectName, m, "file_count"),
                        number(objectName, m, "directory_count"),
                        number(objectName, m, "total_bytes"),
                        strings(objectName, m, "skipped"),
                        strings(objectName, m, "changed"));
    }

    private static List<ArtifactInfo> artifacts(
            String objectName, JsonNode root, BackupId id, DatabaseInfo database, boolean dedup) {
        JsonNode arts = root.get("artifacts");
        if (arts == null || !arts.isArray() || arts.size() > 16) {
            throw corrupt(objectName, "has no valid 'artifacts' list");
        }
        List<ArtifactInfo> artifacts = new ArrayList<>();
        for (JsonNode a : arts) {
            ArtifactInfo artifact = artifact(objectName, a, id);
            String name = artifact.name();
            if (!ARTIFACT_NAME.matcher(name).matches() || !name.equals(expectedName(id, database, dedup, artifact))) {
                throw corrupt(
                        objectName,
                        "names an artifact '" + name + "' that does not match its kind, format,"
                                + " compression and encryption");
            }
            artifacts.add(artifact);
        }
        return artifacts;
    }

    /** One entry of the artifacts list, each field checked on its own. */
    private static ArtifactInfo artifact(String objectName, JsonNode a, BackupId id) {
        if (!a.isObject()) {
            throw corrupt(objectName, "has a malformed artifact");
        }
        String kind = text(objectName, a, "kind", true);
        String name = text(objectName, a, "name", true);
        if (!name.startsWith(id.value() + ".") || name.contains("/") || name.endsWith(ObjectNames.MANIFEST_SUFFIX)) {
            throw corrupt(objectName, "names an artifact '" + name + "' that does not belong to backup " + id);
        }
        if (!kind.equals(ArtifactInfo.DATABASE) && !kind.equals(ArtifactInfo.MEDIA)) {
            throw corrupt(objectName, "has an artifact of unknown kind '" + kind + "'");
        }
        String sha = text(objectName, a, "sha256", true);
        if (!SHA256.matcher(sha).matches()) {
            throw corrupt(objectName, "has an invalid sha256 for " + name);
        }
        long size = number(objectName, a, "size");
        if (size < 0) {
            throw corrupt(objectName, "has a negative size for " + name);
        }
        Compression compression;
        try {
            compression = Compression.parse(text(objectName, a, "compression", true));
        } catch (RuntimeException e) {
            throw corrupt(objectName, "has an unknown compression for " + name);
        }
        return new ArtifactInfo(
                kind,
                name,
                size,
                sha,
                compression,
                text(objectName, a, "encryption", false),
                text(objectName, a, "key_id", false));
    }

    private static void requireCreatedInIdSecond(String objectName, BackupId id, Instant created) {
        Instant second;
        try {
            second = id.time();
        } catch (java.time.DateTimeException e) {
            throw corrupt(objectName, "has an id whose time is not a real date");
        }
        if (created.isBefore(second) || !created.isBefore(second.plusSeconds(1))) {
            // the writer takes both from one clock reading: this binds listing order to the ids
            throw corrupt(objectName, "has a created time " + created + " outside the second its id names");
        }
    }

    /**
     * The name the writer gives an artifact of this kind, format, compression and encryption: a
     * manifest whose compression or encryption field was edited no longer matches its names.
     */
    private static String expectedName(BackupId id, DatabaseInfo database, boolean dedup, ArtifactInfo artifact) {
        String name = artifact.name();
        Compression compression = artifact.compression();
        String extension = null;
        if (artifact.encryption() != null) {
            int dot = name.lastIndexOf('.');
            extension = dot < 0 ? "" : name.substring(dot + 1);
            if (!extension.matches("[a-z0-9]{1,16}")) {
                return "";
            }
        }
        if (artifact.kind().equals(ArtifactInfo.DATABASE)) {
            return database == null
                    ? ""
                    : dedup
                            ? ObjectNames.dumpChunks(id, database.format(), compression, extension)
                            : ObjectNames.database(id, database.format(), compression, extension);
        }
        return dedup
                ? ObjectNames.mediaTree(id, compression, extension)
                : ObjectNames.media(id, compression, extension);
    }

    private static JsonNode object(String objectName, JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw corrupt(objectName, "has a non-object '" + field + "'");
        }
        return n;
    }

    private static String text(String objectName, JsonNode parent, String field, boolean required) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw corrupt(objectName, "lacks '" + field + "'");
            }
            return null;
        }
        if (!n.isTextual() || n.asText().length() > 4096) {
            throw corrupt(objectName, "has an invalid '" + field + "'");
        }
        return n.asText();
    }

    private static long number(String objectName, JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || !n.canConvertToLong() || !n.isIntegralNumber()) {
            throw corrupt(objectName, "has an invalid or missing '" + field + "'");
        }
        return n.asLong();
    }

    private static List<String> strings(String objectName, JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isArray() || n.size() > 10_000) {
            throw corrupt(objectName, "has an invalid '" + field + "' list");
        }
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                throw corrupt(objectName, "has a non-text entry in '" + field + "'");
            }
            out.add(e.asText());
        }
        return out;
    }

    static CorruptBackupException corrupt(String objectName, String what) {
        return new CorruptBackupException(
                objectName, null, null, "manifest " + objectName + " " + what + "; the backup cannot be used");
    }
}
