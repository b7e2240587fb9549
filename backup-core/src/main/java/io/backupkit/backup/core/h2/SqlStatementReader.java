package io.backupkit.backup.core.h2;

import java.io.IOException;
import java.io.Reader;
import java.util.Objects;

/**
 * Splits an H2 SQL script into statements, one at a time, holding only the current statement in
 * memory. Knows H2's lexical rules as far as {@code SCRIPT} output needs them: {@code '...'} strings
 * (also {@code X'..'} and {@code U&'..'}), {@code "..."} identifiers, {@code $$...$$} Java sources,
 * {@code --} line comments and {@code /* *}{@code /} block comments. Comments are dropped; a statement
 * ends at a {@code ;} outside all of these.
 */
final class SqlStatementReader {
    private final Reader in;
    private final char[] buf = new char[1 << 14];
    private int pos;
    private int len;
    private int pushback = -1;
    private final StringBuilder sb = new StringBuilder(1 << 12);
    private boolean unterminated;

    SqlStatementReader(Reader in) {
        this.in = Objects.requireNonNull(in, "in");
    }

    /** Whether the last statement returned ended at the end of the input without a {@code ;}. */
    boolean lastWasUnterminated() {
        return unterminated;
    }

    /** The next statement without its {@code ;}, or {@code null} at the end. */
    String next() throws IOException {
        sb.setLength(0);
        boolean content = false;
        int c;
        while ((c = read()) >= 0) {
            switch (c) {
                case ';':
                    if (content) {
                        unterminated = false;
                        return sb.toString();
                    }
                    sb.setLength(0);
                    break;
                case '\'':
                case '"':
                    content = true;
                    sb.append((char) c);
                    // a doubled quote inside reads as a close and a reopen: same split
                    copyUntil((char) c);
                    break;
                case '$': {
                    int d = read();
                    content = true;
                    sb.append('$');
                    if (d == '$') {
                        sb.append('$');
                        copyUntilDollars();
                    } else {
                        unread(d);
                    }
                    break;
                }
                case '-': {
                    int d = read();
                    if (d == '-') {
                        skipLine();
                        sb.append(' ');
                    } else {
                        content = true;
                        sb.append('-');
                        unread(d);
                    }
                    break;
                }
                case '/': {
                    int d = read();
                    if (d == '*') {
                        skipBlockComment();
                        sb.append(' ');
                    } else {
                        content = true;
                        sb.append('/');
                        unread(d);
                    }
                    break;
                }
                default:
                    if (!Character.isWhitespace(c)) {
                        content = true;
                    }
                    sb.append((char) c);
            }
        }
        if (content) {
            unterminated = true;
            return sb.toString();
        }
        return null;
    }

    private void copyUntil(char quote) throws IOException {
        int c;
        while ((c = read()) >= 0) {
            sb.append((char) c);
            if (c == quote) {
                return;
            }
        }
    }

    private void copyUntilDollars() throws IOException {
        int c;
        boolean dollar = false;
        while ((c = read()) >= 0) {
            sb.append((char) c);
            if (c == '$') {
                if (dollar) {
                    return;
                }
                dollar = true;
            } else {
                dollar = false;
            }
        }
    }

    private void skipLine() throws IOException {
        int c;
        while ((c = read()) >= 0) {
            if (c == '\n' || c == '\r') {
                return;
            }
        }
    }

    private void skipBlockComment() throws IOException {
        int c;
        boolean star = false;
        while ((c = read()) >= 0) {
            if (star && c == '/') {
                return;
            }
            star = c == '*';
        }
    }

    private void unread(int c) {
        if (c >= 0) {
            pushback = c;
        }
    }

    private int read() throws IOException {
        if (pushback >= 0) {
            int c = pushback;
            pushback = -1;
            return c;
        }
        if (pos == len) {
            len = in.read(buf, 0, buf.length);
            pos = 0;
            if (len <= 0) {
                len = 0;
                return -1;
            }
        }
        return buf[pos++];
    }
}
