package io.backupkit.backup.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The final COMMIT of pg_restore's script is held back; everything else passes through in order. */
class ScriptPumpTest {
    private static String[] pump(String script) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PostgresDumper.ScriptPump p = new PostgresDumper.ScriptPump(
                new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)),
                out,
                "PRE;\n".getBytes(StandardCharsets.UTF_8),
                null);
        p.run();
        byte[] tail = p.tailWithoutCommit();
        return new String[] {
            out.toString(StandardCharsets.UTF_8), tail == null ? null : new String(tail, StandardCharsets.UTF_8)
        };
    }

    @Test
    void holdsBackTheLastCommitOfASmallScript() {
        String[] r = pump("\\restrict k\nBEGIN;\nCOPY t FROM stdin;\nCOMMIT;\n\\.\nCOMMIT;\n\n\\unrestrict k\n");
        assertThat(r[0]).isEqualTo("PRE;\n");
        assertThat(r[1]).isEqualTo("\\restrict k\nBEGIN;\nCOPY t FROM stdin;\nCOMMIT;\n\\.\n\n\\unrestrict k\n");
    }

    @Test
    void largeScriptsStreamThroughAndKeepOnlyTheTail() {
        String body = "INSERT INTO t VALUES ('" + "x".repeat(100) + "');\n";
        String script = "BEGIN;\n" + body.repeat(5000) + "COMMIT;\n-- done\n";
        String[] r = pump(script);
        assertThat(r[0].length()).isGreaterThan(script.length() - 3 * PostgresDumper.ScriptPump.KEEP);
        assertThat(r[0] + r[1]).isEqualTo("PRE;\n" + script.replace("COMMIT;\n-- done", "-- done"));
    }

    @Test
    void aScriptWithoutItsFinalCommitIsIncomplete() {
        assertThat(pump("BEGIN;\nCOPY t FROM stdin;\n1\tabc")[1]).isNull();
        assertThat(pump("")[1]).isNull();
        assertThat(pump("BEGIN;\nSELECT 'COMMIT;';\n")[1]).isNull();
    }
}
