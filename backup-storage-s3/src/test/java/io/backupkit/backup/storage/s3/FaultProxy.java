package io.backupkit.backup.storage.s3;

import io.backupkit.backup.tck.TcpRelay;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay in front of S3Proxy that injects faults at the HTTP level: answer the next
 * connections with an S3 error (503 SlowDown, 500, 403, ...) and close, or cut a response after so
 * many bytes. Bytes are relayed unchanged otherwise (the Host header too, so SigV4 signatures
 * still verify). Counts connections, which for failed requests are the SDK's attempts. The relaying
 * is the TCK's {@link TcpRelay}.
 */
final class FaultProxy implements AutoCloseable {
    private final TcpRelay relay;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile int failStatus;
    private volatile String failCode;
    private final AtomicLong cutAfter = new AtomicLong(TcpRelay.NO_CUT);

    FaultProxy(int targetPort) throws IOException {
        this.relay = TcpRelay.start(targetPort, "fault-proxy", (r, client) -> handle(client));
    }

    URI endpoint() {
        return relay.endpoint();
    }

    int connections() {
        return connections.get();
    }

    /** The next {@code count} connections get {@code status} with S3 error {@code code}; {@code -1} for always. */
    void fail(int count, int status, String code) {
        this.failStatus = status;
        this.failCode = code;
        failuresLeft.set(count);
    }

    /** The next response is cut (connection reset) after {@code bytes} bytes. */
    void cutNextResponseAfter(long bytes) {
        cutAfter.set(bytes);
    }

    void reset() {
        failuresLeft.set(0);
        cutAfter.set(TcpRelay.NO_CUT);
        connections.set(0);
    }

    private boolean takeFailure() {
        while (true) {
            int left = failuresLeft.get();
            if (left == 0) {
                return false;
            }
            if (left < 0 || failuresLeft.compareAndSet(left, left - 1)) {
                return true;
            }
        }
    }

    private void handle(Socket client) throws IOException {
        connections.incrementAndGet();
        if (takeFailure()) {
            TcpRelay.readHttpHead(client.getInputStream());
            String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + failCode
                    + "</Code><Message>injected</Message><RequestId>fault</RequestId></Error>";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String head = "HTTP/1.1 " + failStatus + " Injected\r\nContent-Type: application/xml\r\n"
                    + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n";
            OutputStream out = client.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            client.close();
            return;
        }
        relay.forward(client, TcpRelay.UNLIMITED, cutAfter.getAndSet(TcpRelay.NO_CUT));
    }

    @Override
    public void close() throws IOException {
        relay.close();
    }
}
