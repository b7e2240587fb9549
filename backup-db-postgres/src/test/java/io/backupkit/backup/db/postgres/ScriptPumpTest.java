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
        ScriptPump p = new ScriptPump(
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
        assertThat(r[1]).isEqualTo("\\restrict k\n      \nCOPY t FROM stdin;\nCOMMIT;\n\\.\n\n\\unrestrict k\n");
    }

    @Test
    void theScriptsOwnBeginIsBlankedOnlyWhenItIsItsFirstStatement() {
        String header = "--\n-- PostgreSQL database dump\n--\n\n\\restrict k\n\n-- Dumped by pg_dump\n\n";
        String[] r = pump(header + "BEGIN;\n\nSET a = 1;\nBEGIN;\nCOMMIT;\n");
        assertThat(r[1])
                .as("the preamble began the transaction: a second BEGIN would make the server warn")
                .isEqualTo(header + "      \n\nSET a = 1;\nBEGIN;\n");
        assertThat(pump("SET a = 1;\nBEGIN;\nCOMMIT;\n")[1])
                .as("a BEGIN after another statement is the script's business")
                .isEqualTo("SET a = 1;\nBEGIN;\n");
        assertThat(pump("-- x\nBEGIN; -- not alone\nCOMMIT;\n")[1]).isEqualTo("-- x\nBEGIN; -- not alone\n");
    }

    @Test
    void largeScriptsStreamThroughAndKeepOnlyTheTail() {
        String body = "INSERT INTO t VALUES ('" + "x".repeat(100) + "');\n";
        String script = "BEGIN;\n" + body.repeat(5000) + "COMMIT;\n-- done\n";
        String[] r = pump(script);
        assertThat(r[0].length()).isGreaterThan(script.length() - 3 * ScriptPump.KEEP);
        assertThat(r[0] + r[1])
                .isEqualTo(
                        "PRE;\n" + script.replace("COMMIT;\n-- done", "-- done").replaceFirst("BEGIN;", "      "));
    }

    @Test
    void aScriptWithoutItsFinalCommitIsIncomplete() {
        assertThat(pump("BEGIN;\nCOPY t FROM stdin;\n1\tabc")[1]).isNull();
        assertThat(pump("")[1]).isNull();
        assertThat(pump("BEGIN;\nSELECT 'COMMIT;';\n")[1]).isNull();
    }
}
