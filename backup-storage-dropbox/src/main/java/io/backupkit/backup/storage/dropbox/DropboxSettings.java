package io.backupkit.backup.storage.dropbox;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.Secret;
import io.backupkit.backup.Setting;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link DropboxStorage} reaches its folder.
 *
 * <p>Credentials: either a {@code refreshToken} with its {@code appKey} (and {@code appSecret},
 * unless the token came from a PKCE flow) so the SDK refreshes short-lived access tokens itself, or
 * a plain {@code accessToken} for quick tries (it expires after a few hours). When both are given
 * the access token is used until Dropbox says it expired, then refreshed.
 *
 * @param folder the Dropbox folder, normalised by {@link #normalizeFolder} ({@code ""} is the root,
 *     of the app folder for an app with "App folder" access)
 * @param accessToken a short-lived access token, or {@code null}
 * @param refreshToken a long-lived refresh token, or {@code null}
 * @param appKey the app key (needed with a refresh token)
 * @param appSecret the app secret, or {@code null} for PKCE refresh tokens
 * @param chunkSize bytes per upload-session request and the write buffer per open write; Dropbox
 *     wants a multiple of 4 MiB (the provider enforces it; this record only bounds it to
 *     1 byte..148 MiB so tests against a local fake can use small chunks)
 * @param maxAttempts attempts per request on transient failures (429, 5xx, dropped connections)
 * @param initialBackoff first wait between attempts (doubled each time, with jitter)
 * @param maxBackoff longest wait between attempts (a {@code Retry-After} from Dropbox is honoured
 *     even when longer)
 */
public record DropboxSettings(
        String folder,
        Secret accessToken,
        Secret refreshToken,
        String appKey,
        Secret appSecret,
        int chunkSize,
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff) {

    /** Dropbox's block size: upload chunks are multiples of it, content hashes are made of it. */
    public static final int BLOCK_SIZE = 4 * 1024 * 1024;
    /** Default upload chunk: 8 MiB. */
    public static final int DEFAULT_CHUNK_SIZE = 2 * BLOCK_SIZE;
    /** Largest chunk: Dropbox takes at most 150 MB per request; 148 MiB is the largest multiple of 4 MiB below. */
    public static final int MAX_CHUNK_SIZE = 37 * BLOCK_SIZE;
    /** Default attempts per request. */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;

    public DropboxSettings {
        folder = normalizeFolder(Objects.requireNonNull(folder, "folder"));
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (accessToken != null && accessToken.isEmpty()) {
            accessToken = null;
        }
        if (refreshToken != null && refreshToken.isEmpty()) {
            refreshToken = null;
        }
        if (appSecret != null && appSecret.isEmpty()) {
            appSecret = null;
        }
        if (appKey != null && appKey.isBlank()) {
            appKey = null;
        }
        if (accessToken == null && refreshToken == null) {
            throw new BackupConfigurationException(
                    "backup_options.refresh_token",
                    "no Dropbox credentials: set backup_options.refresh_token with backup_options.app_key and"
                            + " backup_options.app_secret (or backup_options.access_token for a quick try)");
        }
        if (refreshToken != null && appKey == null) {
            throw new BackupConfigurationException(
                    "backup_options.app_key",
                    "backup_options.refresh_token needs backup_options.app_key (and backup_options.app_secret"
                            + " unless the token came from a PKCE flow): find them in the Dropbox App Console");
        }
        if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
            throw new BackupConfigurationException(
                    "backup_options.chunk_size",
                    "backup_options.chunk_size must be between 4MiB and 148MiB, a multiple of 4MiB");
        }
        if (maxAttempts < 1 || maxAttempts > 100) {
            throw new BackupConfigurationException(
                    "backup_options.max_attempts", "backup_options.max_attempts must be between 1 and 100");
        }
        if (initialBackoff.isNegative() || maxBackoff.isNegative()) {
            throw new IllegalArgumentException("backoff durations must not be negative");
        }
    }

    /** Settings with the default chunk size, attempts and backoff (1 s doubling up to 30 s). */
    public static DropboxSettings of(
            String folder, Secret accessToken, Secret refreshToken, String appKey, Secret appSecret) {
        return new DropboxSettings(
                folder,
                accessToken,
                refreshToken,
                appKey,
                appSecret,
                DEFAULT_CHUNK_SIZE,
                DEFAULT_MAX_ATTEMPTS,
                Duration.ofSeconds(1),
                Duration.ofSeconds(30));
    }

    /** A copy with another chunk size. */
    public DropboxSettings withChunkSize(int newChunkSize) {
        return new DropboxSettings(
                folder,
                accessToken,
                refreshToken,
                appKey,
                appSecret,
                newChunkSize,
                maxAttempts,
                initialBackoff,
                maxBackoff);
    }

    /** A copy with other retry settings. */
    public DropboxSettings withRetries(int newMaxAttempts, Duration newInitialBackoff, Duration newMaxBackoff) {
        return new DropboxSettings(
                folder,
                accessToken,
                refreshToken,
                appKey,
                appSecret,
                chunkSize,
                newMaxAttempts,
                newInitialBackoff,
                newMaxBackoff);
    }

    /**
     * Normalises a Dropbox folder path: a leading {@code /}, no trailing {@code /}, no empty, {@code
     * .} or {@code ..} segments; {@code ""} and {@code "/"} give {@code ""} (the root). Backslashes
     * and control characters are refused.
     *
     * @throws BackupConfigurationException naming {@code BACKUP_DIR} for a path that would leave the
     *     folder tree (or the app folder) or that Dropbox cannot take
     */
    public static String normalizeFolder(String location) {
        String s = location.trim();
        if (s.indexOf('\\') >= 0 || s.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new BackupConfigurationException(
                    Setting.STORAGE_LOCATION,
                    "the storage location must be a Dropbox folder path such as /backups (forward slashes, no control"
                            + " characters)");
        }
        StringBuilder out = new StringBuilder();
        for (String segment : s.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new BackupConfigurationException(
                        Setting.STORAGE_LOCATION,
                        "the storage location must not contain '.' or '..' segments: a Dropbox path cannot leave its"
                                + " folder (or the app folder of an app with App-folder access); give a path such"
                                + " as /backups");
            }
            out.append('/').append(segment);
        }
        return out.toString();
    }

    @Override
    public String toString() {
        // never show the secrets' values (Secret.toString masks them, but keep the record's output short)
        return "DropboxSettings[folder=" + folder + ", chunkSize=" + chunkSize + ", maxAttempts=" + maxAttempts
                + ", refreshToken=" + (refreshToken != null ? "set" : "unset") + "]";
    }
}
