package io.backupkit.backup.core.internal.dedup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupFormat;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.IncompatibleBackupException;
import io.backupkit.backup.Setting;
import io.backupkit.backup.StoredObjectNotFoundException;
import io.backupkit.backup.UnableToDecryptException;
import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.Encryption;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.SealKey;
import io.backupkit.backup.spi.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A storage location in the dedup format: its config object ({@value #CONFIG}: format version and
 * chunker parameters), its packs ({@value #PACK_PREFIX}...) and its index objects ({@value
 * #INDEX_PREFIX}...). The config object is what says that a location holds dedup backups.
 */
public final class Repository {
    private static final Logger LOG = LoggerFactory.getLogger(Repository.class);
    public static final String CONFIG = "dedup-config.json";
    public static final String PACK_PREFIX = "dedup-pack-";
    public static final String INDEX_PREFIX = "dedup-index-";
    static final int VERSION = 1;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BackupStorage storage;
    private final FastCdc dumpChunker;
    private final FastCdc mediaChunker;
    private final Keys keys;

    private Repository(BackupStorage storage, FastCdc dumpChunker, FastCdc mediaChunker, Keys keys) {
        this.storage = storage;
        this.dumpChunker = dumpChunker;
        this.mediaChunker = mediaChunker;
        this.keys = keys;
    }

    /**
     * Refuses a location that holds the other format: a dedup location used as an archive one, or
     * an archive location (backups there, no dedup config) used as a dedup one.
     */
    public static void checkFormat(BackupStorage storage, BackupFormat format) {
        boolean dedup = stat(storage, CONFIG).isPresent();
        if (format == BackupFormat.ARCHIVE && dedup) {
            throw new BackupConfigurationException(
                    Setting.FORMAT,
                    storage.describe() + " holds backups in the dedup format (it has " + CONFIG
                            + "); choose the dedup format to use it, or another location");
        }
        if (format == BackupFormat.DEDUP && !dedup && holdsManifests(storage)) {
            throw new BackupConfigurationException(
                    Setting.FORMAT,
                    storage.describe() + " holds backups in the archive format; a location holds one format: choose"
                            + " the archive format to use it, or an empty location for dedup backups");
        }
    }

    private static boolean holdsManifests(BackupStorage storage) {
        try {
            return storage.list("").stream().anyMatch(o -> o.name().endsWith(".manifest.json"));
        } catch (IOException e) {
            throw listFailed(storage, e);
        }
    }

    /**
     * Opens the location's repository, creating its config object when there is none yet; with
     * {@code encryption} (may be null) a new repository gets random keys wrapped by it.
     */
    public static Repository openOrCreate(BackupStorage storage, Encryption encryption) {
        Optional<Repository> existing = open(storage, encryption);
        if (existing.isPresent()) {
            return existing.get();
        }
        ObjectNode config = JSON.createObjectNode();
        config.put("format", "backupkit-dedup");
        config.put("version", VERSION);
        config.put("dump_chunker", FastCdc.DUMP.describe());
        config.put("media_chunker", FastCdc.MEDIA.describe());
        config.put("chunk_id", "sha256");
        config.put("chunk_compression", "zstd");
        config.put("pack_size", PackWriter.TARGET);
        if (encryption != null) {
            config.put("chunk_id", "hmac-sha256");
            config.put("chunk_encryption", "aes-256-gcm");
            config.put("encryption", encryption.id());
            config.put("key_id", encryption.keyId());
            config.put("keys", wrap(encryption, Keys.generate()));
        }
        try {
            storage.createIfAbsent(CONFIG, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
        } catch (IOException e) {
            throw new UnableToStoreException(
                    storage.describe(),
                    CONFIG,
                    "cannot write " + CONFIG + " to " + storage.describe() + ": " + e.getMessage(),
                    e);
        }
        return open(storage, encryption).orElseThrow();
    }

    private static String wrap(Encryption encryption, byte[] material) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.io.OutputStream enc = encryption.encrypt(out, CONFIG, SealKey.random())) {
            enc.write(material);
        } catch (IOException e) {
            throw new IllegalStateException("encrypting the dedup keys failed", e);
        }
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    private static Keys unwrap(BackupStorage storage, JsonNode config, Encryption encryption) {
        String keyId = config.path("key_id").asText();
        if (encryption == null || !encryption.canDecrypt()) {
            throw new UnableToDecryptException(
                    keyId,
                    "the dedup backups in " + storage.describe() + " are encrypted ("
                            + config.path("encryption").asText()
                            + ", key " + keyId + "): configure its secret key or"
                            + " passphrase; backing up needs it too, to find"
                            + " the chunks stored before",
                    null);
        }
        byte[] wrapped;
        try {
            wrapped = Base64.getDecoder().decode(config.path("keys").asText());
        } catch (IllegalArgumentException e) {
            throw new CorruptBackupException(CONFIG, CONFIG + " in " + storage.describe() + " has no readable keys", e);
        }
        byte[] material;
        try (java.io.InputStream in = encryption.decrypt(new java.io.ByteArrayInputStream(wrapped), CONFIG)) {
            material = in.readAllBytes();
        } catch (IOException e) {
            throw new CorruptBackupException(
                    CONFIG, "the keys in " + CONFIG + " cannot be decrypted: " + e.getMessage(), e);
        }
        if (material.length != Keys.LENGTH) {
            throw new CorruptBackupException(CONFIG, "the keys in " + CONFIG + " have the wrong length", null);
        }
        return Keys.of(material);
    }

    /** The location's repository, or empty when it has no config object. */
    public static Optional<Repository> open(BackupStorage storage, Encryption encryption) {
        JsonNode config;
        try (InputStream in = storage.openRead(CONFIG)) {
            config = JSON.readTree(in.readNBytes(1 << 16));
        } catch (StoredObjectNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new CorruptBackupException(
                    CONFIG, "cannot read " + CONFIG + " in " + storage.describe() + ": " + e.getMessage(), e);
        }
        int version = config == null ? 0 : config.path("version").asInt(0);
        if (version > VERSION) {
            throw new IncompatibleBackupException(
                    "the dedup repository in " + storage.describe() + " has format version " + version
                            + ", newer than this library reads (" + VERSION + "); upgrade backupkit");
        }
        if (version < 1 || !"backupkit-dedup".equals(config.path("format").asText())) {
            throw new CorruptBackupException(
                    CONFIG, CONFIG + " in " + storage.describe() + " is not a dedup repository config", null);
        }
        Keys keys = Keys.NONE;
        if (config.has("keys")) {
            keys = unwrap(storage, config, encryption);
        } else if (encryption != null) {
            throw new BackupConfigurationException(
                    Setting.ENCRYPTION,
                    storage.describe() + " holds unencrypted dedup backups; a dedup location is encrypted or not from"
                            + " its first backup on: turn encryption off for it, or choose another location");
        }
        return Optional.of(new Repository(
                storage,
                parse(config.path("dump_chunker").asText()),
                parse(config.path("media_chunker").asText()),
                keys));
    }

    private static FastCdc parse(String text) {
        String[] parts = text.replace("fastcdc ", "").split("/");
        try {
            return new FastCdc(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
        } catch (RuntimeException e) {
            throw new CorruptBackupException(CONFIG, "the chunker '" + text + "' in " + CONFIG + " is not valid", e);
        }
    }

    BackupStorage storage() {
        return storage;
    }

    FastCdc dumpChunker() {
        return dumpChunker;
    }

    FastCdc mediaChunker() {
        return mediaChunker;
    }

    Keys keys() {
        return keys;
    }

    /**
     * What the index objects say, completed from the tables of the packs no readable index object
     * names (the {@code adopted} ones: left by an interrupted backup, or their index object was lost
     * or is damaged). Damaged index objects and packs without a readable table are listed, not thrown.
     */
    record LoadedIndex(
            ChunkIndex index,
            List<String> indexObjects,
            List<CorruptBackupException> damaged,
            Keys keys,
            List<String> adopted,
            List<IndexFile.Entry> adoptedEntries,
            List<CorruptBackupException> unreadablePacks) {
        LoadedIndex(ChunkIndex index, List<String> indexObjects, List<CorruptBackupException> damaged, Keys keys) {
            this(index, indexObjects, damaged, keys, List.of(), List.of(), List.of());
        }

        /** Whether the index objects disagree with the packs: damaged, or packs they do not name. */
        boolean incomplete() {
            return !damaged.isEmpty() || !adopted.isEmpty();
        }
    }

    LoadedIndex loadIndex() {
        ChunkIndex index = new ChunkIndex();
        List<String> names = new ArrayList<>();
        List<CorruptBackupException> damaged = new ArrayList<>();
        for (StoredObject o : list(INDEX_PREFIX)) {
            names.add(o.name());
            try (InputStream in = storage.openRead(o.name())) {
                IndexFile.read(in, o.name(), keys, index::add);
            } catch (CorruptBackupException e) {
                LOG.warn(e.getMessage());
                damaged.add(e);
            } catch (IOException e) {
                throw new UnableToStoreException(
                        storage.describe(), o.name(), "cannot read " + o.name() + ": " + e.getMessage(), e);
            }
        }
        Set<String> indexed = new HashSet<>();
        index.forEach((id, l) -> indexed.add(l.pack()));
        List<String> adopted = new ArrayList<>();
        List<IndexFile.Entry> adoptedEntries = new ArrayList<>();
        List<CorruptBackupException> unreadable = new ArrayList<>();
        for (StoredObject pack : list(PACK_PREFIX)) {
            if (indexed.contains(pack.name())) {
                continue;
            }
            try {
                List<IndexFile.Entry> entries = PackTrailer.read(storage, pack, keys);
                entries.forEach(e -> index.add(e.id(), e.location()));
                adoptedEntries.addAll(entries);
                adopted.add(pack.name());
            } catch (CorruptBackupException e) {
                LOG.warn(e.getMessage());
                unreadable.add(e);
            } catch (StoredObjectNotFoundException e) {
                // deleted since the listing
            } catch (IOException e) {
                throw new UnableToStoreException(
                        storage.describe(), pack.name(), "cannot read " + pack.name() + ": " + e.getMessage(), e);
            }
        }
        return new LoadedIndex(
                index,
                names,
                damaged,
                keys,
                List.copyOf(adopted),
                List.copyOf(adoptedEntries),
                List.copyOf(unreadable));
    }

    /** Writes an index object with {@code entries}; returns its name. */
    String writeIndex(List<IndexFile.Entry> entries) {
        String name = INDEX_PREFIX + random();
        try (ObjectWrite w = storage.openWrite(name)) {
            IndexFile.write(w.stream(), entries, name, keys);
            w.commit();
            return name;
        } catch (IOException e) {
            throw new UnableToStoreException(
                    storage.describe(), name, "cannot write the index " + name + ": " + e.getMessage(), e);
        }
    }

    List<StoredObject> list(String prefix) {
        try {
            return storage.list(prefix);
        } catch (IOException e) {
            throw listFailed(storage, e);
        }
    }

    void delete(String name) {
        try {
            storage.delete(name);
        } catch (IOException e) {
            throw new UnableToStoreException(
                    storage.describe(), name, "cannot delete " + name + ": " + e.getMessage(), e);
        }
    }

    static String newPackName() {
        return PACK_PREFIX + random();
    }

    private static String random() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static Optional<StoredObject> stat(BackupStorage storage, String name) {
        try {
            return storage.stat(name);
        } catch (IOException e) {
            throw new UnableToStoreException(
                    storage.describe(), name, "cannot read " + storage.describe() + ": " + e.getMessage(), e);
        }
    }

    private static UnableToStoreException listFailed(BackupStorage storage, IOException e) {
        return new UnableToStoreException(
                storage.describe(), null, "cannot list " + storage.describe() + ": " + e.getMessage(), e);
    }
}
