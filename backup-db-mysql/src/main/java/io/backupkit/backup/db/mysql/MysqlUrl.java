package io.backupkit.backup.db.mysql;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.Setting;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a {@code jdbc:mysql:} / {@code jdbc:mariadb:} URL points, as the command line tools need it.
 * Internal.
 *
 * @param host the first host of the URL ({@code localhost} when the URL names none)
 * @param port the port (3306 when the URL names none)
 * @param socket the unix socket the URL asks for ({@code localSocket=} of the MariaDB driver, {@code
 *     junixsocket.file=} of Connector/J), or {@code null} for TCP
 * @param database the database name
 * @param params the URL's query parameters (keys as written)
 */
record MysqlUrl(String host, int port, String socket, String database, Map<String, String> params) {
    static final int DEFAULT_PORT = 3306;
    private static final Pattern PREFIX = Pattern.compile(
            "(?i)jdbc:(mysql|mariadb):(?:(?:sequential|loadbalance|replication|failover|aurora|load-balance)"
                    + ":)?//(.*)");
    private static final Pattern ADDRESS_KEY = Pattern.compile("\\((\\w+)=([^)]*)\\)");

    MysqlUrl {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        params = Map.copyOf(params);
    }

    /** Parses the URL; an error blames the database URL setting. */
    static MysqlUrl parse(String jdbcUrl) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Matcher m = PREFIX.matcher(jdbcUrl.trim());
        if (!m.matches()) {
            throw new BackupConfigurationException(
                    Setting.DATABASE_URL,
                    "the database URL is not a MySQL/MariaDB JDBC URL; expected jdbc:mariadb://host:port/database or"
                            + " jdbc:mysql://host:port/database");
        }
        String rest = m.group(2);
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String hosts = slash >= 0 ? rest.substring(0, slash) : rest;
        String database = slash >= 0 ? decode(rest.substring(slash + 1)) : "";
        Map<String, String> params = queryParams(query);
        if (database.isEmpty()) {
            database = param(params, "database").orElse("");
        }
        if (database.isEmpty()) {
            throw new BackupConfigurationException(
                    Setting.DATABASE_URL,
                    "the database URL names no database; add it to the URL: jdbc:mariadb://host:port/database");
        }
        Address address = address(firstHost(hosts));
        String socket = param(params, "localSocket")
                .or(() -> param(params, "junixsocket.file"))
                .filter(s -> !s.isBlank())
                .orElse(null);
        return new MysqlUrl(address.host(), address.port(), socket, database, params);
    }

    /** The query's parameters, decoded, in their order ({@code &} or {@code ;} between them). */
    private static Map<String, String> queryParams(String query) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : query.split("[&;]")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = decode(eq >= 0 ? pair.substring(0, eq) : pair);
            String v = eq >= 0 ? decode(pair.substring(eq + 1)) : "";
            params.put(k, v);
        }
        return params;
    }

    private record Address(String host, int port) {}

    /** Host and port of a URL's first host: {@code host:port}, {@code [v6]:port} or {@code address=(host=..)(port=..)}. */
    private static Address address(String first) {
        String host = "localhost";
        int port = DEFAULT_PORT;
        if (first.startsWith("address=") || first.startsWith("(")) {
            Matcher a = ADDRESS_KEY.matcher(first);
            while (a.find()) {
                String k = a.group(1).toLowerCase(Locale.ROOT);
                if (k.equals("host")) {
                    host = a.group(2);
                } else if (k.equals("port")) {
                    port = parsePort(a.group(2));
                }
            }
        } else if (!first.isEmpty()) {
            if (first.startsWith("[")) {
                int end = first.indexOf(']');
                if (end < 0) {
                    throw new BackupConfigurationException(
                            Setting.DATABASE_URL, "the database URL has an unterminated IPv6 address");
                }
                host = first.substring(1, end);
                String after = first.substring(end + 1);
                if (after.startsWith(":") && after.length() > 1) {
                    port = parsePort(after.substring(1));
                }
            } else {
                int colon = first.lastIndexOf(':');
                if (colon >= 0) {
                    host = first.substring(0, colon);
                    if (colon + 1 < first.length()) {
                        port = parsePort(first.substring(colon + 1));
                    }
                } else {
                    host = first;
                }
                if (host.isEmpty()) {
                    host = "localhost";
                }
            }
        }
        return new Address(host, port);
    }

    /** A query parameter, looked up ignoring case. */
    Optional<String> param(String name) {
        return param(params, name);
    }

    private static Optional<String> param(Map<String, String> params, String name) {
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    private static String firstHost(String hosts) {
        // host lists: h1:3306,h2:3306 or address=(..)(..),address=(..)
        int depth = 0;
        for (int i = 0; i < hosts.length(); i++) {
            char c = hosts.charAt(i);
            if (c == '(' || c == '[') {
                depth++;
            } else if (c == ')' || c == ']') {
                depth--;
            } else if (c == ',' && depth == 0) {
                return hosts.substring(0, i).trim();
            }
        }
        return hosts.trim();
    }

    private static int parsePort(String s) {
        try {
            int p = Integer.parseInt(s.trim());
            if (p <= 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new BackupConfigurationException(
                    Setting.DATABASE_URL, "the database URL has an invalid port; use 1-65535");
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        // params may hold a password: never shown
        return "MysqlUrl[" + (socket != null ? socket : host + ":" + port) + "/" + database + "]";
    }
}
