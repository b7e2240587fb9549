package io.backupkit.backup.storage.sftp;

import java.io.IOException;
import org.apache.sshd.sftp.client.SftpClient;

/** One SFTP operation, run again on a new connection when the old one broke. Internal. */
@FunctionalInterface
interface SftpCall<T> {
    /**
     * @param attempt 1 for the first try; a later attempt may follow one whose effect is unknown
     *     (the connection broke before the answer came)
     */
    T run(SftpClient sftp, int attempt) throws IOException;
}
