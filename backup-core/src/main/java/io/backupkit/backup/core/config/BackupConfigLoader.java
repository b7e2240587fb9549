package io.backupkit.backup.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupFormat;
import io.backupkit.backup.BackupId;
import io.backupkit.backup.BackupSettings;
import io.backupkit.backup.Compression;
import io.backupkit.backup.Secret;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a {@link BackupConfig} from command-line overrides, environment variables and an optional
 * YAML file. Precedence, per setting: override (flag) &gt; environment &gt; file &gt; default. Each
 * setting comes whole from the first source that sets it (a {@code BACKUP_OPTIONS} in the
 * environment replaces the file's {@code backup_options}; the maps are not merged).
 *
 * <p>Host prefix: with {@link #envPrefix(String) envPrefix("INVENTREE_")} (or the environment
 * variable {@code BACKUP_ENV_PREFIX}), {@code INVENTREE_BACKUP_DIR} is read first and {@code
 * BACKUP_DIR} second, so a host can share an environment with other tools. A prefix without a
 * trailing underscore gets one. Empty environment variables count as unset.
 *
 * <p>The YAML file is {@link #configFile(Path)} or, when none is given, the file named by {@code
 * BACKUP_CONFIG}. Unknown keys and values of the wrong type are errors that name the key; relative
 * paths are relative to the working directory. Secret values (passwords, option values) never
 * appear in error messages.
 *
 * <pre>{@code
 * BackupConfig config = BackupConfigLoader.create()
 *         .env(System.getenv())
 *         .envPrefix("INVENTREE_")
 *         .override(ConfigKey.DIR, "/var/backups/inventree", "--dir")
 *         .load();
 * try (BackupManager backups = config.toBuilder().build()) { ... }
 * }</pre>
 *
 * <p>A loader is not thread-safe; the config it returns is immutable.
 */
public final class BackupConfigLoader {
    // Long on purpose: the builder and its resolver apply one order of sources, flags to defaults.

    /** The environment variable naming the host prefix. */
    public static final String ENV_PREFIX_VARIABLE = "BACKUP_ENV_PREFIX";
    /** The environment variable naming the YAML file when none is given. */
    public static final String CONFIG_FILE_VARIABLE = "BACKUP_CONFIG";

    private static final Logger LOG = LoggerFactory.getLogger(BackupConfigLoader.class);
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    private static final long MAX_FILE_BYTES = 1 << 20;
    private static final List<String> SECTIONS = List.of("database", "encryption", "host");
    private static final Set<ConfigKey> RAW_MAPS = Set.of(ConfigKey.SCHEDULE, ConfigKey.RETENTION);

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Map<String, String> env = Map.of();
    private Path configFile;
    private String configFileFlag = "--config";
    private String envPrefix;
    private String envPrefixFlag = "--env-prefix";
    private final Map<ConfigKey, Raw> overrides = new EnumMap<>(ConfigKey.class);
    private final List<String> warnings = new ArrayList<>();

    /** Variables the launcher script reads; known, though no setting. */
    private static final Set<String> LAUNCHER_VARIABLES = Set.of("BACKUP_CDS", "BACKUP_CLI_JAR", "BACKUP_MVN_ARGS");

    private BackupConfigLoader() {}

    /** A loader with an empty environment, no file and no overrides. */
    public static BackupConfigLoader create() {
        return new BackupConfigLoader();
    }

    /** Loads from {@link System#getenv()} (and the file named by {@code BACKUP_CONFIG}, if any). */
    public static BackupConfig fromEnvironment() {
        return create().env(System.getenv()).load();
    }

    /** The environment to read (normally {@link System#getenv()}). */
    public BackupConfigLoader env(Map<String, String> env) {
        this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
        return this;
    }

    /** The YAML file to read; {@code null} to use {@code BACKUP_CONFIG} if set. */
    public BackupConfigLoader configFile(Path file) {
        this.configFile = file;
        return this;
    }

    /** The host prefix (e.g. {@code INVENTREE_}); {@code null} to use {@code BACKUP_ENV_PREFIX}. */
    public BackupConfigLoader envPrefix(String prefix) {
        this.envPrefix = prefix;
        return this;
    }

    /**
     * Sets a value that wins over environment and file, as if given by the command-line flag {@code
     * flag} (named in errors). Values are text: a JSON object for the option maps, a comma list for
     * {@link ConfigKey#MEDIA_EXCLUDE}. {@code null} removes the override.
     */
    public BackupConfigLoader override(ConfigKey key, String value, String flag) {
        Objects.requireNonNull(key, "key");
        if (RAW_MAPS.contains(key)) {
            throw new IllegalArgumentException(key + " can only be set in the config file");
        }
        if (value == null) {
            overrides.remove(key);
        } else {
            String name = flag == null ? key.yamlKey() : flag;
            overrides.put(key, new Raw(value, name, name, Source.FLAG));
        }
        return this;
    }

    /** {@link #override(ConfigKey, String, String)} named after the key's YAML name. */
    public BackupConfigLoader override(ConfigKey key, String value) {
        return override(key, value, null);
    }

    /**
     * Resolves every setting.
     *
     * @throws BackupConfigurationException naming the key when a value is missing, unknown or of the
     *     wrong type
     */
    public BackupConfig load() {
        String prefix = resolvePrefix();
        warnings.clear();
        warnUnknownVariables(prefix);
        Map<ConfigKey, Raw> file = readFile(prefix);
        Resolver r = new Resolver(prefix, file);

        String storage = r.string(ConfigKey.STORAGE, "filesystem");
        String dir = r.string(ConfigKey.DIR, null);
        if (dir == null) {
            String var = prefix + "BACKUP_DIR";
            String alternatives = prefix.isEmpty() ? "" : " (or BACKUP_DIR)";
            throw new BackupConfigurationException(
                    var,
                    "no backup location: set " + var + alternatives
                            + " to a folder, key prefix or Dropbox path (or backup_dir in the config file, or --dir)");
        }
        Map<String, Object> options = r.map(ConfigKey.OPTIONS);
        String name = r.string(ConfigKey.NAME, "backup");
        if (!BackupId.NAME.matcher(name).matches()) {
            Raw raw = r.raw(ConfigKey.NAME);
            throw new BackupConfigurationException(
                    raw.key(),
                    raw.display() + ": backup name '" + name
                            + "' is not allowed: use 1-40 of [a-z0-9._-], starting with a letter or digit");
        }
        String databaseUrl = r.string(ConfigKey.DATABASE_URL, null);
        String databaseUser = r.string(ConfigKey.DATABASE_USER, null);
        Secret databasePassword = r.secretPair(ConfigKey.DATABASE_PASSWORD, ConfigKey.DATABASE_PASSWORD_FILE);
        String dumper = r.string(ConfigKey.DATABASE_DUMPER, null);
        Map<String, Object> databaseOptions = r.map(ConfigKey.DATABASE_OPTIONS);
        Path mediaDir = r.path(ConfigKey.MEDIA_DIR);
        boolean mediaDirAllowSensitive = r.bool(ConfigKey.MEDIA_DIR_ALLOW_SENSITIVE);
        List<String> mediaExclude = r.list(ConfigKey.MEDIA_EXCLUDE);
        Compression compression = r.compression();
        BackupFormat format = r.format();
        Duration keepAsideFor = r.keepAsideDays();
        Path spoolDir = r.path(ConfigKey.SPOOL_DIR);
        Path recipientKey = r.path(ConfigKey.ENCRYPTION_RECIPIENT_KEY);
        Path secretKey = r.path(ConfigKey.ENCRYPTION_SECRET_KEY);
        Secret passphrase = r.secretPair(ConfigKey.ENCRYPTION_PASSPHRASE, ConfigKey.ENCRYPTION_PASSPHRASE_FILE);
        String hostApp = r.string(ConfigKey.HOST_APP, null);
        String hostVersion = r.string(ConfigKey.HOST_VERSION, null);
        Map<String, Object> schedule = r.map(ConfigKey.SCHEDULE);
        Map<String, Object> retention = r.map(ConfigKey.RETENTION);
        return new BackupConfig(
                storage,
                dir,
                options,
                name,
                databaseUrl,
                databaseUser,
                databasePassword,
                dumper,
                databaseOptions,
                mediaDir,
                mediaExclude,
                compression,
                spoolDir,
                recipientKey,
                secretKey,
                passphrase,
                hostApp,
                hostVersion,
                schedule,
                retention,
                prefix,
                r.origins,
                mediaDirAllowSensitive,
                format,
                keepAsideFor);
    }

    /**
     * Warnings of the last {@link #load()}: environment variables that look like settings but are
     * none (a misspelled {@code BACKUP_COMPRESION} would otherwise be ignored without a word). They
     * are also logged.
     */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    private void warnUnknownVariables(String prefix) {
        Set<String> known = new TreeSet<>(LAUNCHER_VARIABLES);
        known.add(ENV_PREFIX_VARIABLE);
        known.add(CONFIG_FILE_VARIABLE);
        for (ConfigKey k : ConfigKey.values()) {
            k.env().ifPresent(known::add);
        }
        for (String name : new TreeSet<>(env.keySet())) {
            String bare = !prefix.isEmpty() && name.startsWith(prefix + "BACKUP_")
                    ? name.substring(prefix.length())
                    : name.startsWith("BACKUP_") ? name : null;
            if (bare == null || known.contains(bare)) {
                continue;
            }
            String shown = name.substring(0, name.length() - bare.length());
            String closest = known.stream()
                    .min(java.util.Comparator.comparingInt((String k) -> distance(k, bare)))
                    .filter(k -> distance(k, bare) <= Math.max(3, bare.length() / 4))
                    .map(k -> "; did you mean " + shown + k + "?")
                    .orElse("; see the configuration table in the README for the known ones");
            String warning = "the environment variable " + name + " is not a setting and is ignored" + closest;
            LOG.warn(warning);
            warnings.add(warning);
        }
    }

    private String resolvePrefix() {
        String value = envPrefix;
        String key = envPrefixFlag;
        if (value == null || value.isEmpty()) {
            value = env.get(ENV_PREFIX_VARIABLE);
            key = ENV_PREFIX_VARIABLE;
        }
        if (value == null || value.isEmpty()) {
            return "";
        }
        if (!PREFIX.matcher(value).matches()) {
            throw new BackupConfigurationException(
                    key,
                    key + ": a prefix is letters, digits and underscores, starting with a letter (e.g. INVENTREE_)");
        }
        return value.endsWith("_") ? value : value + "_";
    }

    // ---- the YAML file ----

    private Map<ConfigKey, Raw> readFile(String prefix) {
        Path file = configFile;
        String key = configFileFlag;
        if (file == null) {
            String named = envValue(prefix, CONFIG_FILE_VARIABLE);
            if (named == null) {
                return Map.of();
            }
            key = env.containsKey(prefix + CONFIG_FILE_VARIABLE) && !prefix.isEmpty()
                    ? prefix + CONFIG_FILE_VARIABLE
                    : CONFIG_FILE_VARIABLE;
            file = toPath(named, key);
        }
        JsonNode root;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new BackupConfigurationException(key, "config file " + file + " is larger than 1 MiB");
            }
            root = YamlReader.read(Files.readString(file, StandardCharsets.UTF_8), key);
        } catch (NoSuchFileException e) {
            throw new BackupConfigurationException(key, "config file " + file + " (" + key + ") does not exist");
        } catch (JsonProcessingException e) {
            // only the first line of the parser's message: the rest quotes the file, which may hold secrets
            throw new BackupConfigurationException(
                    key, "config file " + file + " is not valid YAML" + where(e.getLocation()) + ": " + firstLine(e));
        } catch (IOException e) {
            throw new BackupConfigurationException(
                    key, "cannot read config file " + file + ": " + e.getClass().getSimpleName(), e);
        }
        Map<ConfigKey, Raw> values = new EnumMap<>(ConfigKey.class);
        if (root == null || root.isMissingNode() || root.isNull()) {
            return values;
        }
        if (!root.isObject()) {
            throw new BackupConfigurationException(
                    key, "config file " + file + " must be a map of keys (backup_dir: ...), not " + describe(root));
        }
        Set<String> topKeys = new TreeSet<>();
        for (ConfigKey k : ConfigKey.values()) {
            String yaml = k.yamlKey();
            topKeys.add(yaml.contains(".") ? yaml.substring(0, yaml.indexOf('.')) : yaml);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode node = e.getValue();
            if (!topKeys.contains(name)) {
                throw unknownKey(file, name, topKeys, null);
            }
            if (SECTIONS.contains(name)) {
                if (node.isNull()) {
                    continue;
                }
                if (!node.isObject()) {
                    throw wrongFileType(file, name, "a map", node);
                }
                Set<String> sectionKeys = new TreeSet<>();
                for (ConfigKey k : ConfigKey.values()) {
                    if (k.yamlKey().startsWith(name + ".")) {
                        sectionKeys.add(k.yamlKey().substring(name.length() + 1));
                    }
                }
                for (Iterator<Map.Entry<String, JsonNode>> sub = node.fields(); sub.hasNext(); ) {
                    Map.Entry<String, JsonNode> s = sub.next();
                    if (!sectionKeys.contains(s.getKey())) {
                        throw unknownKey(file, name + "." + s.getKey(), sectionKeys, name);
                    }
                    put(values, file, name + "." + s.getKey(), s.getValue());
                }
            } else {
                put(values, file, name, node);
            }
        }
        return values;
    }

    private static void put(Map<ConfigKey, Raw> values, Path file, String yamlKey, JsonNode node) {
        if (node.isNull()) {
            return; // "key:" with no value is the same as leaving it out
        }
        ConfigKey key = ConfigKey.ofYamlKey(yamlKey).orElseThrow();
        // types are checked even for values that a flag or the environment overrides
        switch (key) {
            case OPTIONS, DATABASE_OPTIONS, SCHEDULE, RETENTION -> {
                if (!node.isObject()) {
                    throw wrongFileType(file, yamlKey, "a map", node);
                }
            }
            case MEDIA_EXCLUDE -> {
                if (node.isObject()) {
                    throw wrongFileType(file, yamlKey, "a list of strings", node);
                }
                for (JsonNode item : node) {
                    if (item.isContainerNode() || item.isNull()) {
                        throw new BackupConfigurationException(
                                yamlKey,
                                "'" + yamlKey + "' in " + file + " must be a list of strings, but an item is "
                                        + (item.isNull() ? "empty" : describe(item)));
                    }
                }
            }
            default -> {
                if (node.isContainerNode()) {
                    throw wrongFileType(file, yamlKey, "a string", node);
                }
            }
        }
        values.put(key, new Raw(toJava(node), "file " + file + ": " + yamlKey, yamlKey, Source.FILE, file));
    }

    private static Object toJava(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> map.put(e.getKey(), toJava(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(n -> list.add(toJava(n)));
            return list;
        }
        if (node.isNull()) {
            return null;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        return node.asText();
    }

    private static BackupConfigurationException unknownKey(Path file, String key, Set<String> known, String section) {
        String leaf = section == null ? key : key.substring(section.length() + 1);
        String suggestion = known.stream()
                .filter(k -> distance(k, leaf) <= 2)
                .findFirst()
                .map(k -> " (did you mean '" + (section == null ? k : section + "." + k) + "'?)")
                .orElse("");
        String where = section == null ? "known keys: " : "known keys under " + section + ": ";
        return new BackupConfigurationException(
                key, "unknown key '" + key + "' in " + file + suggestion + "; " + where + String.join(", ", known));
    }

    private static BackupConfigurationException wrongFileType(Path file, String key, String expected, JsonNode node) {
        return new BackupConfigurationException(
                key, "'" + key + "' in " + file + " must be " + expected + ", not " + describe(node));
    }

    private static String describe(JsonNode node) {
        if (node.isObject()) {
            return "a map";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "true/false";
        }
        return "a string";
    }

    private static String describe(Object value) {
        if (value instanceof Map) {
            return "a map";
        }
        if (value instanceof List) {
            return "a list";
        }
        if (value instanceof Number) {
            return "a number";
        }
        if (value instanceof Boolean) {
            return "true/false";
        }
        return "a string";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String where(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static String firstLine(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).trim();
    }

    // ---- the environment ----

    private String envValue(String prefix, String name) {
        if (!prefix.isEmpty()) {
            String v = env.get(prefix + name);
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        String v = env.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    private static Path toPath(String value, String key) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new BackupConfigurationException(key, key + " is not a valid path: " + e.getReason());
        }
    }

    private enum Source {
        FLAG,
        ENV,
        FILE
    }

    /**
     * A value as found, before conversion.
     *
     * @param value a String (flag, env) or a String/Number/Boolean/Map/List (file)
     * @param origin where it came from, for {@link BackupConfig#origins()}
     * @param key the key an error names: a flag, an environment variable or a YAML key
     * @param source the kind of source
     * @param file the config file, for file values
     */
    private record Raw(Object value, String origin, String key, Source source, Path file) {
        Raw(Object value, String origin, String key, Source source) {
            this(value, origin, key, source, null);
        }

        /** How an error message names the setting. */
        String display() {
            return source == Source.FILE ? "'" + key + "' in " + file : key;
        }
    }

    /** Finds and converts each setting; records where it came from. */
    private final class Resolver {
        private final String prefix;
        private final Map<ConfigKey, Raw> file;
        final Map<ConfigKey, String> origins = new EnumMap<>(ConfigKey.class);

        Resolver(String prefix, Map<ConfigKey, Raw> file) {
            this.prefix = prefix;
            this.file = file;
        }

        /** The highest-precedence value of {@code key}, or {@code null}. */
        Raw raw(ConfigKey key) {
            Raw r = overrides.get(key);
            if (r != null) {
                return r;
            }
            r = fromEnv(key);
            return r != null ? r : file.get(key);
        }

        private Raw fromEnv(ConfigKey key) {
            if (key.env().isEmpty()) {
                return null;
            }
            String name = key.env().get();
            for (String candidate : prefix.isEmpty() ? List.of(name) : List.of(prefix + name, name)) {
                String v = env.get(candidate);
                if (v != null && !v.isEmpty()) {
                    return new Raw(v, "env " + candidate, candidate, Source.ENV);
                }
            }
            return null;
        }

        private Raw found(ConfigKey key) {
            Raw r = raw(key);
            if (r != null) {
                origins.put(key, r.origin());
            }
            return r;
        }

        String string(ConfigKey key, String fallback) {
            Raw r = found(key);
            if (r == null) {
                if (fallback != null) {
                    origins.put(key, "default");
                }
                return fallback;
            }
            String s = scalar(r);
            return s.isEmpty() ? fallback : s;
        }

        private String scalar(Raw r) {
            Object v = r.value();
            if (v instanceof String s) {
                return s;
            }
            if (v instanceof BigDecimal d) {
                return d.toPlainString();
            }
            if (v instanceof Number || v instanceof Boolean) {
                return v.toString();
            }
            throw wrongType(r, "a string");
        }

        Path path(ConfigKey key) {
            Raw r = found(key);
            if (r == null) {
                return null;
            }
            String s = scalar(r);
            if (s.isEmpty()) {
                return null;
            }
            try {
                return Path.of(s);
            } catch (InvalidPathException e) {
                throw new BackupConfigurationException(r.key(), r.display() + " is not a valid path: " + e.getReason());
            }
        }

        Map<String, Object> map(ConfigKey key) {
            Raw r = found(key);
            if (r == null) {
                return Map.of();
            }
            Object v = r.value();
            if (r.source() == Source.FILE) {
                if (!(v instanceof Map)) {
                    throw wrongType(r, "a map");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> map = (Map<String, Object>) v;
                return map;
            }
            return parseJsonObject(r);
        }

        private Map<String, Object> parseJsonObject(Raw r) {
            String text = (String) r.value();
            JsonNode node;
            try {
                node = JSON.readTree(text);
            } catch (JsonProcessingException e) {
                // never the content nor the parser's message: both may quote a secret
                throw new BackupConfigurationException(
                        r.key(),
                        r.display() + " is not valid JSON" + where(e.getLocation())
                                + ": it must be a JSON object such as {\"key\": \"value\"}");
            }
            if (node == null || !node.isObject()) {
                throw new BackupConfigurationException(
                        r.key(),
                        r.display() + " must be a JSON object such as {\"key\": \"value\"}, not "
                                + (node == null ? "nothing" : describe(node)));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) toJava(node);
            return map;
        }

        List<String> list(ConfigKey key) {
            Raw r = found(key);
            if (r == null) {
                return List.of();
            }
            Object v = r.value();
            if (v instanceof List<?> items) {
                List<String> out = new ArrayList<>();
                for (Object item : items) {
                    if (item instanceof Map || item instanceof List || item == null) {
                        throw new BackupConfigurationException(
                                r.key(),
                                r.display() + " must be a list of strings, but an item is "
                                        + (item == null ? "empty" : describe(item)));
                    }
                    String s = item.toString().trim();
                    if (!s.isEmpty()) {
                        out.add(s);
                    }
                }
                return out;
            }
            return Arrays.stream(scalar(r).split(","))
                    .map(String::trim)
                    .filter(s -> !s.isEmpty())
                    .collect(Collectors.toList());
        }

        boolean bool(ConfigKey key) {
            Raw r = found(key);
            if (r == null) {
                return false;
            }
            String s = scalar(r).trim().toLowerCase(java.util.Locale.ROOT);
            return switch (s) {
                case "true", "yes", "1" -> true;
                case "false", "no", "0", "" -> false;
                default -> throw wrongType(r, "true or false");
            };
        }

        Duration keepAsideDays() {
            Raw r = found(ConfigKey.KEEP_ASIDE_DAYS);
            if (r == null) {
                origins.put(ConfigKey.KEEP_ASIDE_DAYS, "default");
                return BackupSettings.DEFAULT_KEEP_ASIDE;
            }
            String s = scalar(r).trim();
            try {
                long days = Long.parseLong(s);
                if (days >= 0 && days <= 36_500) {
                    return Duration.ofDays(days);
                }
            } catch (NumberFormatException e) {
                // said below
            }
            throw wrongType(r, "a whole number of days, 0 or more");
        }

        BackupFormat format() {
            Raw r = found(ConfigKey.FORMAT);
            if (r == null) {
                origins.put(ConfigKey.FORMAT, "default");
                return BackupFormat.ARCHIVE;
            }
            String s = scalar(r);
            try {
                return BackupFormat.parse(s);
            } catch (BackupConfigurationException e) {
                throw new BackupConfigurationException(
                        r.key(), r.display() + ": unknown backup format '" + s + "': use archive or dedup");
            }
        }

        Compression compression() {
            Raw r = found(ConfigKey.COMPRESSION);
            if (r == null) {
                origins.put(ConfigKey.COMPRESSION, "default");
                return Compression.ZSTD;
            }
            String s = scalar(r);
            try {
                return Compression.parse(s);
            } catch (BackupConfigurationException e) {
                throw new BackupConfigurationException(
                        r.key(), r.display() + ": unknown compression '" + s + "': use zstd, gzip or none");
            }
        }

        /**
         * A secret given inline ({@code inline}, may be null) or as a file ({@code fileKey}); the
         * first source (flag, prefixed env, env, file) that sets either wins, and one source may not
         * set both.
         */
        Secret secretPair(ConfigKey inline, ConfigKey fileKey) {
            Raw inlineRaw = inline == null ? null : raw(inline);
            Raw fileRaw = raw(fileKey);
            if (inlineRaw == null && fileRaw == null) {
                return null;
            }
            if (inlineRaw != null && fileRaw != null) {
                int ri = rank(inlineRaw);
                int rf = rank(fileRaw);
                if (ri == rf) {
                    throw new BackupConfigurationException(
                            fileRaw.key(),
                            "set only one of " + inlineRaw.display() + " and " + fileRaw.display()
                                    + " (prefer the file)");
                }
                if (ri < rf) {
                    fileRaw = null;
                } else {
                    inlineRaw = null;
                }
            }
            if (inlineRaw != null) {
                origins.put(inline, inlineRaw.origin());
                if (inlineRaw.source() == Source.FILE) {
                    LOG.warn(
                            "{} holds a secret inline; prefer {} with a 0600 file",
                            inlineRaw.display(),
                            fileKey.yamlKey());
                }
                Object v = inlineRaw.value();
                if (v instanceof Map || v instanceof List) {
                    throw wrongType(inlineRaw, "a string");
                }
                return Secret.of(v.toString());
            }
            origins.put(fileKey, fileRaw.origin());
            String pathText = scalar(fileRaw);
            Path path;
            try {
                path = Path.of(pathText);
            } catch (InvalidPathException e) {
                throw new BackupConfigurationException(
                        fileRaw.key(), fileRaw.display() + " is not a valid path: " + e.getReason());
            }
            try {
                String text = Files.readString(path, StandardCharsets.UTF_8);
                if (text.endsWith("\r\n")) {
                    text = text.substring(0, text.length() - 2);
                } else if (text.endsWith("\n")) {
                    text = text.substring(0, text.length() - 1);
                }
                return Secret.of(text);
            } catch (NoSuchFileException e) {
                throw new BackupConfigurationException(
                        fileRaw.key(), fileRaw.display() + " names " + path + ", which does not exist");
            } catch (IOException | RuntimeException e) {
                // no cause: a decoding error could quote the content
                throw new BackupConfigurationException(
                        fileRaw.key(),
                        "cannot read " + path + " named by " + fileRaw.display() + ": "
                                + e.getClass().getSimpleName());
            }
        }

        private int rank(Raw r) {
            return switch (r.source()) {
                case FLAG -> 0;
                case ENV -> r.key().startsWith(prefix) && !prefix.isEmpty() ? 1 : 2;
                case FILE -> 3;
            };
        }

        private BackupConfigurationException wrongType(Raw r, String expected) {
            // the value is not shown: it may be a secret
            return new BackupConfigurationException(
                    r.key(), r.display() + " must be " + expected + ", not " + describe(r.value()));
        }
    }
}
