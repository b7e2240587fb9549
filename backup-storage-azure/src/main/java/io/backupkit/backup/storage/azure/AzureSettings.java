package io.backupkit.backup.storage.azure;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.Secret;
import io.backupkit.backup.spi.ProviderOptions;
import io.backupkit.backup.spi.StorageConfig;
import io.backupkit.backup.spi.support.ObjectNames;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The validated configuration of one {@link AzureStorage}: {@code BACKUP_DIR} as the blob name
 * prefix and the {@code BACKUP_OPTIONS}. Credentials come from files only; {@link #toString()} shows
 * none.
 *
 * @param container the container name
 * @param prefix the blob name prefix, empty or ending with {@code /}
 * @param endpoint the blob service URL without a trailing slash, e.g. {@code
 *     https://acct.blob.core.windows.net} or {@code http://127.0.0.1:10000/devstoreaccount1}
 * @param account the storage account name ({@code null} with a SAS and an explicit endpoint)
 * @param auth how requests are authorised
 * @param secret the account key or the SAS token (without {@code ?})
 * @param credentialSetting the option that holds {@code secret}, as error messages name it
 * @param blockSize bytes per staged block
 * @param parallelBlocks blocks buffered or in flight per write (memory: {@code blockSize x parallelBlocks})
 * @param maxAttempts tries per request on throttling, 5xx and I/O errors
 */
record AzureSettings(
        String container,
        String prefix,
        URI endpoint,
        String account,
        Auth auth,
        Secret secret,
        String credentialSetting,
        int blockSize,
        int parallelBlocks,
        int maxAttempts) {

    /** How requests are authorised. */
    enum Auth {
        SHARED_KEY,
        SAS
    }

    static final int KIB = 1024;
    static final int MIB = 1024 * KIB;
    static final int DEFAULT_BLOCK_SIZE = 8 * MIB;
    /** Smallest block accepted (tests use small blocks; Azure has no minimum). */
    static final int MIN_BLOCK_SIZE = 64 * KIB;
    /** Largest block this provider buffers (Azure allows 4000 MiB; a Java array holds less than 2 GiB). */
    static final int MAX_BLOCK_SIZE = 1024 * MIB;

    static final int DEFAULT_PARALLEL_BLOCKS = 2;
    static final int DEFAULT_MAX_ATTEMPTS = 4;

    static final Set<String> KNOWN = Set.of(
            "container",
            "endpoint",
            "account",
            "key_file",
            "sas_token_file",
            "connection_string_file",
            "block_size",
            "parallel_blocks",
            "max_attempts");

    /** Inline secrets are refused: they would end up in configuration files and process listings. */
    private static final Map<String, String> INLINE = Map.of(
            "key", "key_file",
            "account_key", "key_file",
            "sas_token", "sas_token_file",
            "sas", "sas_token_file",
            "connection_string", "connection_string_file");

    AzureSettings {
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(credentialSetting, "credentialSetting");
    }

    /** Reads and validates the options; every problem is a {@link BackupConfigurationException} naming the key. */
    static AzureSettings from(StorageConfig config) {
        Objects.requireNonNull(config, "config");
        ProviderOptions o = config.options();
        for (Map.Entry<String, String> e : INLINE.entrySet()) {
            if (o.has(e.getKey())) {
                throw new BackupConfigurationException(
                        o.keyName(e.getKey()),
                        "option " + o.keyName(e.getKey()) + " would hold a secret inline; put it in a file"
                                + " readable only by this user and give " + o.keyName(e.getValue()));
            }
        }
        o.requireOnly(KNOWN);

        String container = o.requireString("container").trim();
        if (!container.matches("[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]")) {
            throw new BackupConfigurationException(
                    o.keyName("container"),
                    "option " + o.keyName("container") + " is not a container name: 3 to 63 lowercase letters,"
                            + " digits and single hyphens, such as my-backups (the blob prefix goes in the storage location)");
        }

        URI endpoint = o.string("endpoint")
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(s -> endpoint(o, s))
                .orElse(null);
        String account =
                o.string("account").map(String::trim).filter(s -> !s.isEmpty()).orElse(null);
        if (account != null && !account.matches("[a-z0-9]{3,24}")) {
            throw new BackupConfigurationException(
                    o.keyName("account"),
                    "option " + o.keyName("account") + " is not a storage account name: 3 to 24 lowercase"
                            + " letters and digits");
        }

        int given = (o.has("connection_string_file") ? 1 : 0)
                + (o.has("key_file") ? 1 : 0)
                + (o.has("sas_token_file") ? 1 : 0);
        if (given != 1) {
            throw new BackupConfigurationException(
                    o.keyName(given == 0 ? "key_file" : "connection_string_file"),
                    (given == 0 ? "no Azure credentials: " : "more than one kind of Azure credentials: ")
                            + "give one of "
                            + o.keyName("connection_string_file") + ", " + o.keyName("account") + " with "
                            + o.keyName("key_file") + ", or " + o.keyName("sas_token_file")
                            + " (each a file holding the secret)");
        }

        Auth auth;
        Secret secret;
        String setting;
        if (o.has("connection_string_file")) {
            setting = o.keyName("connection_string_file");
            Map<String, String> cs = connectionString(setting, readSecretFile(o, "connection_string_file"));
            String csAccount = cs.get("accountname");
            if (account == null) {
                account = csAccount;
            }
            if (endpoint == null) {
                endpoint = connectionStringEndpoint(setting, cs);
            }
            if (cs.containsKey("accountkey")) {
                auth = Auth.SHARED_KEY;
                secret = Secret.of(cs.get("accountkey"));
                if (account == null) {
                    throw new BackupConfigurationException(
                            setting, "the connection string in " + setting + " has an AccountKey but no AccountName");
                }
            } else if (cs.containsKey("sharedaccesssignature")) {
                auth = Auth.SAS;
                secret = sasToken(setting, cs.get("sharedaccesssignature"));
            } else {
                throw new BackupConfigurationException(
                        setting,
                        "the connection string in " + setting + " has neither AccountKey nor SharedAccessSignature;"
                                + " copy it from the storage account's \"Access keys\" page");
            }
        } else if (o.has("key_file")) {
            setting = o.keyName("key_file");
            if (account == null) {
                throw new BackupConfigurationException(
                        o.keyName("account"),
                        "option " + setting + " needs " + o.keyName("account") + ", the storage account name");
            }
            auth = Auth.SHARED_KEY;
            secret = Secret.of(readSecretFile(o, "key_file").reveal().trim());
        } else {
            setting = o.keyName("sas_token_file");
            auth = Auth.SAS;
            secret = sasToken(setting, readSecretFile(o, "sas_token_file").reveal());
        }
        if (auth == Auth.SHARED_KEY) {
            checkAccountKey(setting, secret);
        }
        if (endpoint == null) {
            if (account == null) {
                throw new BackupConfigurationException(
                        o.keyName("endpoint"),
                        "give " + o.keyName("endpoint") + " (the blob service URL) or " + o.keyName("account")
                                + " with " + setting);
            }
            endpoint = URI.create("https://" + account + ".blob.core.windows.net");
        }

        int blockSize = (int) Math.min(Integer.MAX_VALUE, o.bytes("block_size", DEFAULT_BLOCK_SIZE));
        if (blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE) {
            throw new BackupConfigurationException(
                    o.keyName("block_size"),
                    "option " + o.keyName("block_size") + " must be between 64 KiB and 1024 MiB");
        }
        int parallelBlocks = o.integer("parallel_blocks", DEFAULT_PARALLEL_BLOCKS);
        if (parallelBlocks < 1 || parallelBlocks > 64) {
            throw new BackupConfigurationException(
                    o.keyName("parallel_blocks"),
                    "option " + o.keyName("parallel_blocks") + " must be between 1 and 64");
        }
        int maxAttempts = o.integer("max_attempts", DEFAULT_MAX_ATTEMPTS);
        if (maxAttempts < 1 || maxAttempts > 20) {
            throw new BackupConfigurationException(
                    o.keyName("max_attempts"), "option " + o.keyName("max_attempts") + " must be between 1 and 20");
        }
        return new AzureSettings(
                container,
                ObjectNames.prefix(config.location()),
                endpoint,
                account,
                auth,
                secret,
                setting,
                blockSize,
                parallelBlocks,
                maxAttempts);
    }

    private static Secret readSecretFile(ProviderOptions o, String key) {
        String value = o.requireString(key).trim();
        Path file = Path.of(value);
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new BackupConfigurationException(
                    o.keyName(key), "option " + o.keyName(key) + " names " + file + ", which is not a readable file");
        }
        Secret s;
        try {
            s = Secret.fromFile(file);
        } catch (BackupConfigurationException e) {
            throw new BackupConfigurationException(
                    o.keyName(key), "option " + o.keyName(key) + ": " + e.getMessage(), e.getCause());
        }
        if (s.reveal().isBlank()) {
            throw new BackupConfigurationException(
                    o.keyName(key), "the file " + file + " of option " + o.keyName(key) + " is empty");
        }
        return s;
    }

    /** {@code Key=Value;...} with lowercase keys; values keep their {@code =} (base64 padding). */
    private static Map<String, String> connectionString(String setting, Secret text) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String part : text.reveal().trim().split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new BackupConfigurationException(
                        setting,
                        "the file of " + setting + " is not a connection string (Key=Value pairs separated by ;);"
                                + " copy it from the storage account's \"Access keys\" page");
            }
            map.put(
                    part.substring(0, eq).trim().toLowerCase(Locale.ROOT),
                    part.substring(eq + 1).trim());
        }
        return map;
    }

    private static URI connectionStringEndpoint(String setting, Map<String, String> cs) {
        if (cs.containsKey("blobendpoint")) {
            try {
                return normalise(new URI(cs.get("blobendpoint")));
            } catch (URISyntaxException e) {
                throw new BackupConfigurationException(
                        setting, "the BlobEndpoint in the connection string of " + setting + " is not a URL");
            }
        }
        if ("true".equalsIgnoreCase(cs.get("usedevelopmentstorage"))) {
            return URI.create("http://127.0.0.1:10000/devstoreaccount1");
        }
        String account = cs.get("accountname");
        if (account == null) {
            return null;
        }
        String protocol = cs.getOrDefault("defaultendpointsprotocol", "https");
        String suffix = cs.getOrDefault("endpointsuffix", "core.windows.net");
        return URI.create(protocol + "://" + account + ".blob." + suffix);
    }

    private static Secret sasToken(String setting, String token) {
        String t = token.trim();
        if (t.startsWith("?")) {
            t = t.substring(1);
        }
        if (!t.contains("sig=")) {
            throw new BackupConfigurationException(
                    setting, "the SAS in " + setting + " has no sig= parameter; give the whole token (sv=...&sig=...)");
        }
        return Secret.of(t);
    }

    private static void checkAccountKey(String setting, Secret key) {
        try {
            if (Base64.getDecoder().decode(key.reveal()).length == 0) {
                throw new IllegalArgumentException("empty");
            }
        } catch (IllegalArgumentException e) {
            throw new BackupConfigurationException(
                    setting,
                    "the account key in " + setting + " is not base64; copy key1 or key2 from the storage"
                            + " account's \"Access keys\" page");
        }
    }

    private static URI endpoint(ProviderOptions o, String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri == null
                || uri.getScheme() == null
                || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))
                || uri.getHost() == null) {
            throw new BackupConfigurationException(
                    o.keyName("endpoint"),
                    "option " + o.keyName("endpoint") + " must be the blob service URL, such as"
                            + " https://myaccount.blob.core.windows.net or http://127.0.0.1:10000/devstoreaccount1");
        }
        if (uri.getUserInfo() != null || uri.getRawQuery() != null) {
            throw new BackupConfigurationException(
                    o.keyName("endpoint"),
                    "option " + o.keyName("endpoint") + " must not carry credentials or a SAS; put the SAS in"
                            + " the file of " + o.keyName("sas_token_file"));
        }
        return normalise(uri);
    }

    private static URI normalise(URI uri) {
        String s = uri.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return URI.create(s);
    }

    /** The container URL and prefix, e.g. {@code https://acct.blob.core.windows.net/backups/app/}. */
    String describe() {
        return endpoint + "/" + container + "/" + prefix;
    }

    @Override
    public String toString() {
        return "AzureSettings[" + describe() + ", account=" + account + ", auth=" + auth + " from "
                + credentialSetting + ", blockSize=" + blockSize + ", parallelBlocks=" + parallelBlocks
                + ", maxAttempts=" + maxAttempts + "]";
    }
}
