package io.backupkit.backup.db.postgres;

import io.backupkit.backup.spi.support.NativeProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes the preamble, then pg_restore's script into psql, holding back the last bytes so that the
 * script's final {@code COMMIT} is only sent once everything else is known to have worked. The
 * script's own {@code BEGIN;} line is blanked: the preamble began the transaction, and a second
 * {@code BEGIN} made the server log a warning ("there is already a transaction in progress") on
 * every restore.
 */
final class ScriptPump implements Runnable {
    static final int KEEP = 64 * 1024;
    private static final byte[] COMMIT = "COMMIT;\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BEGIN = "BEGIN;".getBytes(StandardCharsets.US_ASCII);

    private final InputStream in;
    private final OutputStream out;
    private final byte[] preamble;
    private final NativeProcess producer;
    private final byte[] hold = new byte[3 * KEEP];
    private int held;
    volatile boolean eof;
    volatile IOException writeError;
    volatile boolean killedProducer;
    private final StringBuffer notes = new StringBuffer();

    ScriptPump(InputStream in, OutputStream out, byte[] preamble, NativeProcess producer) {
        this.in = in;
        this.out = out;
        this.preamble = preamble;
        this.producer = producer;
    }

    void note(String s) {
        if (notes.length() > 0) {
            notes.append("; ");
        }
        notes.append(s);
    }

    String notes() {
        return notes.length() == 0 ? null : notes.toString();
    }

    @Override
    public void run() {
        try {
            out.write(preamble);
        } catch (IOException e) {
            writeError = e;
            killProducer();
            return;
        }
        boolean beginChecked = false;
        try (InputStream input = in) {
            while (true) {
                int n = input.read(hold, held, hold.length - held);
                if (n < 0) {
                    eof = true;
                    break;
                }
                held += n;
                if (!beginChecked && held >= KEEP) { // before anything of the script is written
                    blankScriptBegin();
                    beginChecked = true;
                }
                if (held > 2 * KEEP) {
                    int flush = held - KEEP;
                    try {
                        out.write(hold, 0, flush);
                    } catch (IOException e) {
                        writeError = e;
                        note("psql stopped reading its input");
                        killProducer();
                        return;
                    }
                    System.arraycopy(hold, flush, hold, 0, held - flush);
                    held -= flush;
                }
            }
        } catch (IOException e) {
            note("reading pg_restore's output failed: " + e.getMessage());
        }
        if (!beginChecked) {
            blankScriptBegin();
        }
        if (eof) {
            try {
                out.flush();
            } catch (IOException e) {
                writeError = e;
            }
        }
    }

    private void killProducer() {
        killedProducer = true;
        if (producer != null) {
            producer.kill();
        }
    }

    /**
     * The held-back end of the script without its last {@code COMMIT;} line, or {@code null} when
     * there is none (the script is incomplete).
     */
    byte[] tailWithoutCommit() {
        int at = -1;
        for (int i = held - COMMIT.length; i >= 0; i--) {
            if ((i == 0 || hold[i - 1] == '\n') && regionEquals(i, COMMIT)) {
                at = i;
                break;
            }
        }
        if (at < 0) {
            return null;
        }
        byte[] out = new byte[held - COMMIT.length];
        System.arraycopy(hold, 0, out, 0, at);
        System.arraycopy(hold, at + COMMIT.length, out, at, held - at - COMMIT.length);
        return out;
    }

    /**
     * Blanks (with spaces) the first statement of the held script if it is a {@code BEGIN;} line:
     * pg_restore {@code -1} writes it after its header of comments and psql meta-commands. A
     * {@code BEGIN} after any other statement, or none, is left as it is.
     */
    private void blankScriptBegin() {
        int line = 0;
        while (line < held) {
            int end = line;
            while (end < held && hold[end] != '\n') {
                end++;
            }
            if (end == held) {
                return; // not a whole line
            }
            int len = end - line;
            if (len == BEGIN.length && regionEquals(line, BEGIN)) {
                java.util.Arrays.fill(hold, line, end, (byte) ' ');
                return;
            }
            boolean header = len == 0 || hold[line] == '\\' || (len >= 2 && hold[line] == '-' && hold[line + 1] == '-');
            if (!header) {
                return;
            }
            line = end + 1;
        }
    }

    private boolean regionEquals(int at, byte[] what) {
        for (int j = 0; j < what.length; j++) {
            if (hold[at + j] != what[j]) {
                return false;
            }
        }
        return true;
    }
}
