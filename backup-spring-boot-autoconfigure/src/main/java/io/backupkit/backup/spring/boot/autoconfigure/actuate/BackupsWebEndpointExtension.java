package io.backupkit.backup.spring.boot.autoconfigure.actuate;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupInProgressException;
import io.backupkit.backup.BackupNotFoundException;
import io.backupkit.backup.DatabaseInUseException;
import io.backupkit.backup.IncompatibleBackupException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;
import org.springframework.lang.Nullable;

/**
 * HTTP status codes for the {@code backups} endpoint's writes: 201 for a created backup, 403 when
 * restores are off, 400 for an unconfirmed restore, 404 for an unknown backup, 409 when another
 * operation holds the storage or sessions hold the database, 500 with the library's message
 * otherwise.
 */
@EndpointWebExtension(endpoint = BackupsEndpoint.class)
public class BackupsWebEndpointExtension {
    private final BackupsEndpoint endpoint;

    public BackupsWebEndpointExtension(BackupsEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> create(@Nullable String labels) {
        return respond(201, () -> endpoint.create(labels));
    }

    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> restore(
            @Selector String id,
            @Selector String action,
            @Nullable String confirm,
            @Nullable Boolean terminateSessions) {
        return respond(WebEndpointResponse.STATUS_OK, () -> endpoint.restore(id, action, confirm, terminateSessions));
    }

    private static WebEndpointResponse<Map<String, Object>> respond(int success, Supplier<Map<String, Object>> op) {
        try {
            return new WebEndpointResponse<>(op.get(), success);
        } catch (BackupsEndpoint.RestoreRefusedException e) {
            return error(e.disabled() ? 403 : 400, e.getMessage());
        } catch (BackupNotFoundException e) {
            return error(WebEndpointResponse.STATUS_NOT_FOUND, e.getMessage());
        } catch (BackupInProgressException | DatabaseInUseException e) {
            return error(409, e.getMessage());
        } catch (BackupConfigurationException | IncompatibleBackupException e) {
            return error(WebEndpointResponse.STATUS_BAD_REQUEST, e.getMessage());
        } catch (BackupException e) {
            return error(WebEndpointResponse.STATUS_INTERNAL_SERVER_ERROR, e.getMessage());
        }
    }

    private static WebEndpointResponse<Map<String, Object>> error(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", message);
        return new WebEndpointResponse<>(body, status);
    }
}
