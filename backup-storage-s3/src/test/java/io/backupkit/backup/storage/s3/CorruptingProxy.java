package io.backupkit.backup.storage.s3;

import io.backupkit.backup.tck.TcpRelay;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An HTTP relay in front of S3Proxy that flips one bit of one message body on the wire, the way a
 * faulty NIC, middlebox or RAM on the path would: in the body of a response (e.g. a GET of an
 * object) or of a request (e.g. an UploadPart or PutObject). Everything else is relayed byte for
 * byte. Each request gets its own connection ({@code Connection: close} is set on the way in; the
 * SigV4 signature does not cover that header), so a message body runs to the end of its connection.
 * A request body in {@code aws-chunked} encoding (the SDK's checksum trailers) is decoded on the fly
 * so that the flip lands in the payload, never in the chunk framing. Accepting and connecting are
 * the TCK's {@link TcpRelay}.
 */
final class CorruptingProxy implements AutoCloseable {
    enum Where {
        REQUEST_BODY,
        RESPONSE_BODY
    }

    /**
     * Flip bit 0 of the payload byte at {@code offset} of the next {@code times} requests {@code
     * method} whose URI contains {@code uriPart} ({@code times < 0}: all of them).
     */
    record Rule(String method, String uriPart, Where where, long offset, int times) {}

    private final TcpRelay relay;
    private final AtomicReference<Rule> armed = new AtomicReference<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<String> flips = Collections.synchronizedList(new ArrayList<>());
    private final List<String> heads = Collections.synchronizedList(new ArrayList<>());

    CorruptingProxy(int targetPort) throws IOException {
        this.relay = TcpRelay.start(targetPort, "corrupting-proxy", (r, client) -> handle(client));
    }

    URI endpoint() {
        return relay.endpoint();
    }

    /** Arms one flip (replacing one not yet done). */
    void arm(String method, String uriPart, Where where, long offset) {
        arm(method, uriPart, where, offset, 1);
    }

    /** Arms flips in {@code times} matching messages ({@code -1}: every one, until {@link #disarm()}). */
    void arm(String method, String uriPart, Where where, long offset, int times) {
        armed.set(new Rule(method, uriPart, where, offset, times));
    }

    void disarm() {
        armed.set(null);
    }

    /** The flips done: what was flipped where. */
    List<String> flips() {
        synchronized (flips) {
            return List.copyOf(flips);
        }
    }

    /** The heads of requests with a body, as relayed (Authorization left out). */
    List<String> heads() {
        synchronized (heads) {
            return List.copyOf(heads);
        }
    }

    /** Every request line relayed, with the response status. */
    List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    private void handle(Socket client) {
        try (client) {
            InputStream fromClient = new BufferedInputStream(client.getInputStream());
            byte[] head = TcpRelay.readHttpHead(fromClient);
            if (head == null) {
                return;
            }
            String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\r\n");
            String requestLine = lines[0];
            String[] parts = requestLine.split(" ");
            String method = parts[0];
            String uri = parts.length > 1 ? parts[1] : "";
            boolean awsChunked = false;
            StringBuilder rewritten = new StringBuilder(requestLine).append("\r\n");
            for (int i = 1; i < lines.length; i++) {
                String lower = lines[i].toLowerCase(Locale.ROOT);
                if (lower.startsWith("connection:") || lines[i].isEmpty()) {
                    continue;
                }
                if (lower.startsWith("x-amz-content-sha256:") && lower.contains("streaming-")
                        || lower.startsWith("content-encoding:") && lower.contains("aws-chunked")) {
                    awsChunked = true;
                }
                rewritten.append(lines[i]).append("\r\n");
            }
            rewritten.append("Connection: close\r\n\r\n");
            if (!method.equals("GET") && !method.equals("HEAD")) {
                heads.add(rewritten.toString().replaceAll("(?im)^authorization:.*$", "Authorization: ..."));
            }

            Rule rule = armed.get();
            Rule mine = null;
            if (rule != null
                    && rule.method().equals(method)
                    && uri.contains(rule.uriPart())
                    && (rule.times() < 0
                            || armed.compareAndSet(
                                    rule,
                                    rule.times() == 1
                                            ? null
                                            : new Rule(
                                                    rule.method(),
                                                    rule.uriPart(),
                                                    rule.where(),
                                                    rule.offset(),
                                                    rule.times() - 1)))) {
                mine = rule;
            }
            try (Socket upstream = relay.connectUpstream()) {
                upstream.getOutputStream().write(rewritten.toString().getBytes(StandardCharsets.ISO_8859_1));
                final Rule requestFlip = mine != null && mine.where() == Where.REQUEST_BODY ? mine : null;
                final boolean chunked = awsChunked;
                final String what = method + " " + uri;
                TcpRelay.daemon(
                        "corrupting-proxy-up", () -> pumpRequest(fromClient, upstream, requestFlip, chunked, what));
                Rule responseFlip = mine != null && mine.where() == Where.RESPONSE_BODY ? mine : null;
                String status = pumpResponse(upstream.getInputStream(), client.getOutputStream(), responseFlip, what);
                requests.add(what + " -> " + status);
            }
        } catch (IOException e) {
            // a side went away
        }
    }

    private void pumpRequest(InputStream in, Socket upstream, Rule flip, boolean awsChunked, String what) {
        try {
            OutputStream out = upstream.getOutputStream();
            ChunkTracker chunks = awsChunked ? new ChunkTracker() : null;
            byte[] buf = new byte[16 * 1024];
            long raw = 0;
            int n;
            while ((n = in.read(buf)) >= 0) {
                for (int i = 0; i < n; i++) {
                    long payload = chunks == null ? raw + i : chunks.next(buf[i]);
                    if (flip != null && payload == flip.offset()) {
                        byte before = buf[i];
                        buf[i] ^= 0x01;
                        flips.add("request body of " + what + " at payload byte " + payload + ": "
                                + String.format("%02x -> %02x", before, buf[i]));
                        flip = null;
                    }
                }
                raw += n;
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the connection is over
        }
    }

    /** Relays the response; flips a body byte when asked. Returns the final status line. */
    private String pumpResponse(InputStream in, OutputStream out, Rule flip, String what) throws IOException {
        in = new BufferedInputStream(in);
        String status;
        while (true) {
            byte[] head = TcpRelay.readHttpHead(in);
            if (head == null) {
                return "no answer";
            }
            out.write(head);
            out.flush();
            status = new String(head, StandardCharsets.ISO_8859_1).split("\r\n")[0];
            if (!status.matches("HTTP/1\\.\\d 1\\d\\d .*")) {
                break; // 100 Continue is followed by the real answer
            }
        }
        byte[] buf = new byte[16 * 1024];
        long pos = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            if (flip != null && flip.offset() >= pos && flip.offset() < pos + n) {
                int i = (int) (flip.offset() - pos);
                byte before = buf[i];
                buf[i] ^= 0x01;
                flips.add("response body of " + what + " at byte " + flip.offset() + ": "
                        + String.format("%02x -> %02x", before, buf[i]));
                flip = null;
            }
            out.write(buf, 0, n);
            out.flush();
            pos += n;
        }
        return status;
    }

    /** Follows aws-chunked framing ({@code hex-size[;ext]\r\n data \r\n ... 0\r\n trailers}). */
    private static final class ChunkTracker {
        private final StringBuilder line = new StringBuilder();
        private long remaining = -1; // -1: reading a chunk header line
        private int crlf; // bytes of the CRLF after a chunk's data still to come
        private boolean trailers;
        private long payload;

        /** The payload offset of this byte, or -1 when it is framing. */
        long next(byte b) {
            if (trailers) {
                return -1;
            }
            if (crlf > 0) {
                crlf--;
                return -1;
            }
            if (remaining > 0) {
                remaining--;
                if (remaining == 0) {
                    crlf = 2;
                    remaining = -1;
                }
                return payload++;
            }
            // header line
            if (b == '\n') {
                String h = line.toString().trim();
                line.setLength(0);
                int semi = h.indexOf(';');
                long size = Long.parseLong(semi >= 0 ? h.substring(0, semi) : h, 16);
                if (size == 0) {
                    trailers = true;
                } else {
                    remaining = size;
                }
            } else if (b != '\r') {
                line.append((char) (b & 0xff));
            }
            return -1;
        }
    }

    @Override
    public void close() throws IOException {
        relay.close();
    }
}
