/** Internal: the manifest ({@code <id>.manifest.json}), the commit point of a backup set, and object names. */
package io.backupkit.backup.core.internal.manifest;
