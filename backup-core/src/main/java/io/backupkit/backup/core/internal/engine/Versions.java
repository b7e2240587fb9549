package io.backupkit.backup.core.internal.engine;

import java.util.OptionalInt;

/**
 * Compares host application versions such as {@code 2.4.0} or {@code 2.10.1-rc1}, semver-like: the
 * numeric parts first, then a pre-release ({@code -rc1}) below its release, pre-release parts in
 * natural order ({@code rc2 < rc10}); build metadata ({@code +build5}) is ignored.
 */
final class Versions {
    private Versions() {}

    /** True when both are known, comparable, and {@code a} is newer than {@code b}. */
    static boolean isNewer(String a, String b) {
        OptionalInt c = compare(a, b);
        return c.isPresent() && c.getAsInt() > 0;
    }

    /** The order of {@code a} and {@code b}, or empty when either is missing or not a version. */
    static OptionalInt compare(String a, String b) {
        if (a == null || b == null || a.isBlank() || b.isBlank()) {
            return OptionalInt.empty();
        }
        String[] x = split(a.strip());
        String[] y = split(b.strip());
        String[] cx = x[0].split("\\.");
        String[] cy = y[0].split("\\.");
        for (int i = 0; i < Math.max(cx.length, cy.length); i++) {
            Long p = i < cx.length ? number(cx[i]) : Long.valueOf(0);
            Long q = i < cy.length ? number(cy[i]) : Long.valueOf(0);
            if (p == null || q == null) {
                return OptionalInt.empty();
            }
            if (!p.equals(q)) {
                return OptionalInt.of(Long.compare(p, q));
            }
        }
        if (x[1] == null || y[1] == null) {
            return OptionalInt.of(x[1] == null ? (y[1] == null ? 0 : 1) : -1); // a release is above its pre-releases
        }
        String[] px = x[1].split("\\.");
        String[] py = y[1].split("\\.");
        for (int i = 0; i < Math.min(px.length, py.length); i++) {
            int c = natural(px[i], py[i]);
            if (c != 0) {
                return OptionalInt.of(c);
            }
        }
        return OptionalInt.of(Integer.compare(px.length, py.length));
    }

    /** {core, pre-release or null}, without build metadata; a leading {@code v} is dropped. */
    private static String[] split(String v) {
        int plus = v.indexOf('+');
        String s = plus < 0 ? v : v.substring(0, plus);
        if (s.length() > 1 && (s.charAt(0) == 'v' || s.charAt(0) == 'V') && Character.isDigit(s.charAt(1))) {
            s = s.substring(1);
        }
        int dash = s.indexOf('-');
        return dash < 0 ? new String[] {s, null} : new String[] {s.substring(0, dash), s.substring(dash + 1)};
    }

    /** Runs of digits compare as numbers, the rest as text: {@code rc2 < rc10}, {@code alpha < beta}. */
    private static int natural(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                int c = new java.math.BigInteger(a.substring(si, i))
                        .compareTo(new java.math.BigInteger(b.substring(sj, j)));
                if (c != 0) {
                    return c;
                }
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static Long number(String s) {
        try {
            return s.isEmpty() || !s.chars().allMatch(Character::isDigit) ? null : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
