package io.backupkit.backup.storage.dropbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A local HTTP fake of the Dropbox API v2 endpoints the storage uses, speaking the real wire format:
 * JSON bodies on the API host ({@code /2/files/list_folder}, {@code /list_folder/continue}, {@code
 * /get_metadata}, {@code /delete_v2}, {@code /oauth2/token}), {@code Dropbox-API-Arg} headers and
 * octet-stream bodies on the content host ({@code /2/files/upload}, {@code /upload_session/start},
 * {@code /append_v2}, {@code /finish}, {@code /download} with {@code Dropbox-API-Result} and
 * {@code Range}), 409 route errors with {@code error_summary} + {@code error}, 401 auth errors, 429
 * with {@code Retry-After}. It rejects wrong session offsets ({@code incorrect_offset} with {@code
 * correct_offset}) and computes {@code content_hash} like Dropbox. Paths are case-insensitive.
 *
 * <p>Faults are injected per endpoint ({@link #inject}). Both hosts are served on one port; the SDK
 * reaches it through {@link LocalDropboxRequestor}.
 */
final class FakeDropboxServer implements AutoCloseable {
    enum Fault {
        /** 429 with Retry-After. */
        RATE_LIMIT,
        /** 500. */
        SERVER_ERROR,
        /** 503 without Retry-After. */
        UNAVAILABLE,
        /** Read the request, then drop the connection without doing anything. */
        DROP_BEFORE,
        /** Do the request, then drop the connection before answering. */
        DROP_AFTER,
        /** Append only the first half of an append's body, then drop the connection. */
        PARTIAL_THEN_DROP,
        /** Store the file with one byte flipped (the content hash then differs from what was sent). */
        CORRUPT,
        /** Download: send the headers and half the body, then drop the connection. */
        DROP_MID_BODY
    }

    private record Injected(Fault fault, int skip) {}

    record StoredFile(String pathDisplay, byte[] content, String rev, String id, Instant modified) {}

    static {
        // answer small requests without waiting for Nagle/delayed-ACK (read once, when the JDK server loads)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(6);
    private final Map<String, StoredFile> files = new TreeMap<>();
    private final Map<String, StoredFile> revisions = new HashMap<>();
    private final Set<String> folders = new HashSet<>(Set.of(""));
    private final Map<String, ByteArrayOutputStream> sessions = new HashMap<>();
    private final Map<String, Deque<Map<String, Object>>> cursors = new HashMap<>();
    private final Map<String, Deque<Injected>> faults = new HashMap<>();
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> validTokens = new HashSet<>();
    private final Set<String> expiredTokens = new HashSet<>();
    private final List<String> writeProtected = new ArrayList<>();
    private String appKey = "fake-app-key";
    private String appSecret = "fake-app-secret";
    private String refreshToken;
    private long quota = Long.MAX_VALUE;
    private int pageSize = 1000;
    private int retryAfterSeconds = 1;
    private long counter = 0x5a1c0000L;

    FakeDropboxServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    // ---- configuration ------------------------------------------------------------------------

    synchronized FakeDropboxServer acceptToken(String token) {
        validTokens.add(token);
        return this;
    }

    synchronized FakeDropboxServer expireToken(String token) {
        validTokens.remove(token);
        expiredTokens.add(token);
        return this;
    }

    synchronized FakeDropboxServer revokeToken(String token) {
        validTokens.remove(token);
        expiredTokens.remove(token);
        return this;
    }

    synchronized FakeDropboxServer app(String key, String secret, String refresh) {
        this.appKey = key;
        this.appSecret = secret;
        this.refreshToken = refresh;
        return this;
    }

    synchronized FakeDropboxServer revokeRefreshToken() {
        this.refreshToken = null;
        return this;
    }

    synchronized FakeDropboxServer quota(long bytes) {
        this.quota = bytes;
        return this;
    }

    synchronized FakeDropboxServer pageSize(int entries) {
        this.pageSize = entries;
        return this;
    }

    synchronized FakeDropboxServer retryAfterSeconds(int seconds) {
        this.retryAfterSeconds = seconds;
        return this;
    }

    /** Writes under this folder fail with no_write_permission (like a path outside the app folder). */
    synchronized FakeDropboxServer writeProtect(String folder) {
        writeProtected.add(folder.toLowerCase(Locale.ROOT));
        return this;
    }

    /** The next request to {@code endpoint} (e.g. {@code upload_session/append_v2}) after {@code skip} others fails. */
    synchronized FakeDropboxServer inject(String endpoint, Fault fault, int skip) {
        faults.computeIfAbsent(endpoint, k -> new ArrayDeque<>()).add(new Injected(fault, skip));
        return this;
    }

    synchronized FakeDropboxServer inject(String endpoint, Fault fault) {
        return inject(endpoint, fault, 0);
    }

    /** Every request as {@code "<endpoint> <status>"} (status {@code drop} for dropped connections). */
    List<String> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    long count(String entry) {
        return log().stream().filter(e -> e.equals(entry)).count();
    }

    synchronized StoredFile file(String path) {
        return files.get(path.toLowerCase(Locale.ROOT));
    }

    synchronized int openSessions() {
        return sessions.size();
    }

    synchronized void putFile(String path, byte[] content) {
        store(path, content);
    }

    // ---- the HTTP side ------------------------------------------------------------------------

    private static final class Drop extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Drop() {
            super("fault injection: drop the connection", null, false, false);
        }
    }

    private record Reply(int status, Map<String, String> headers, byte[] body) {}

    private void handle(HttpExchange ex) throws IOException {
        String endpoint =
                ex.getRequestURI().getPath().replaceFirst("^/2/files/", "").replaceFirst("^/", "");
        byte[] body = ex.getRequestBody().readAllBytes();
        Reply reply;
        try {
            reply = dispatch(ex, endpoint, body);
        } catch (Drop d) {
            log.add(endpoint + " drop");
            throw d; // the JDK server closes the connection without an answer
        } catch (RuntimeException e) {
            reply = new Reply(500, Map.of(), ("fake failed: " + e).getBytes(StandardCharsets.UTF_8));
        }
        log.add(endpoint + " " + reply.status());
        reply.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        ex.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
        if (reply.body().length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(reply.body());
            }
        }
        ex.close();
    }

    private Reply dispatch(HttpExchange ex, String endpoint, byte[] body) {
        if (endpoint.equals("oauth2/token")) {
            return token(ex, body);
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String token = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : "";
        synchronized (this) {
            if (expiredTokens.contains(token)) {
                return error(401, "expired_access_token/", obj(".tag", "expired_access_token"));
            }
            if (!validTokens.contains(token)) {
                return error(401, "invalid_access_token/", obj(".tag", "invalid_access_token"));
            }
        }
        Fault fault = takeFault(endpoint);
        if (fault != null) {
            switch (fault) {
                case RATE_LIMIT:
                    return new Reply(
                            429,
                            Map.of(
                                    "Retry-After",
                                    String.valueOf(retryAfterSeconds),
                                    "Content-Type",
                                    "application/json"),
                            MiniJson.write(obj(
                                            "error_summary",
                                            "too_many_requests/",
                                            "error",
                                            obj(
                                                    "reason",
                                                    obj(".tag", "too_many_requests"),
                                                    "retry_after",
                                                    retryAfterSeconds)))
                                    .getBytes(StandardCharsets.UTF_8));
                case SERVER_ERROR:
                    return new Reply(500, Map.of(), "Internal Server Error".getBytes(StandardCharsets.UTF_8));
                case UNAVAILABLE:
                    return new Reply(503, Map.of(), "Service Unavailable".getBytes(StandardCharsets.UTF_8));
                case DROP_BEFORE:
                    throw new Drop();
                default:
                    break;
            }
        }
        Map<String, Object> arg = argument(ex, endpoint, body);
        Reply reply =
                switch (endpoint) {
                    case "upload" -> upload(arg, body, fault);
                    case "upload_session/start" -> sessionStart(body);
                    case "upload_session/append_v2" -> append(arg, body, fault);
                    case "upload_session/finish" -> finish(arg, body, fault);
                    case "download" -> download(ex, arg, fault);
                    case "get_metadata" -> getMetadata(arg);
                    case "list_folder" -> listFolder(arg);
                    case "list_folder/continue" -> listFolderContinue(arg);
                    case "delete_v2" -> delete(arg);
                    default -> new Reply(404, Map.of(), ("no endpoint " + endpoint).getBytes(StandardCharsets.UTF_8));
                };
        if (fault == Fault.DROP_AFTER || fault == Fault.PARTIAL_THEN_DROP) {
            throw new Drop();
        }
        return reply;
    }

    private synchronized Fault takeFault(String endpoint) {
        Deque<Injected> q = faults.get(endpoint);
        if (q == null || q.isEmpty()) {
            return null;
        }
        Injected head = q.peek();
        if (head.skip() > 0) {
            q.poll();
            q.addFirst(new Injected(head.fault(), head.skip() - 1));
            return null;
        }
        q.poll();
        return head.fault();
    }

    private static Map<String, Object> argument(HttpExchange ex, String endpoint, byte[] body) {
        String header = ex.getRequestHeaders().getFirst("Dropbox-API-Arg");
        if (header != null) {
            return MiniJson.object(header);
        }
        if (body.length == 0) {
            return Map.of();
        }
        return MiniJson.object(new String(body, StandardCharsets.UTF_8));
    }

    // ---- endpoints ----------------------------------------------------------------------------

    private synchronized Reply token(HttpExchange ex, byte[] body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String expectedAuth = "Basic "
                + Base64.getEncoder().encodeToString((appKey + ":" + appSecret).getBytes(StandardCharsets.UTF_8));
        if (!expectedAuth.equals(auth) && !appKey.equals(form.get("client_id"))) {
            return oauthError(400, "invalid_client", "Invalid client_id or client_secret");
        }
        if (!"refresh_token".equals(form.get("grant_type"))) {
            return oauthError(400, "unsupported_grant_type", "grant_type");
        }
        if (refreshToken == null || !refreshToken.equals(form.get("refresh_token"))) {
            return oauthError(400, "invalid_grant", "refresh token is invalid or revoked");
        }
        String access = "sl.fake-" + Long.toHexString(++counter);
        validTokens.add(access);
        return json(200, obj("access_token", access, "token_type", "bearer", "expires_in", 14400));
    }

    private synchronized Reply upload(Map<String, Object> arg, byte[] body, Fault fault) {
        String path = (String) arg.get("path");
        Reply bad = checkWritePath(path, true);
        if (bad != null) {
            return bad;
        }
        Object mode = arg.getOrDefault("mode", "add");
        String modeTag = mode instanceof Map<?, ?> m ? (String) m.get(".tag") : (String) mode;
        boolean strict = Boolean.TRUE.equals(arg.get("strict_conflict"));
        StoredFile existing = files.get(path.toLowerCase(Locale.ROOT));
        if (existing != null && "add".equals(modeTag)) {
            if (!strict && java.util.Arrays.equals(existing.content(), body)) {
                return json(200, metadata(existing)); // Dropbox: identical content is no conflict
            }
            return uploadWriteError("path/conflict/file/", obj(".tag", "conflict", "conflict", obj(".tag", "file")));
        }
        if (usedBytes() - (existing == null ? 0 : existing.content().length) + body.length > quota) {
            return uploadWriteError("path/insufficient_space/", obj(".tag", "insufficient_space"));
        }
        return json(200, metadata(store(path, fault == Fault.CORRUPT ? corrupt(body) : body)));
    }

    private Reply uploadWriteError(String summary, Map<String, Object> reason) {
        return error(
                409, summary, obj(".tag", "path", "reason", reason, "upload_session_id", "pid_upload_session:none"));
    }

    private synchronized Reply sessionStart(byte[] body) {
        String id = "pid_upload_session:" + Long.toHexString(++counter);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(body);
        sessions.put(id, data);
        return json(200, obj("session_id", id));
    }

    @SuppressWarnings("unchecked")
    private synchronized Reply append(Map<String, Object> arg, byte[] body, Fault fault) {
        Map<String, Object> cursor = (Map<String, Object>) arg.get("cursor");
        ByteArrayOutputStream data = sessions.get((String) cursor.get("session_id"));
        if (data == null) {
            return error(409, "not_found/", obj(".tag", "not_found"));
        }
        long offset = ((Number) cursor.get("offset")).longValue();
        if (offset != data.size()) {
            return error(
                    409, "incorrect_offset/", obj(".tag", "incorrect_offset", "correct_offset", (long) data.size()));
        }
        data.write(body, 0, fault == Fault.PARTIAL_THEN_DROP ? body.length / 2 : body.length);
        return new Reply(200, Map.of("Content-Type", "application/json"), "null".getBytes(StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    private synchronized Reply finish(Map<String, Object> arg, byte[] body, Fault fault) {
        Map<String, Object> cursor = (Map<String, Object>) arg.get("cursor");
        Map<String, Object> commit = (Map<String, Object>) arg.get("commit");
        String id = (String) cursor.get("session_id");
        ByteArrayOutputStream data = sessions.get(id);
        if (data == null) {
            return error(
                    409,
                    "lookup_failed/not_found/",
                    obj(".tag", "lookup_failed", "lookup_failed", obj(".tag", "not_found")));
        }
        long offset = ((Number) cursor.get("offset")).longValue();
        if (offset != data.size()) {
            return error(
                    409,
                    "lookup_failed/incorrect_offset/",
                    obj(
                            ".tag",
                            "lookup_failed",
                            "lookup_failed",
                            obj(".tag", "incorrect_offset", "correct_offset", (long) data.size())));
        }
        String path = (String) commit.get("path");
        Reply bad = checkWritePath(path, false);
        if (bad != null) {
            return bad;
        }
        data.writeBytes(body);
        byte[] content = data.toByteArray();
        StoredFile existing = files.get(path.toLowerCase(Locale.ROOT));
        if (usedBytes() - (existing == null ? 0 : existing.content().length) + content.length > quota) {
            return error(
                    409, "path/insufficient_space/", obj(".tag", "path", "path", obj(".tag", "insufficient_space")));
        }
        sessions.remove(id);
        return json(200, metadata(store(path, fault == Fault.CORRUPT ? corrupt(content) : content)));
    }

    /** Null when the path may be written; otherwise the 409 for upload (uploadStyle) or finish. */
    private Reply checkWritePath(String path, boolean uploadStyle) {
        String problem = null;
        if (path == null
                || !path.startsWith("/")
                || path.endsWith("/")
                || path.contains("//")
                || (path + "/").contains("/../")
                || (path + "/").contains("/./")) {
            problem = "malformed_path";
        } else {
            String lower = path.toLowerCase(Locale.ROOT);
            for (String p : writeProtected) {
                if (lower.startsWith(p + "/")) {
                    problem = "no_write_permission";
                }
            }
        }
        if (problem == null) {
            return null;
        }
        Map<String, Object> reason = problem.equals("malformed_path")
                ? obj(".tag", "malformed_path", "malformed_path", "bad path")
                : obj(".tag", problem);
        return uploadStyle
                ? uploadWriteError("path/" + problem + "/", reason)
                : error(409, "path/" + problem + "/", obj(".tag", "path", "path", reason));
    }

    private Reply download(HttpExchange ex, Map<String, Object> arg, Fault fault) {
        StoredFile f;
        synchronized (this) {
            String path = (String) arg.get("path");
            f = path.startsWith("rev:") ? revisions.get(path.substring(4)) : files.get(path.toLowerCase(Locale.ROOT));
        }
        if (f == null) {
            return error(409, "path/not_found/", obj(".tag", "path", "path", obj(".tag", "not_found")));
        }
        byte[] content = f.content();
        int status = 200;
        String range = ex.getRequestHeaders().getFirst("Range");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/octet-stream");
        headers.put("Dropbox-API-Result", MiniJson.write(metadata(f)));
        if (range != null) {
            String[] se = range.replace("bytes=", "").split("-", -1);
            long start = Long.parseLong(se[0]);
            long end = se[1].isEmpty() ? content.length - 1 : Math.min(Long.parseLong(se[1]), content.length - 1);
            if (start >= content.length) {
                return new Reply(416, Map.of("Content-Range", "bytes */" + content.length), new byte[0]);
            }
            headers.put("Content-Range", "bytes " + start + "-" + end + "/" + content.length);
            content = java.util.Arrays.copyOfRange(content, (int) start, (int) end + 1);
            status = 206;
        }
        if (fault == Fault.DROP_MID_BODY) {
            try {
                headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
                ex.sendResponseHeaders(status, content.length);
                OutputStream out = ex.getResponseBody();
                out.write(content, 0, content.length / 2);
                out.flush();
            } catch (IOException e) {
                // the client went away: fine
            }
            throw new Drop();
        }
        return new Reply(status, headers, content);
    }

    private synchronized Reply getMetadata(Map<String, Object> arg) {
        String path = (String) arg.get("path");
        StoredFile f = files.get(path.toLowerCase(Locale.ROOT));
        if (f != null) {
            return json(200, metadata(f));
        }
        if (folders.contains(path.toLowerCase(Locale.ROOT))) {
            return json(200, folderMetadata(path));
        }
        return error(409, "path/not_found/", obj(".tag", "path", "path", obj(".tag", "not_found")));
    }

    private synchronized Reply listFolder(Map<String, Object> arg) {
        String path = ((String) arg.getOrDefault("path", "")).toLowerCase(Locale.ROOT);
        if (files.containsKey(path)) {
            return error(409, "path/not_folder/", obj(".tag", "path", "path", obj(".tag", "not_folder")));
        }
        if (!folders.contains(path)) {
            return error(409, "path/not_found/", obj(".tag", "path", "path", obj(".tag", "not_found")));
        }
        Deque<Map<String, Object>> entries = new ArrayDeque<>();
        for (String folder : new java.util.TreeSet<>(folders)) {
            if (!folder.isEmpty() && parent(folder).equals(path)) {
                entries.add(folderMetadata(folder));
            }
        }
        for (StoredFile f : files.values()) {
            if (parent(f.pathDisplay().toLowerCase(Locale.ROOT)).equals(path)) {
                entries.add(metadata(f));
            }
        }
        return page(entries);
    }

    private synchronized Reply listFolderContinue(Map<String, Object> arg) {
        Deque<Map<String, Object>> entries = cursors.remove((String) arg.get("cursor"));
        if (entries == null) {
            return error(409, "reset/", obj(".tag", "reset"));
        }
        return page(entries);
    }

    private Reply page(Deque<Map<String, Object>> entries) {
        List<Object> out = new ArrayList<>();
        while (!entries.isEmpty() && out.size() < pageSize) {
            out.add(entries.poll());
        }
        String cursor = "cursor-" + Long.toHexString(++counter);
        if (!entries.isEmpty()) {
            cursors.put(cursor, entries);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("entries", out);
        result.put("cursor", cursor);
        result.put("has_more", !entries.isEmpty());
        return json(200, result);
    }

    private synchronized Reply delete(Map<String, Object> arg) {
        String path = ((String) arg.get("path")).toLowerCase(Locale.ROOT);
        StoredFile f = files.get(path);
        if (f == null) {
            return error(
                    409, "path_lookup/not_found/", obj(".tag", "path_lookup", "path_lookup", obj(".tag", "not_found")));
        }
        Object parentRev = arg.get("parent_rev");
        if (parentRev != null && !parentRev.equals(f.rev())) {
            return error(
                    409,
                    "path_write/conflict/file/",
                    obj(".tag", "path_write", "path_write", obj(".tag", "conflict", "conflict", obj(".tag", "file"))));
        }
        files.remove(path);
        return json(200, obj("metadata", metadata(f)));
    }

    // ---- state helpers ------------------------------------------------------------------------

    private StoredFile store(String path, byte[] content) {
        String rev = String.format("%012x", ++counter);
        StoredFile f = new StoredFile(
                path,
                content.clone(),
                rev,
                "id:" + Long.toHexString(counter),
                Instant.now().truncatedTo(ChronoUnit.SECONDS));
        files.put(path.toLowerCase(Locale.ROOT), f);
        revisions.put(rev, f);
        for (String p = parent(path.toLowerCase(Locale.ROOT)); !p.isEmpty(); p = parent(p)) {
            folders.add(p);
        }
        return f;
    }

    private long usedBytes() {
        return files.values().stream().mapToLong(f -> f.content().length).sum();
    }

    private static byte[] corrupt(byte[] body) {
        byte[] copy = body.clone();
        if (copy.length > 0) {
            copy[copy.length / 2] ^= 0x01;
        }
        return copy;
    }

    private static String parent(String path) {
        int i = path.lastIndexOf('/');
        return i <= 0 ? "" : path.substring(0, i);
    }

    private Map<String, Object> metadata(StoredFile f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(".tag", "file");
        m.put("name", f.pathDisplay().substring(f.pathDisplay().lastIndexOf('/') + 1));
        m.put("id", f.id());
        m.put("client_modified", DATE.format(f.modified()));
        m.put("server_modified", DATE.format(f.modified()));
        m.put("rev", f.rev());
        m.put("size", (long) f.content().length);
        m.put("path_lower", f.pathDisplay().toLowerCase(Locale.ROOT));
        m.put("path_display", f.pathDisplay());
        m.put("is_downloadable", true);
        m.put("content_hash", contentHash(f.content()));
        return m;
    }

    private static Map<String, Object> folderMetadata(String path) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(".tag", "folder");
        m.put("name", path.substring(path.lastIndexOf('/') + 1));
        m.put("id", "id:folder" + Math.abs(path.hashCode()));
        m.put("path_lower", path.toLowerCase(Locale.ROOT));
        m.put("path_display", path);
        return m;
    }

    /** Dropbox's content hash, written here independently of the production code. */
    static String contentHash(byte[] content) {
        try {
            MessageDigest all = MessageDigest.getInstance("SHA-256");
            int block = 4 * 1024 * 1024;
            for (int start = 0; start < content.length; start += block) {
                MessageDigest one = MessageDigest.getInstance("SHA-256");
                one.update(content, start, Math.min(block, content.length - start));
                all.update(one.digest());
            }
            StringBuilder hex = new StringBuilder();
            for (byte b : all.digest()) {
                hex.append(String.format("%02x", b));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An ordered JSON object: Dropbox's deserializers want ".tag" first. */
    static Map<String, Object> obj(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static Reply json(int status, Map<String, Object> body) {
        return new Reply(
                status,
                Map.of("Content-Type", "application/json"),
                MiniJson.write(body).getBytes(StandardCharsets.UTF_8));
    }

    private static Reply error(int status, String summary, Map<String, Object> error) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error_summary", summary);
        m.put("error", error);
        return json(status, m);
    }

    private static Reply oauthError(int status, String error, String description) {
        return json(status, obj("error", error, "error_description", description));
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
