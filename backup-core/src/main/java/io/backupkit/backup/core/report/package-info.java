/** What the surfaces show of a backup: the JSON shape shared by the command line and the Actuator endpoint. */
package io.backupkit.backup.core.report;
