package io.backupkit.backup.storage.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay in front of S3Proxy that injects faults at the HTTP level: answer the next
 * connections with an S3 error (503 SlowDown, 500, 403, ...) and close, or cut a response after so
 * many bytes. Bytes are relayed unchanged otherwise (the Host header too, so SigV4 signatures
 * still verify). Counts connections, which for failed requests are the SDK's attempts.
 */
final class FaultProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile int failStatus;
    private volatile String failCode;
    private final AtomicLong cutAfter = new AtomicLong(-1);
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
    private final Thread acceptor;

    FaultProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "fault-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
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
        cutAfter.set(-1);
        connections.set(0);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                connections.incrementAndGet();
                Thread t = new Thread(() -> handle(client), "fault-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
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

    private void handle(Socket client) {
        try {
            if (takeFailure()) {
                readHead(client.getInputStream());
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
            Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            sockets.add(upstream);
            long cut = cutAfter.getAndSet(-1);
            Thread up = new Thread(() -> pump(client, upstream, -1), "fault-proxy-up");
            up.setDaemon(true);
            up.start();
            pump(upstream, client, cut);
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    private static void readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            // \r\n\r\n
            state = (b == '\r' && (state == 0 || state == 2))
                    ? state + 1
                    : (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            if (state == 4) {
                return;
            }
        }
    }

    /** Copies from {@code from} to {@code to}; with {@code limit >= 0}, resets both after that many bytes. */
    private static void pump(Socket from, Socket to, long limit) {
        byte[] buf = new byte[16 * 1024];
        long total = 0;
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (limit >= 0 && total + n > limit) {
                    int keep = (int) (limit - total);
                    out.write(buf, 0, keep);
                    out.flush();
                    to.setSoLinger(true, 0); // RST, not a clean end
                    to.close();
                    from.close();
                    return;
                }
                out.write(buf, 0, n);
                out.flush();
                total += n;
            }
        } catch (IOException e) {
            // one side went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                closeQuietly(s);
            }
        }
    }
}
