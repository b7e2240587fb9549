package io.backupkit.backup.core.h2;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlStatementReaderTest {
    private static List<String> split(String script) throws IOException {
        SqlStatementReader r = new SqlStatementReader(new StringReader(script));
        List<String> out = new ArrayList<>();
        String s;
        while ((s = r.next()) != null) {
            out.add(s.strip());
        }
        return out;
    }

    @Test
    void splitsOnSemicolonsOutsideStringsIdentifiersAndSources() throws IOException {
        String script = "INSERT INTO \"a;b\" VALUES ('x;''y', U&'\\00e9;');\n"
                + "CREATE ALIAS F AS $$ String f() { return \";\"; } $$;\n"
                + "SELECT 1 - -2, 4/2, X'3b';";

        assertThat(split(script))
                .containsExactly(
                        "INSERT INTO \"a;b\" VALUES ('x;''y', U&'\\00e9;')",
                        "CREATE ALIAS F AS $$ String f() { return \";\"; } $$",
                        "SELECT 1 - -2, 4/2, X'3b'");
    }

    @Test
    void dropsCommentsAndCommentOnlyChunks() throws IOException {
        String script = "-- H2 2.3.232;\n-- 2 +/- SELECT COUNT(*) FROM T;\nCREATE TABLE T(ID INT); /* a; b */ ;\n"
                + "-- backupkit h2 dump end: statements=1 sha256=00\n";

        assertThat(split(script)).containsExactly("CREATE TABLE T(ID INT)");
    }

    @Test
    void reportsAnUnterminatedLastStatement() throws IOException {
        SqlStatementReader r = new SqlStatementReader(new StringReader("SELECT 1; INSERT INTO T VALUES (1"));

        assertThat(r.next()).isEqualTo("SELECT 1");
        assertThat(r.lastWasUnterminated()).isFalse();
        assertThat(r.next()).isEqualTo(" INSERT INTO T VALUES (1");
        assertThat(r.lastWasUnterminated()).isTrue();
        assertThat(r.next()).isNull();
    }

    @Test
    void anOpenStringSwallowsTheRest() throws IOException {
        assertThat(split("INSERT INTO T VALUES ('open; SELECT 2;"))
                .containsExactly("INSERT INTO T VALUES ('open; SELECT 2;");
    }
}
