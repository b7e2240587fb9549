package io.backupkit.backup.db.postgres;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Internal: a PostgreSQL version as far as compatibility goes. From 10 on the major version is the
 * first number ({@code 15.4} -> 15); before that the first two ({@code 9.6.24} -> 9.6).
 *
 * @param major first number
 * @param minor second number (part of the major version before 10)
 * @param text the version as reported
 */
record PgVersion(int major, int minor, String text) implements Comparable<PgVersion> {
    private static final Pattern TOOL = Pattern.compile("\\(PostgreSQL\\)\\s+(\\d+)(?:\\.(\\d+))?\\S*");
    private static final Pattern PLAIN = Pattern.compile("^\\s*(\\d+)(?:\\.(\\d+))?");

    /** From {@code server_version_num} (e.g. {@code 150004}, {@code 90624}). */
    static PgVersion fromVersionNum(int num, String text) {
        if (num >= 100000) {
            return new PgVersion(num / 10000, num % 10000, text);
        }
        return new PgVersion(num / 10000, (num / 100) % 100, text);
    }

    /** From a tool's {@code --version} line: {@code pg_dump (PostgreSQL) 15.4 (Debian 15.4-1)}. */
    static Optional<PgVersion> fromToolOutput(String output) {
        Matcher m = TOOL.matcher(output);
        if (!m.find()) {
            return Optional.empty();
        }
        String text = m.group().substring(m.group().lastIndexOf(')') + 1).trim();
        return Optional.of(of(Integer.parseInt(m.group(1)), m.group(2), text));
    }

    /** From a version text such as {@code 15.4} or {@code 9.6.24}, as the manifest records it. */
    static Optional<PgVersion> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = PLAIN.matcher(text);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(of(Integer.parseInt(m.group(1)), m.group(2), text.trim()));
    }

    private static PgVersion of(int first, String second, String text) {
        int minor = second == null ? 0 : Integer.parseInt(second);
        return new PgVersion(first, minor, text);
    }

    /** The comparable major version: 1500 for 15.x, 906 for 9.6.x. */
    int majorKey() {
        return major >= 10 ? major * 100 : major * 100 + minor;
    }

    /** The major version as directories name it: {@code 15}, {@code 9.6}. */
    String majorName() {
        return major >= 10 ? Integer.toString(major) : major + "." + minor;
    }

    @Override
    public int compareTo(PgVersion o) {
        return Integer.compare(majorKey(), o.majorKey());
    }

    @Override
    public String toString() {
        return text;
    }
}
