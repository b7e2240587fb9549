package io.backupkit.backup.storage.s3;

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
 * A TCP relay to S3Proxy that passes bytes unchanged but limits what each connection sends upstream
 * to a rate, like a slow uplink: an upload part then takes a known while, so a test that sees a part
 * stored can kill the writer well before the upload completes.
 */
final class ThrottledRelay implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final long bytesPerSecond;
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());

    ThrottledRelay(int targetPort, long bytesPerSecond) throws IOException {
        this.targetPort = targetPort;
        this.bytesPerSecond = bytesPerSecond;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "throttled-relay");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(upstream);
                start(() -> pump(client, upstream, bytesPerSecond));
                start(() -> pump(upstream, client, -1));
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private static void start(Runnable r) {
        Thread t = new Thread(r, "throttled-relay-conn");
        t.setDaemon(true);
        t.start();
    }

    private static void pump(Socket from, Socket to, long rate) {
        byte[] buf = new byte[16 * 1024];
        long t0 = System.nanoTime();
        long total = 0;
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
                total += n;
                if (rate > 0) {
                    long due = t0 + total * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
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
            sockets.forEach(ThrottledRelay::closeQuietly);
        }
    }
}
