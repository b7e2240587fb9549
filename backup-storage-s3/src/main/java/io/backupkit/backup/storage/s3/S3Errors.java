package io.backupkit.backup.storage.s3;

import io.backupkit.backup.StoredObjectNotFoundException;
import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.spi.support.Causes;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import javax.net.ssl.SSLException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns SDK failures into {@link UnableToStoreException}s whose message names the cause (wrong
 * credentials, unknown bucket, unreachable endpoint, ...) and what to do, never a credential. Internal.
 */
final class S3Errors {
    private final S3Settings settings;
    private final String storage;

    S3Errors(S3Settings settings) {
        this.settings = settings;
        this.storage = settings.describe();
    }

    /** The S3 error code of {@code e}, or {@code ""}. */
    static String code(Throwable e) {
        if (e instanceof AwsServiceException ase && ase.awsErrorDetails() != null) {
            String code = ase.awsErrorDetails().errorCode();
            return code == null ? "" : code;
        }
        return "";
    }

    static int status(Throwable e) {
        return e instanceof AwsServiceException ase ? ase.statusCode() : -1;
    }

    /** True for HTTP 404 on the object itself (not the bucket). */
    static boolean isNoSuchKey(Throwable e) {
        return status(e) == 404 && !"NoSuchBucket".equals(code(e)) && !"NoSuchUpload".equals(code(e));
    }

    /**
     * The exception to throw for a failure of {@code operation} on {@code object} (may be {@code
     * null}). A 404 on the object becomes a {@link StoredObjectNotFoundException}.
     */
    UnableToStoreException translate(String operation, String object, Throwable e) {
        if (e instanceof UnableToStoreException u) {
            return u;
        }
        String what = operation + (object == null ? "" : " " + object) + " in " + storage;
        if (e instanceof AwsServiceException ase) {
            int status = ase.statusCode();
            String code = code(ase);
            String requestId = ase.requestId() == null ? "" : ", request id " + ase.requestId();
            String detail = " (HTTP " + status + (code.isEmpty() ? "" : " " + code) + requestId + ")";
            switch (code) {
                case "NoSuchBucket":
                    return new UnableToStoreException(
                            storage,
                            object,
                            false,
                            "cannot " + what + ": the bucket " + settings.bucket() + " does not exist" + detail
                                    + "; create it, or fix backup_options.bucket"
                                    + (settings.endpoint() == null ? " and backup_options.region" : "")
                                    + (settings.endpoint() != null ? " and backup_options.endpoint" : ""),
                            e);
                case "InvalidAccessKeyId":
                case "SignatureDoesNotMatch":
                case "InvalidToken":
                case "ExpiredToken":
                case "TokenRefreshRequired":
                case "InvalidSecurity":
                    return new UnableToStoreException(
                            storage,
                            object,
                            false,
                            "cannot " + what + ": the credentials were refused (wrong credentials)" + detail
                                    + "; check backup_options.access_key / secret_key / session_token, or the"
                                    + " credentials of the default AWS chain (AWS_ACCESS_KEY_ID, ~/.aws, role)",
                            e);
                default:
                    break;
            }
            if (status == 403) {
                return new UnableToStoreException(
                        storage,
                        object,
                        false,
                        "cannot " + what + ": access denied" + detail
                                + "; check that the credentials are right and allowed s3:GetObject, s3:PutObject,"
                                + " s3:DeleteObject, s3:ListBucket, s3:ListBucketMultipartUploads and"
                                + " s3:AbortMultipartUpload on the bucket and prefix"
                                + (settings.sse() != null ? ", and kms:GenerateDataKey / kms:Decrypt on the key" : ""),
                        e);
            }
            if (status == 404 && object != null && !"NoSuchUpload".equals(code)) {
                return new StoredObjectNotFoundException(storage, object);
            }
            if (status == 301 || "PermanentRedirect".equals(code) || "AuthorizationHeaderMalformed".equals(code)) {
                return new UnableToStoreException(
                        storage,
                        object,
                        false,
                        "cannot " + what + ": the bucket is in another region" + detail
                                + "; set backup_options.region to the bucket's region",
                        e);
            }
            boolean transientFailure = status >= 500 || status == 429 || ase.isThrottlingException();
            return new UnableToStoreException(
                    storage,
                    object,
                    transientFailure,
                    "cannot " + what + detail + ": " + safeMessage(ase)
                            + (transientFailure ? "; the store is failing or throttling, try again later" : ""),
                    e);
        }
        if (e instanceof AbortedException
                || Causes.find(e, InterruptedException.class).isPresent()
                || (Causes.find(e, InterruptedIOException.class).isPresent()
                        && Causes.find(e, SocketTimeoutException.class).isEmpty())) {
            return new UnableToStoreException(storage, object, true, "cannot " + what + ": interrupted", e);
        }
        if (e instanceof ApiCallTimeoutException
                || e instanceof ApiCallAttemptTimeoutException
                || Causes.find(e, SocketTimeoutException.class).isPresent()) {
            return new UnableToStoreException(
                    storage,
                    object,
                    true,
                    "cannot " + what + ": the S3 endpoint " + endpointText() + " timed out; check the network",
                    e);
        }
        Throwable unreachable = Causes.unreachable(e).orElse(null);
        if (unreachable != null) {
            return new UnableToStoreException(
                    storage,
                    object,
                    true,
                    "cannot " + what + ": the S3 endpoint " + endpointText() + " is unreachable ("
                            + unreachable.getClass().getSimpleName() + "); check backup_options.endpoint / region"
                            + " and the network",
                    e);
        }
        Throwable tls = Causes.find(e, SSLException.class).orElse(null);
        if (tls != null) {
            return new UnableToStoreException(
                    storage,
                    object,
                    false,
                    "cannot " + what + ": TLS with " + endpointText() + " failed ("
                            + tls.getClass().getSimpleName()
                            + "); check backup_options.endpoint (http or https) and the certificate",
                    e);
        }
        if (e instanceof SdkClientException && String.valueOf(e.getMessage()).contains("credentials")) {
            return new UnableToStoreException(
                    storage,
                    object,
                    false,
                    "cannot " + what + ": no AWS credentials found; set backup_options.access_key and secret_key,"
                            + " or configure the default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ~/.aws,"
                            + " an instance or container role)",
                    e);
        }
        if (e instanceof SdkException || e instanceof IOException) {
            // a connection reset or broken pipe (the SDK's retries used up) may pass: transient
            return new UnableToStoreException(
                    storage,
                    object,
                    Causes.find(e, IOException.class).isPresent(),
                    "cannot " + what + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                    e);
        }
        return new UnableToStoreException(
                storage,
                object,
                false,
                "cannot " + what + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                e);
    }

    private String endpointText() {
        if (settings.endpoint() != null) {
            return settings.endpoint().toString();
        }
        return "of region " + (settings.region() == null ? "(default)" : settings.region());
    }

    private static String safeMessage(AwsServiceException e) {
        if (e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null) {
            return e.awsErrorDetails().errorMessage();
        }
        return e.getClass().getSimpleName();
    }
}
