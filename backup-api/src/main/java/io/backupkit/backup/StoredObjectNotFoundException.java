package io.backupkit.backup;

/** An object that was expected in the storage is not there. */
public final class StoredObjectNotFoundException extends UnableToStoreException {
    private static final long serialVersionUID = 1L;

    /** The object {@code object} is not in {@code storage} (as described to users). */
    public StoredObjectNotFoundException(String storage, String object) {
        super(storage, object, "object " + object + " not found in " + storage, null);
    }
}
