package io.backupkit.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the tool's stderr masks, line by line, and what it leaves alone. */
class RedactingOutputStreamTest {
    private static String through(String text) {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (PrintStream err = new PrintStream(
                new RedactingOutputStream(sink, StandardCharsets.UTF_8), true, StandardCharsets.UTF_8)) {
            err.print(text);
        }
        return sink.toString(StandardCharsets.UTF_8);
    }

    @Test
    void credentialsAreMasked() {
        String out = through("x-amz-security-token:FwoGZXIvYXdzTOKEN\n"
                + "http-outgoing-0 >> Authorization: AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261207/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host, Signature=0658cdb24813ad8316b1c9683adf050de097c8cdfe120bd6e2fadbe98422c92d\r\n"
                + "http-outgoing-0 >> \"1000;chunk-signature=2a11fc908c94f6350c3ae4e37d363312965db3109ba644e3ebfe20c381c8c01c[\\r][\\n]\"\n"
                + "GET /x?X-Amz-Credential=AKIAEXAMPLE%2F2026&X-Amz-Signature=3777816920f5e6fce67ed49ec9e98db9&X-Amz-Security-Token=abcTOKEN\n"
                + "Authorization: Bearer sl.dropboxTOKEN\n"
                + "{\"secret_key\": \"wJalrSECRET\", \"session_token\":\"tokTOKEN\", \"bucket\": \"b\"}\n");
        assertThat(out)
                .doesNotContain(
                        "FwoGZXIvYXdzTOKEN",
                        "AKIAEXAMPLE",
                        "0658cdb2",
                        "2a11fc90",
                        "37778169",
                        "abcTOKEN",
                        "sl.dropboxTOKEN",
                        "wJalrSECRET",
                        "tokTOKEN")
                .contains("\"bucket\": \"b\"")
                .contains("x-amz-security-token:****");
        assertThat(out.lines()).hasSize(6);
    }

    @Test
    void ordinaryOutputPassesUnchangedAndProgressRedrawsStayInPlace() {
        String text = "backup: warning: 3 media files changed while read\r[====   ] 40%\r[=======] 100%\n";
        assertThat(through(text)).isEqualTo(text);
    }
}
