package io.backupkit.backup.storage.azure;

import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobStorageException;
import io.backupkit.backup.StoredObjectNotFoundException;
import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.spi.support.Causes;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Turns Azure SDK failures into {@link UnableToStoreException}s whose message names the setting to
 * fix (a refused key, a missing container, an unreachable endpoint) and never a credential. Internal.
 */
final class AzureErrors {
    private final AzureSettings settings;
    private final String storage;

    AzureErrors(AzureSettings settings) {
        this.settings = settings;
        this.storage = settings.describe();
    }

    static int status(Throwable e) {
        BlobStorageException b =
                Causes.findWithSuppressed(e, BlobStorageException.class).orElse(null);
        return b == null ? -1 : b.getStatusCode();
    }

    static BlobErrorCode code(Throwable e) {
        BlobStorageException b =
                Causes.findWithSuppressed(e, BlobStorageException.class).orElse(null);
        return b == null ? null : b.getErrorCode();
    }

    /** True for a 404 on the blob itself (not on the container). */
    static boolean isBlobNotFound(Throwable e) {
        return status(e) == 404 && !BlobErrorCode.CONTAINER_NOT_FOUND.equals(code(e));
    }

    /**
     * The exception to throw for a failure of {@code operation} on {@code object} (may be {@code
     * null}). A 404 on the blob becomes a {@link StoredObjectNotFoundException}.
     */
    UnableToStoreException translate(String operation, String object, Throwable e) {
        if (e instanceof UnableToStoreException u) {
            return u;
        }
        String what = operation + (object == null ? "" : " " + object) + " in " + storage;
        BlobStorageException b =
                Causes.findWithSuppressed(e, BlobStorageException.class).orElse(null);
        if (b != null) {
            int status = b.getStatusCode();
            BlobErrorCode code = b.getErrorCode();
            String detail = " (HTTP " + status + (code == null ? "" : " " + code) + ")";
            if (BlobErrorCode.CONTAINER_NOT_FOUND.equals(code)) {
                return new UnableToStoreException(
                        storage,
                        object,
                        false,
                        "cannot " + what + ": the container " + settings.container() + " does not exist" + detail
                                + "; create it, or fix backup_options.container (and backup_options.endpoint)",
                        e);
            }
            boolean sharedKey = settings.auth() == AzureSettings.Auth.SHARED_KEY;
            // an account key may do everything, so any 403 means the key (or the account name) is wrong
            if (BlobErrorCode.AUTHENTICATION_FAILED.equals(code)
                    || BlobErrorCode.INVALID_AUTHENTICATION_INFO.equals(code)
                    || (status == 403 && (code == null || sharedKey))) {
                return new UnableToStoreException(
                        storage,
                        object,
                        false,
                        "cannot " + what + ": the credentials were refused (wrong key or SAS, or one that has"
                                + " expired)" + detail + "; check " + settings.credentialSetting()
                                + (sharedKey
                                        ? " and backup_options.account (the key is key1 or key2 of that account)"
                                        : " (the SAS must be valid now and signed for this account)"),
                        e);
            }
            if (status == 403) {
                return new UnableToStoreException(
                        storage,
                        object,
                        false,
                        "cannot " + what + ": access denied" + detail + "; the credentials in "
                                + settings.credentialSetting() + " need read, add, create, write, delete and list"
                                + " permissions on the container " + settings.container(),
                        e);
            }
            if (status == 404 && object != null && BlobErrorCode.BLOB_NOT_FOUND.equals(code)) {
                return new StoredObjectNotFoundException(storage, object);
            }
            if (BlobErrorCode.RESOURCE_NOT_FOUND.equals(code)
                    || BlobErrorCode.ACCOUNT_IS_DISABLED.equals(code)
                    || (status == 404 && object == null)) {
                return new UnableToStoreException(
                        storage,
                        object,
                        false,
                        "cannot " + what + ": the storage account or container was not found" + detail
                                + "; check backup_options.endpoint and backup_options.container",
                        e);
            }
            if (status == 404 && object != null) {
                return new StoredObjectNotFoundException(storage, object);
            }
            boolean transientFailure = status >= 500 || status == 429 || status == 408;
            return new UnableToStoreException(
                    storage,
                    object,
                    transientFailure,
                    "cannot " + what + detail + ": " + firstLine(b.getServiceMessage())
                            + (transientFailure ? "; the service is failing or throttling, try again later" : ""),
                    e);
        }
        if (Causes.findWithSuppressed(e, InterruptedException.class).isPresent()
                || Causes.findWithSuppressed(e, InterruptedIOException.class).isPresent()) {
            return new UnableToStoreException(storage, object, true, "cannot " + what + ": interrupted", e);
        }
        Throwable unreachable = Causes.unreachableWithSuppressed(e)
                .or(() -> Causes.findWithSuppressed(e, HttpConnectTimeoutException.class))
                .orElse(null);
        if (unreachable != null) {
            return new UnableToStoreException(
                    storage,
                    object,
                    true,
                    "cannot " + what + ": the endpoint " + settings.endpoint() + " is unreachable ("
                            + unreachable.getClass().getSimpleName()
                            + "); check backup_options.endpoint (or the account name) and the network",
                    e);
        }
        if (Causes.findWithSuppressed(e, HttpTimeoutException.class).isPresent()
                || Causes.findWithSuppressed(e, TimeoutException.class).isPresent()) {
            return new UnableToStoreException(
                    storage,
                    object,
                    true,
                    "cannot " + what + ": the endpoint " + settings.endpoint() + " timed out; check the network",
                    e);
        }
        Throwable tls = Causes.findWithSuppressed(e, SSLException.class).orElse(null);
        if (tls != null) {
            return new UnableToStoreException(
                    storage,
                    object,
                    false,
                    "cannot " + what + ": TLS with " + settings.endpoint() + " failed ("
                            + tls.getClass().getSimpleName()
                            + "); check backup_options.endpoint (http or https) and the certificate",
                    e);
        }
        return new UnableToStoreException(
                storage,
                object,
                Causes.findWithSuppressed(e, IOException.class).isPresent(),
                "cannot " + what + ": " + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()),
                e);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
