package io.backupkit.backup.core.internal.archive;

import java.nio.charset.StandardCharsets;

/** Constants of the media archive's tar dialect (headers: {@link TarHeader}). */
final class TarFormat {
    /** Copy buffer for file content (reading and writing). */
    static final int BUFFER_SIZE = 1 << 18;

    /** How the tar parser decodes names that carry no {@code hdrcharset}. */
    static final String ENCODING = StandardCharsets.UTF_8.name();

    private TarFormat() {}
}
