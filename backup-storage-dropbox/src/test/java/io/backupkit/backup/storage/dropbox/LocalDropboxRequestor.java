package io.backupkit.backup.storage.dropbox;

import com.dropbox.core.http.HttpRequestor;
import com.dropbox.core.http.StandardHttpRequestor;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Test-only {@link HttpRequestor}: sends what the SDK addresses to {@code https://api.dropboxapi.com}
 * and {@code https://content.dropboxapi.com} to {@code http://127.0.0.1:<port>} (the SDK hard-codes
 * https and keeps its host-taking credential constructor private), through the SDK's own {@link
 * StandardHttpRequestor}. Response header names are made case-insensitive, as HTTP defines them: the
 * JDK's server writes {@code Dropbox-api-result} where the SDK looks up {@code dropbox-api-result}.
 */
final class LocalDropboxRequestor extends HttpRequestor {
    private final HttpRequestor delegate = StandardHttpRequestor.INSTANCE;
    private final String base;

    LocalDropboxRequestor(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    private String rewrite(String url) {
        return url.replaceFirst("^https://[a-z0-9.-]*dropbox(api)?\\.com", base);
    }

    @Override
    public Response doGet(String url, Iterable<Header> headers) throws IOException {
        return wrap(delegate.doGet(rewrite(url), headers));
    }

    @Override
    public Uploader startPost(String url, Iterable<Header> headers) throws IOException {
        return new Wrapped(delegate.startPost(rewrite(url), headers));
    }

    @Override
    public Uploader startPostInStreamingMode(String url, Iterable<Header> headers) throws IOException {
        return new Wrapped(delegate.startPostInStreamingMode(rewrite(url), headers));
    }

    @Override
    public Uploader startPut(String url, Iterable<Header> headers) throws IOException {
        return new Wrapped(delegate.startPut(rewrite(url), headers));
    }

    private static Response wrap(Response r) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        r.getHeaders().forEach((k, v) -> {
            if (k != null) {
                headers.put(k, v);
            }
        });
        return new Response(r.getStatusCode(), r.getBody(), headers);
    }

    private static final class Wrapped extends Uploader {
        private final Uploader inner;

        Wrapped(Uploader inner) {
            this.inner = inner;
        }

        @Override
        public OutputStream getBody() {
            return inner.getBody();
        }

        @Override
        public void close() {
            inner.close();
        }

        @Override
        public void abort() {
            inner.abort();
        }

        @Override
        public Response finish() throws IOException {
            return wrap(inner.finish());
        }
    }
}
