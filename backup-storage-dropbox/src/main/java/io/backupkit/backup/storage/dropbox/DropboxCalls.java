package io.backupkit.backup.storage.dropbox;

import com.dropbox.core.AccessErrorException;
import com.dropbox.core.BadRequestException;
import com.dropbox.core.BadResponseCodeException;
import com.dropbox.core.BadResponseException;
import com.dropbox.core.DbxApiException;
import com.dropbox.core.DbxException;
import com.dropbox.core.InvalidAccessTokenException;
import com.dropbox.core.NetworkIOException;
import com.dropbox.core.RateLimitException;
import com.dropbox.core.RetryException;
import com.dropbox.core.ServerException;
import com.dropbox.core.oauth.DbxOAuthException;
import com.dropbox.core.v2.DbxClientV2;
import com.dropbox.core.v2.auth.AuthError;
import io.backupkit.backup.UnableToStoreException;
import java.io.IOException;
import java.net.HttpRetryException;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one Dropbox request with bounded retries: 429 waits for Retry-After, 5xx, dropped
 * connections and {@code too_many_write_operations} back off exponentially, an expired access
 * token is refreshed once (the SDK only does that itself for RPC calls, not uploads), and
 * permanent failures (auth, access, bad request) fail at once. Route errors (409) other than
 * too-many-writes are handed back to the caller, which knows what they mean. Internal.
 */
final class DropboxCalls {
    private static final Logger LOG = LoggerFactory.getLogger(DropboxCalls.class);

    /** One attempt of a request; {@code attempt} starts at 1 (above 1, an earlier attempt may have reached Dropbox). */
    @FunctionalInterface
    interface Call<T> {
        T run(int attempt) throws DbxException, IOException;
    }

    private final DbxClientV2 client;
    private final DropboxSettings settings;
    private final String storage;
    private final boolean canRefresh;

    DropboxCalls(DbxClientV2 client, DropboxSettings settings, String storage) {
        this.client = client;
        this.settings = settings;
        this.storage = storage;
        this.canRefresh = settings.refreshToken() != null;
    }

    <T> T execute(String action, String object, Call<T> call) throws DbxApiException {
        int attempt = 0;
        int refreshes = 0;
        long backoff = Math.max(1, settings.initialBackoff().toMillis());
        while (true) {
            attempt++;
            Exception failure;
            long wait;
            try {
                return call.run(attempt);
            } catch (DbxApiException e) {
                if (!String.valueOf(e.getMessage()).contains("too_many_write_operations")) {
                    throw e;
                }
                failure = e;
                wait = backoff;
            } catch (InvalidAccessTokenException e) {
                // a streamed upload gets a 401 without its reason (the JDK drops the body): with a refresh
                // token, one refresh is worth trying whatever the reason; a revoked token fails again
                if (refreshes == 0 && canRefresh && (isExpired(e) || isEmpty(e.getMessage()))) {
                    refreshes++;
                    attempt--;
                    refresh(action, object);
                    continue;
                }
                throw authFailure(action, object, e);
            } catch (DbxOAuthException e) {
                throw refreshFailure(action, object, e);
            } catch (RetryException e) { // also RateLimitException (429), whose Retry-After is honoured below
                failure = e;
                wait = Math.max(e.getBackoffMillis(), backoff);
            } catch (NetworkIOException e) {
                if (e.getCause() instanceof HttpRetryException h && h.responseCode() == 401) {
                    // the JDK's HttpURLConnection hides a 401 answer to a streamed upload (no body, so the
                    // reason is unknown): refresh once if possible, else it is an auth failure
                    if (refreshes == 0 && canRefresh) {
                        refreshes++;
                        attempt--;
                        refresh(action, object);
                        continue;
                    }
                    throw authFailure(
                            action,
                            object,
                            new InvalidAccessTokenException(null, "401 on upload", AuthError.INVALID_ACCESS_TOKEN));
                }
                failure = e;
                wait = backoff;
            } catch (ServerException e) {
                failure = e;
                wait = backoff;
            } catch (BadResponseCodeException e) {
                if (e.getStatusCode() < 500) {
                    throw permanent(action, object, "HTTP " + e.getStatusCode(), e);
                }
                failure = e;
                wait = backoff;
            } catch (BadResponseException e) {
                // a truncated or garbled response: the connection broke while reading it
                failure = e;
                wait = backoff;
            } catch (AccessErrorException e) {
                throw new DropboxAuthenticationException(
                        storage,
                        object,
                        "Dropbox denied access while trying to " + action + describeObject(object) + " in " + storage
                                + " ("
                                + (e.getAccessError() == null
                                        ? "unknown"
                                        : e.getAccessError().tag().name().toLowerCase(Locale.ROOT))
                                + "): give the app the scopes files.metadata.read,"
                                + " files.content.read and files.content.write in the Dropbox App Console and"
                                + " create a new refresh token",
                        e);
            } catch (BadRequestException e) {
                throw permanent(action, object, "bad request: " + e.getMessage(), e);
            } catch (DbxException e) {
                throw permanent(action, object, e.getClass().getSimpleName(), e);
            } catch (IOException e) {
                failure = e;
                wait = backoff;
            }
            if (attempt >= settings.maxAttempts()) {
                throw new UnableToStoreException(
                        storage,
                        object,
                        true,
                        "Dropbox kept failing while trying to " + action + describeObject(object) + " in " + storage
                                + " (" + summary(failure) + ", " + attempt
                                + " attempts): check the network and https://status.dropbox.com, then retry;"
                                + " raise backup_options.max_attempts if this is frequent",
                        failure);
            }
            long sleep = Math.min(wait, Math.max(settings.maxBackoff().toMillis(), 0));
            if (failure instanceof RetryException) {
                sleep = Math.max(sleep, ((RetryException) failure).getBackoffMillis()); // honour Retry-After
            }
            sleep += sleep <= 1 ? 0 : ThreadLocalRandom.current().nextLong(Math.max(1, sleep / 10));
            LOG.debug(
                    "Dropbox {}{} failed ({}), attempt {}/{}, retrying in {} ms",
                    action,
                    describeObject(object),
                    summary(failure),
                    attempt,
                    settings.maxAttempts(),
                    sleep);
            sleep(sleep, action, object);
            backoff = Math.min(backoff * 2, Math.max(1, settings.maxBackoff().toMillis()));
        }
    }

    private void refresh(String action, String object) {
        try {
            LOG.debug(
                    "Dropbox refused the access token (expired, or a 401 without reason); refreshing it once with the refresh token");
            client.refreshAccessToken();
        } catch (DbxOAuthException e) {
            throw refreshFailure(action, object, e);
        } catch (DbxException e) {
            throw new UnableToStoreException(
                    storage,
                    object,
                    true,
                    "could not refresh the Dropbox access token while trying to " + action + describeObject(object)
                            + " (" + e.getClass().getSimpleName() + "): check the network and retry",
                    e);
        }
    }

    private void sleep(long millis, String action, String object) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnableToStoreException(
                    storage, object, true, "interrupted while waiting to retry " + action + describeObject(object), e);
        }
    }

    private static boolean isEmpty(String message) {
        return message == null || message.isBlank();
    }

    private static boolean isExpired(InvalidAccessTokenException e) {
        AuthError error = e.getAuthError();
        return error != null && error.isExpiredAccessToken();
    }

    DropboxAuthenticationException authFailure(String action, String object, InvalidAccessTokenException e) {
        String reason = e.getAuthError() == null
                ? "invalid_access_token"
                : e.getAuthError().tag().name().toLowerCase(Locale.ROOT);
        String fix = canRefresh
                ? "the refresh token was revoked or belongs to another app: create a new one for this app"
                        + " (backup_options.refresh_token with backup_options.app_key and backup_options.app_secret)"
                : "the access token is missing, revoked or expired (access tokens last a few hours): use"
                        + " backup_options.refresh_token with backup_options.app_key and backup_options.app_secret,"
                        + " which the library refreshes by itself";
        return new DropboxAuthenticationException(
                storage,
                object,
                "Dropbox rejected the credentials while trying to " + action + describeObject(object) + " in " + storage
                        + " (" + reason + "): " + fix,
                e);
    }

    private DropboxAuthenticationException refreshFailure(String action, String object, DbxOAuthException e) {
        String error =
                e.getDbxOAuthError() == null ? "unknown" : e.getDbxOAuthError().getError();
        String description =
                e.getDbxOAuthError() == null ? null : e.getDbxOAuthError().getErrorDescription();
        if (description != null && !description.isBlank()) {
            error = error + ": " + description; // Dropbox's own words, e.g. "Invalid client_id or client_secret"
        }
        return new DropboxAuthenticationException(
                storage,
                object,
                "Dropbox refused to refresh the access token while trying to " + action + describeObject(object)
                        + " (" + error + "): the refresh token was revoked, or backup_options.app_key /"
                        + " backup_options.app_secret do not belong to it; create a new refresh token in the Dropbox"
                        + " App Console",
                e);
    }

    UnableToStoreException permanent(String action, String object, String reason, Throwable cause) {
        return new UnableToStoreException(
                storage,
                object,
                false,
                "Dropbox refused to " + action + describeObject(object) + " in " + storage + " (" + reason
                        + "); this is not a transient failure, retrying will not help",
                cause);
    }

    static String describeObject(String object) {
        return object == null ? "" : " " + object;
    }

    static String summary(Throwable e) {
        if (e instanceof BadResponseCodeException b) {
            return "HTTP " + b.getStatusCode();
        }
        if (e instanceof RateLimitException) {
            return "rate limited (429)";
        }
        if (e instanceof ServerException) {
            return "server error (500)";
        }
        if (e instanceof RetryException) {
            return "service unavailable (503)";
        }
        if (e instanceof NetworkIOException && e.getCause() != null) {
            return "network: " + e.getCause().getClass().getSimpleName();
        }
        if (e instanceof DbxApiException) {
            return "too_many_write_operations";
        }
        return e.getClass().getSimpleName();
    }
}
