package io.backupkit.backup.storage.s3;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * The part of Google Cloud Storage's XML API that the lease uses, as GCS behaves (path style, no
 * signature check): PUT, HEAD and DELETE of objects with generation numbers, honouring {@code
 * x-goog-if-generation-match} and, like GCS, ignoring {@code If-None-Match} and {@code If-Match}
 * on writes and deletes. An upload with the AWS SDK's aws-chunked checksum trailer is refused with
 * 400, as GCS refuses it. Records the request headers (and the method as {@code :method}) for the tests.
 */
final class GcsXmlFake implements AutoCloseable {
    private record Blob(byte[] data, long generation, String etag) {}

    private final HttpServer server;
    private final Map<String, Blob> objects = new HashMap<>();
    private final List<Map<String, List<String>>> requests = new CopyOnWriteArrayList<>();
    private long generations = 1_700_000_000_000_000L;

    GcsXmlFake() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Lower-cased request headers of every request so far. */
    List<Map<String, List<String>>> requests() {
        return requests;
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            Map<String, List<String>> headers = new HashMap<>();
            x.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v));
            headers.put(":method", List.of(x.getRequestMethod()));
            requests.add(headers);
            String key = x.getRequestURI().getPath();
            String ifGeneration = x.getRequestHeaders().getFirst("x-goog-if-generation-match");
            switch (x.getRequestMethod()) {
                case "PUT" -> {
                    byte[] body = x.getRequestBody().readAllBytes();
                    if (headers.containsKey("x-amz-trailer")) {
                        error(x, 400, "InvalidArgument", "aws-chunked trailers are not supported");
                        return;
                    }
                    Blob stored;
                    synchronized (this) {
                        Blob current = objects.get(key);
                        if (!matches(ifGeneration, current)) {
                            error(
                                    x,
                                    412,
                                    "PreconditionFailed",
                                    "At least one of the pre-conditions you specified did not hold.");
                            return;
                        }
                        stored = new Blob(body, ++generations, "\"" + md5(body) + "\"");
                        objects.put(key, stored);
                    }
                    x.getResponseHeaders().add("ETag", stored.etag());
                    x.getResponseHeaders().add("x-goog-generation", String.valueOf(stored.generation()));
                    x.sendResponseHeaders(200, -1);
                }
                case "HEAD" -> {
                    Blob b;
                    synchronized (this) {
                        b = objects.get(key);
                    }
                    if (b == null) {
                        x.sendResponseHeaders(404, -1);
                        return;
                    }
                    x.getResponseHeaders().add("ETag", b.etag());
                    x.getResponseHeaders().add("x-goog-generation", String.valueOf(b.generation()));
                    x.getResponseHeaders()
                            .add(
                                    "Last-Modified",
                                    DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
                    x.sendResponseHeaders(200, -1);
                }
                case "DELETE" -> {
                    synchronized (this) {
                        Blob current = objects.get(key);
                        if (current == null) {
                            error(x, 404, "NoSuchKey", "The specified key does not exist.");
                            return;
                        }
                        if (!matches(ifGeneration, current)) {
                            error(
                                    x,
                                    412,
                                    "PreconditionFailed",
                                    "At least one of the pre-conditions you specified did not hold.");
                            return;
                        }
                        objects.remove(key);
                    }
                    x.sendResponseHeaders(204, -1);
                }
                default -> error(x, 501, "NotImplemented", "not in this fake");
            }
        }
    }

    private static boolean matches(String ifGeneration, Blob current) {
        if (ifGeneration == null) {
            return true;
        }
        long wanted = Long.parseLong(ifGeneration.trim());
        return wanted == 0 ? current == null : current != null && current.generation() == wanted;
    }

    private static void error(HttpExchange x, int status, String code, String message) throws IOException {
        byte[] body = ("<?xml version='1.0' encoding='UTF-8'?><Error><Code>" + code + "</Code><Message>" + message
                        + "</Message></Error>")
                .getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/xml; charset=UTF-8");
        if ("HEAD".equals(x.getRequestMethod())) {
            x.sendResponseHeaders(status, -1);
            return;
        }
        x.sendResponseHeaders(status, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    private static String md5(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
