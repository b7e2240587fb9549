package io.backupkit.backup.db.postgres;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.Secret;
import io.backupkit.backup.Setting;
import io.backupkit.backup.spi.DatabaseConfig;
import io.backupkit.backup.spi.support.NativeProcess;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Internal: where and as whom the native tools connect, taken from a {@code jdbc:postgresql:} URL
 * and the configured user and password. Turns into {@code PG*} environment variables (no secret) and
 * a {@code PGPASSFILE} line (the secret, written 0600 by {@link NativeProcess}).
 *
 * @param hosts host names (at least one; {@code localhost} by default)
 * @param ports ports, one per host ({@code 5432} by default)
 * @param database database name, or empty for the server's default (the user name)
 * @param user user name, or {@code null} for libpq's default (the OS user)
 * @param password password, or {@code null}
 * @param params the URL's query parameters (decoded)
 */
record PgConnection(
        List<String> hosts,
        List<String> ports,
        String database,
        String user,
        Secret password,
        Map<String, String> params) {
    static final String PREFIX = "jdbc:postgresql:";

    PgConnection {
        hosts = List.copyOf(hosts);
        ports = List.copyOf(ports);
        Objects.requireNonNull(database, "database");
        params = Map.copyOf(params);
    }

    /** Parses the URL forms pgjdbc accepts: {@code jdbc:postgresql:db}, {@code //host[:port][,host2[:port]]/db?k=v}. */
    private static final List<String> SSL_MODES =
            List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    static PgConnection of(DatabaseConfig config) {
        String url = config.jdbcUrl();
        if (!url.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            throw new BackupConfigurationException(
                    Setting.DATABASE_URL,
                    "not a PostgreSQL JDBC URL: " + config.safeUrl()
                            + "; expected jdbc:postgresql://host:port/database");
        }
        String rest = url.substring(PREFIX.length());
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        List<String> hosts = new ArrayList<>();
        List<String> ports = new ArrayList<>();
        String db;
        if (rest.startsWith("//")) {
            String hostPart;
            int slash = rest.indexOf('/', 2);
            if (slash < 0) {
                hostPart = rest.substring(2);
                db = "";
            } else {
                hostPart = rest.substring(2, slash);
                db = rest.substring(slash + 1);
            }
            for (String hp : hostPart.split(",", -1)) {
                parseHostPort(hp.trim(), hosts, ports, config);
            }
        } else {
            db = rest.startsWith("/") ? rest.substring(1) : rest;
            hosts.add("localhost");
            ports.add("5432");
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String kv : query.split("&")) {
            if (kv.isEmpty()) {
                continue;
            }
            int eq = kv.indexOf('=');
            String k = eq < 0 ? kv : kv.substring(0, eq);
            String v = eq < 0 ? "" : kv.substring(eq + 1);
            params.put(decode(k), decode(v));
        }
        String sslmode = params.get("sslmode");
        if (sslmode != null && !SSL_MODES.contains(sslmode.toLowerCase(Locale.ROOT))) {
            // libpq and the driver would only say they could not connect
            throw new BackupConfigurationException(
                    Setting.DATABASE_URL,
                    "sslmode=" + sslmode + " in " + config.safeUrl() + " is not an SSL mode: use one of "
                            + String.join(", ", SSL_MODES));
        }
        String user = config.user() != null && !config.user().isBlank() ? config.user() : params.get("user");
        Secret password = config.password();
        if (password == null && params.containsKey("password")) {
            password = Secret.of(params.get("password"));
        }
        Map<String, String> safeParams = new LinkedHashMap<>(params);
        safeParams.remove("password");
        return new PgConnection(hosts, ports, decode(db), user, password, safeParams);
    }

    private static void parseHostPort(String hp, List<String> hosts, List<String> ports, DatabaseConfig config) {
        String host;
        String port = "";
        if (hp.startsWith("[")) {
            int end = hp.indexOf(']');
            if (end < 0) {
                throw new BackupConfigurationException(
                        Setting.DATABASE_URL, "malformed IPv6 host in " + config.safeUrl() + ": missing ']'");
            }
            host = hp.substring(1, end);
            if (hp.length() > end + 1 && hp.charAt(end + 1) == ':') {
                port = hp.substring(end + 2);
            }
        } else {
            int colon = hp.lastIndexOf(':');
            host = colon < 0 ? hp : hp.substring(0, colon);
            port = colon < 0 ? "" : hp.substring(colon + 1);
        }
        if (!port.isEmpty() && !port.chars().allMatch(Character::isDigit)) {
            throw new BackupConfigurationException(
                    Setting.DATABASE_URL, "the port in " + config.safeUrl() + " is not a number");
        }
        hosts.add(host.isEmpty() ? "localhost" : host);
        ports.add(port.isEmpty() ? "5432" : port);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** {@code host:port} list for messages. */
    String where() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i++) {
            String h = hosts.get(i).contains(":") ? "[" + hosts.get(i) + "]" : hosts.get(i);
            out.add(h + ":" + ports.get(i));
        }
        return String.join(",", out);
    }

    /** The user name for messages ({@code (default)} when libpq picks it). */
    String userForMessages() {
        return user == null ? "(default OS user)" : user;
    }

    /** The non-secret libpq environment: host, port, database, user, SSL settings, timeouts. */
    Map<String, String> environment(String applicationName) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PGHOST", String.join(",", hosts));
        env.put("PGPORT", String.join(",", ports));
        if (!database.isEmpty()) {
            env.put("PGDATABASE", database);
        }
        if (user != null) {
            env.put("PGUSER", user);
        }
        String sslmode = params.get("sslmode");
        if (sslmode == null && "true".equalsIgnoreCase(params.get("ssl"))) {
            sslmode = "verify-full"; // pgjdbc's meaning of ssl=true
        }
        if (sslmode != null && !sslmode.isBlank()) {
            env.put("PGSSLMODE", sslmode.toLowerCase(Locale.ROOT));
        }
        putIf(env, "PGSSLROOTCERT", params.get("sslrootcert"));
        putIf(env, "PGSSLCERT", params.get("sslcert"));
        putIf(env, "PGSSLKEY", params.get("sslkey"));
        String connectTimeout = params.getOrDefault("connectTimeout", "10");
        if (connectTimeout.chars().allMatch(Character::isDigit) && !connectTimeout.isEmpty()) {
            env.put("PGCONNECT_TIMEOUT", connectTimeout);
        }
        env.put("PGAPPNAME", applicationName);
        return env;
    }

    private static void putIf(Map<String, String> env, String key, String value) {
        if (value != null && !value.isBlank()) {
            env.put(key, value);
        }
    }

    /**
     * The {@code PGPASSFILE} content: {@code *:*:database:user:password} with {@code :} and {@code
     * \} escaped; {@code null} when there is no password.
     */
    String passFileContent() {
        if (password == null) {
            return null;
        }
        return "*:*:" + (database.isEmpty() ? "*" : escapePass(database)) + ":"
                + (user == null ? "*" : escapePass(user)) + ":" + escapePass(password.reveal()) + "\n";
    }

    /** A libpq service file for secrets that have no environment variable (the SSL key password). */
    String serviceFileContent() {
        String sslPassword = params.get("sslpassword");
        if (sslPassword == null || sslPassword.isEmpty()) {
            return null;
        }
        if (sslPassword.contains("\n") || sslPassword.contains("\r")) {
            throw new BackupConfigurationException(
                    Setting.DATABASE_URL, "the sslpassword parameter must not contain a line break");
        }
        return "[backupkit]\nsslpassword=" + sslPassword + "\n";
    }

    static String escapePass(String field) {
        return field.replace("\\", "\\\\").replace(":", "\\:");
    }

    /** The same server and credentials, another database on it. */
    PgConnection withDatabase(String name) {
        return new PgConnection(hosts, ports, name, user, password, params);
    }

    /** Adds the connection environment and credential files to a tool about to start. */
    NativeProcess.Builder apply(NativeProcess.Builder builder, String applicationName) {
        builder.clearEnv("PG");
        environment(applicationName).forEach(builder::env);
        String pass = passFileContent();
        if (pass != null) {
            builder.secretFileEnv("PGPASSFILE", pass);
        }
        String service = serviceFileContent();
        if (service != null) {
            builder.secretFileEnv("PGSERVICEFILE", service);
            builder.env("PGSERVICE", "backupkit");
        }
        return builder;
    }

    @Override
    public String toString() {
        return "PgConnection[" + where() + "/" + database + ", user=" + userForMessages() + "]";
    }
}
