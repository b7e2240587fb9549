package io.backupkit.backup.core.engine;

/** Compares host application versions such as {@code 2.4.0}, {@code 2.10.1-rc1}. */
final class Versions {
    private Versions() {}

    /** True when both are known and {@code a} is newer than {@code b} by its numeric parts. */
    static boolean isNewer(String a, String b) {
        if (a == null || b == null || a.isBlank() || b.isBlank()) {
            return false;
        }
        String[] x = a.split("[.\\-+]");
        String[] y = b.split("[.\\-+]");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            Long p = i < x.length ? number(x[i]) : Long.valueOf(0);
            Long q = i < y.length ? number(y[i]) : Long.valueOf(0);
            if (p == null || q == null) {
                return false; // not comparable past here: do not refuse
            }
            if (!p.equals(q)) {
                return p > q;
            }
        }
        return false;
    }

    private static Long number(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
