package io.backupkit.backup.tck;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A TCP relay on the loopback interface in front of a local server (an S3 or Dropbox fake, a
 * database): point the code under test at {@link #endpoint()} instead of the server, and the relay
 * passes its connections on. For failure tests on the wire: a slow uplink ({@link #throttled}), a
 * response cut off with a connection reset ({@link #forward(Socket, long, long)}), or any handler
 * that looks at (and changes) the bytes ({@link #start(int, String, Handler)}).
 *
 * <p>Each accepted connection is handled on its own daemon thread. {@link #close()} stops accepting
 * and closes every connection the relay opened or accepted.
 */
public final class TcpRelay implements AutoCloseable {
    /** No rate limit, for {@link #forward(Socket, long, long)} and {@link #pump}. */
    public static final long UNLIMITED = 0;

    /** Never cut, for {@link #forward(Socket, long, long)} and {@link #pump}. */
    public static final long NO_CUT = -1;

    /** What the relay does with one accepted connection, on that connection's own thread. */
    @FunctionalInterface
    public interface Handler {
        /**
         * Handles {@code client} (already tracked: it is closed with the relay). Use {@link
         * TcpRelay#connectUpstream()} to reach the server and {@link TcpRelay#forward} or {@link
         * TcpRelay#pump} to copy bytes.
         */
        void handle(TcpRelay relay, Socket client) throws IOException;
    }

    private final ServerSocket server;
    private final int targetPort;
    private final String name;
    private final Handler handler;
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());

    private TcpRelay(int targetPort, String name, Handler handler) throws IOException {
        this.targetPort = targetPort;
        this.name = name;
        this.handler = handler;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon(name, this::acceptLoop);
    }

    /** A relay to {@code 127.0.0.1:targetPort} whose connections {@code handler} handles. */
    public static TcpRelay start(int targetPort, String name, Handler handler) throws IOException {
        return new TcpRelay(targetPort, name, handler);
    }

    /**
     * A relay that passes bytes unchanged but limits what each connection sends upstream to {@code
     * upstreamBytesPerSecond}, like a slow uplink: an upload then takes a known while, so a test
     * that sees part of it stored can act (kill the writer) well before it completes. Responses are
     * not limited.
     */
    public static TcpRelay throttled(int targetPort, long upstreamBytesPerSecond) throws IOException {
        return start(
                targetPort,
                "throttled-relay",
                (relay, client) -> relay.forward(client, upstreamBytesPerSecond, NO_CUT));
    }

    /** Where clients connect: {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** The local port clients connect to. */
    public int port() {
        return server.getLocalPort();
    }

    /** A new connection to the server, closed with the relay. */
    public Socket connectUpstream() throws IOException {
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(upstream);
        return upstream;
    }

    /**
     * Relays {@code client} to a new server connection, both ways, until either side ends: the
     * request side limited to {@code upstreamBytesPerSecond} ({@link #UNLIMITED}: not), the response
     * side reset after {@code cutResponseAfter} bytes ({@link #NO_CUT}: never). Returns when the
     * response side is done.
     */
    public void forward(Socket client, long upstreamBytesPerSecond, long cutResponseAfter) throws IOException {
        Socket upstream = connectUpstream();
        daemon(name + "-up", () -> pump(client, upstream, upstreamBytesPerSecond, NO_CUT));
        pump(upstream, client, UNLIMITED, cutResponseAfter);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                daemon(name + "-conn", () -> {
                    try {
                        handler.handle(this, client);
                    } catch (IOException e) {
                        closeQuietly(client);
                    }
                });
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    /**
     * Copies {@code from}'s input to {@code to}'s output until either side ends, then closes both.
     * With {@code bytesPerSecond > 0} the copy keeps to that rate; with {@code cutAfter >= 0} it
     * passes that many bytes, then resets {@code to} (RST, not a clean end) and closes {@code from}.
     */
    public static void pump(Socket from, Socket to, long bytesPerSecond, long cutAfter) {
        byte[] buf = new byte[16 * 1024];
        long t0 = System.nanoTime();
        long total = 0;
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (cutAfter >= 0 && total + n > cutAfter) {
                    out.write(buf, 0, (int) (cutAfter - total));
                    out.flush();
                    to.setSoLinger(true, 0); // RST, not a clean end
                    to.close();
                    return;
                }
                out.write(buf, 0, n);
                out.flush();
                total += n;
                if (bytesPerSecond > 0) {
                    long wait = t0 + total * 1_000_000_000L / bytesPerSecond - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            // a side went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /**
     * Reads an HTTP/1.x message head: the bytes up to and including the blank line that ends it;
     * null at end of stream before any byte, what was read when the stream ends inside the head.
     * For handlers that look at HTTP requests or responses.
     */
    public static byte[] readHttpHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0; // how much of \r\n\r\n has been seen
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2))
                    ? state + 1
                    : (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            if (state == 4) {
                return head.toByteArray();
            }
        }
        return head.size() == 0 ? null : head.toByteArray();
    }

    /** Starts {@code task} on a new daemon thread named {@code name}. */
    public static Thread daemon(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Closes {@code socket}, ignoring a failure. */
    public static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (sockets) {
            sockets.forEach(TcpRelay::closeQuietly);
        }
    }
}
