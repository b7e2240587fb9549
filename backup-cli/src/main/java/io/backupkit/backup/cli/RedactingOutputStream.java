package io.backupkit.backup.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks credentials in what the tool writes to stderr, line by line: HTTP authorization headers,
 * request signatures, session tokens and the keys of storage options. A last line of defence
 * under the logging levels {@link Main} sets, for a dependency (the AWS SDK's signer, an HTTP
 * client's header log) that logs a request whole at DEBUG.
 */
final class RedactingOutputStream extends OutputStream {
    static final String MASK = "****";

    private static final List<Pattern> SECRETS = List.of(
            Pattern.compile("(?i)(authorization[\"']?\\s*[:=]\\s*)([^\\r\\n\"\\[]+)"),
            Pattern.compile("(?i)((?:chunk-|x-amz-)?signature\\s*[=:]\\s*)([0-9a-f]{16,})"),
            Pattern.compile("(?i)(credential\\s*=\\s*)([^\\s,&\"]+)"),
            Pattern.compile("(?i)(x-amz-security-token[\"']?\\s*[:=]\\s*)([^\\s&;,\"\\]]+)"),
            Pattern.compile(
                    "(?i)((?:secret_key|session_token|access_token|refresh_token|app_secret|password|passphrase)"
                            + "[\"']?\\s*[:=]\\s*\"?)([^\"\\s&,;}]+)"));

    private final OutputStream out;
    private final Charset charset;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    RedactingOutputStream(OutputStream out, Charset charset) {
        this.out = out;
        this.charset = charset;
    }

    /** {@code text} with every credential replaced by {@link #MASK}. */
    static String redact(String text) {
        String s = text;
        for (Pattern p : SECRETS) {
            Matcher m = p.matcher(s);
            if (m.find()) {
                s = m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + MASK));
            }
        }
        return s;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        line.write(b);
        if (b == '\n' || b == '\r') {
            emit();
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        emit();
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        flush();
        out.close();
    }

    private void emit() throws IOException {
        if (line.size() > 0) {
            out.write(redact(line.toString(charset)).getBytes(charset));
            line.reset();
        }
    }
}
