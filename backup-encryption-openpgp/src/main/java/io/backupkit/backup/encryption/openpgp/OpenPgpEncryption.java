package io.backupkit.backup.encryption.openpgp;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupId;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.PassphraseCallback;
import io.backupkit.backup.Secret;
import io.backupkit.backup.Setting;
import io.backupkit.backup.UnableToDecryptException;
import io.backupkit.backup.spi.DecryptedStream;
import io.backupkit.backup.spi.Encryption;
import io.backupkit.backup.spi.SealKey;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPPBEEncryptedData;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPBEDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.bc.BcPBEKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;

/**
 * OpenPGP artifacts (RFC 4880 SEIPD with MDC, AES-256), streamed with partial-length packets so
 * the length need not be known. The literal data packet carries the object name; decryption
 * refuses an artifact whose embedded name is another backup's (a swapped artifact). Reading a
 * decrypted stream to its end checks the integrity packet: a flipped bit or a truncation throws
 * {@link CorruptBackupException}.
 */
final class OpenPgpEncryption implements Encryption {
    // Long on purpose: sealing, encrypting and decrypting share one packet layout and one key lookup.

    private static final Pattern BACKUP_OBJECT = Pattern.compile(BackupId.ID.pattern() + "\\..*");
    private static final int BUFFER = 1 << 16;
    /** Separates the object name from the seal key in the literal data packet's file name. */
    static final String SEAL = "#seal=";
    /** The key id of symmetric (passphrase) encryption. */
    private static final String PASSPHRASE = "passphrase";

    private final PGPPublicKey recipient;
    private final PGPSecretKeyRingCollection secretKeys;
    private final char[] passphrase;
    private final PassphraseCallback callback;
    private final Map<String, Optional<char[]>> answers = new ConcurrentHashMap<>();
    private final String keyId;

    OpenPgpEncryption(OpenPgpKeys config, PassphraseCallback callback) {
        this.passphrase = config.passphrase() == null
                ? null
                : config.passphrase().reveal().toCharArray();
        this.callback = callback;
        this.secretKeys = config.secretKey() == null ? null : readSecretKeys(config.secretKey());
        PGPPublicKey key = null;
        if (config.recipientKey() != null) {
            key = encryptionKey(readPublicKeys(config.recipientKey()), config.recipientKey());
        } else if (secretKeys != null) {
            key = encryptionKeyOf(secretKeys, config.secretKey());
        }
        this.recipient = key;
        this.keyId = recipient == null ? PASSPHRASE : hex(recipient.getKeyID());
    }

    @Override
    public String id() {
        return "openpgp";
    }

    @Override
    public String extension() {
        return "gpg";
    }

    @Override
    public String keyId() {
        return keyId;
    }

    @Override
    public boolean canDecrypt() {
        return recipient == null ? passphrase != null || callback != null : secretKeys != null;
    }

    @Override
    public OutputStream encrypt(OutputStream target, String objectName, SealKey sealKey) throws IOException {
        PGPEncryptedDataGenerator generator =
                new PGPEncryptedDataGenerator(new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256)
                        .setWithIntegrityPacket(true)
                        .setSecureRandom(new SecureRandom()));
        if (recipient != null) {
            generator.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(recipient));
        } else {
            char[] p = passphraseFor(PASSPHRASE);
            if (p == null) {
                throw new BackupConfigurationException(
                        Setting.ENCRYPTION,
                        "no passphrase to encrypt with: the passphrase callback gave none; configure a passphrase"
                                + " or a recipient key");
            }
            generator.addMethod(new BcPBEKeyEncryptionMethodGenerator(p));
        }
        try {
            OutputStream encrypted = generator.open(new NonClosing(target), new byte[BUFFER]);
            OutputStream literal = new PGPLiteralDataGenerator()
                    .open(
                            encrypted,
                            PGPLiteralData.BINARY,
                            embeddedName(objectName, sealKey),
                            new Date(),
                            new byte[BUFFER]);
            return new java.io.FilterOutputStream(literal) {
                private boolean closed;

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    if (!closed) {
                        closed = true;
                        literal.close();
                        encrypted.close();
                    }
                }
            };
        } catch (PGPException e) {
            throw new IOException("cannot start OpenPGP encryption: " + e.getMessage(), e);
        }
    }

    @Override
    public DecryptedStream decrypt(InputStream source, String objectName) throws IOException {
        try {
            BcPGPObjectFactory factory = new BcPGPObjectFactory(PGPUtil.getDecoderStream(source));
            Object o = factory.nextObject();
            while (o instanceof PGPMarker) {
                o = factory.nextObject();
            }
            if (!(o instanceof PGPEncryptedDataList list)) {
                throw new CorruptBackupException(objectName, null, null, objectName + " is not OpenPGP encrypted data");
            }
            PGPEncryptedData chosen = null;
            InputStream clear = null;
            StringJoiner recipients = new StringJoiner(", ").setEmptyValue("unknown");
            for (Iterator<PGPEncryptedData> it = list.getEncryptedDataObjects(); it.hasNext() && clear == null; ) {
                PGPEncryptedData ed = it.next();
                if (ed instanceof PGPPublicKeyEncryptedData pk) {
                    recipients.add(hex(pk.getKeyID()));
                    PGPPrivateKey key = privateKey(pk.getKeyID());
                    if (key != null) {
                        clear = pk.getDataStream(new BcPublicKeyDataDecryptorFactory(key));
                        chosen = ed;
                    }
                } else if (ed instanceof PGPPBEEncryptedData pbe) {
                    recipients.add(PASSPHRASE);
                    char[] p = passphraseFor(PASSPHRASE);
                    if (p != null) {
                        try {
                            clear = pbe.getDataStream(
                                    new BcPBEDataDecryptorFactory(p, new BcPGPDigestCalculatorProvider()));
                            chosen = ed;
                        } catch (PGPException e) {
                            throw new UnableToDecryptException(
                                    PASSPHRASE,
                                    objectName + " cannot be decrypted with the configured "
                                            + "passphrase (wrong passphrase?); nothing was changed",
                                    e);
                        }
                    }
                }
            }
            if (clear == null) {
                String to = recipients.toString();
                throw new UnableToDecryptException(
                        to,
                        objectName + " is encrypted to " + to + " but no matching secret key or "
                                + "passphrase is configured; nothing was changed",
                        null);
            }
            if (!chosen.isIntegrityProtected()) {
                throw new CorruptBackupException(
                        objectName, null, null, objectName + " has no integrity protection; refusing it");
            }
            BcPGPObjectFactory plain = new BcPGPObjectFactory(clear);
            Object message = plain.nextObject();
            if (message instanceof PGPCompressedData compressed) {
                plain = new BcPGPObjectFactory(compressed.getDataStream());
                message = plain.nextObject();
            }
            if (!(message instanceof PGPLiteralData literal)) {
                throw new CorruptBackupException(objectName, null, null, objectName + " holds no literal data packet");
            }
            String embedded = literal.getFileName();
            SealKey sealKey = null;
            int seal = embedded.indexOf(SEAL);
            if (seal >= 0) {
                try {
                    sealKey = SealKey.decode(embedded.substring(seal + SEAL.length()));
                } catch (IllegalArgumentException e) {
                    throw new CorruptBackupException(
                            objectName, null, null, objectName + " holds a malformed seal key; refusing it");
                }
                embedded = embedded.substring(0, seal);
            }
            if (BACKUP_OBJECT.matcher(embedded).matches() && !embedded.equals(objectName)) {
                throw new CorruptBackupException(
                        objectName,
                        objectName,
                        embedded,
                        objectName + " holds the encrypted content of " + embedded
                                + " (an artifact was swapped); refusing it, nothing was changed");
            }
            return new DecryptedStream(new Verified(literal.getInputStream(), chosen, objectName), sealKey);
        } catch (PGPException e) {
            throw new CorruptBackupException(objectName, objectName + " cannot be decrypted: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof CorruptBackupException || e instanceof UnableToDecryptException) {
                throw e;
            }
            throw new CorruptBackupException(
                    objectName, objectName + " is not readable OpenPGP data: " + e.getMessage(), e);
        }
    }

    /**
     * The literal data packet's file name: the object name, and the seal key after {@value #SEAL}.
     * It is encrypted and covered by the integrity packet like the content; gpg shows it with
     * {@code --list-packets} and {@code gpg --decrypt} ignores it unless told to use it.
     */
    private static String embeddedName(String objectName, SealKey sealKey) {
        return sealKey == null ? objectName : objectName + SEAL + sealKey.encoded();
    }

    private PGPPrivateKey privateKey(long keyId) {
        if (secretKeys == null) {
            return null;
        }
        PGPSecretKey key;
        try {
            key = secretKeys.getSecretKey(keyId);
        } catch (RuntimeException e) {
            return null;
        }
        if (key == null) {
            return null;
        }
        try {
            return unlock(key, passphrase == null ? new char[0] : passphrase);
        } catch (PGPException e) {
            char[] asked = passphrase == null ? passphraseFor(hex(keyId)) : null;
            if (asked != null) {
                try {
                    return unlock(key, asked);
                } catch (PGPException again) {
                    e = again;
                }
            }
            throw new UnableToDecryptException(
                    hex(keyId),
                    "the secret key " + hex(keyId) + " cannot be unlocked: configure its "
                            + "passphrase (or check it); nothing was changed",
                    e);
        }
    }

    private static PGPPrivateKey unlock(PGPSecretKey key, char[] passphrase) throws PGPException {
        return key.extractPrivateKey(
                new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider()).build(passphrase));
    }

    /**
     * The configured passphrase, or the host callback's answer for {@code forKey} (asked once; a
     * scheduled run's callback answers empty rather than block).
     */
    private char[] passphraseFor(String forKey) {
        if (passphrase != null) {
            return passphrase;
        }
        if (callback == null) {
            return null;
        }
        return answers.computeIfAbsent(forKey, k -> {
                    Optional<Secret> answer;
                    try {
                        answer = callback.passphrase(k);
                    } catch (RuntimeException e) {
                        throw new UnableToDecryptException(
                                k,
                                "the passphrase callback failed for key " + k + " ("
                                        + e.getClass().getSimpleName() + "); nothing was changed",
                                e);
                    }
                    return answer == null
                            ? Optional.empty()
                            : answer.map(s -> s.reveal().toCharArray());
                })
                .orElse(null);
    }

    private static PGPPublicKeyRingCollection readPublicKeys(Path file) {
        try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(file))) {
            return new PGPPublicKeyRingCollection(in, new BcKeyFingerprintCalculator());
        } catch (IOException | PGPException e) {
            throw new BackupConfigurationException(
                    Setting.ENCRYPTION,
                    "cannot read the public key file " + file + ": " + e.getMessage()
                            + " (expected an OpenPGP public key, e.g. from 'gpg --armor --export')",
                    e);
        }
    }

    private static PGPSecretKeyRingCollection readSecretKeys(Path file) {
        try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(file))) {
            return new PGPSecretKeyRingCollection(in, new BcKeyFingerprintCalculator());
        } catch (IOException | PGPException e) {
            throw new BackupConfigurationException(
                    Setting.ENCRYPTION,
                    "cannot read the secret key file " + file + ": " + e.getMessage()
                            + " (expected an OpenPGP secret key, e.g. from 'gpg --armor --export-secret-keys')",
                    e);
        }
    }

    /**
     * The usable encryption key of the first key ring that has one. A revoked or expired key is
     * refused, and so is every subkey of a revoked or expired primary key.
     */
    private static PGPPublicKey encryptionKey(PGPPublicKeyRingCollection rings, Path file) {
        String problem = "it holds no encryption key";
        for (PGPPublicKeyRing ring : rings) {
            String primary = unusable(ring.getPublicKey());
            if (primary != null) {
                problem = "its key " + primary;
                continue;
            }
            for (PGPPublicKey key : ring) {
                if (!key.isEncryptionKey()) {
                    continue;
                }
                String why = unusable(key);
                if (why != null) {
                    problem = "its encryption key " + why;
                    continue;
                }
                return key;
            }
        }
        throw new BackupConfigurationException(
                Setting.ENCRYPTION,
                "cannot encrypt to the key in " + file + ": " + problem
                        + "; give a current public key with an encryption (sub)key");
    }

    /** Why {@code key} must not be used ("ID is revoked", "ID expired on ..."), or null. */
    private static String unusable(PGPPublicKey key) {
        if (key.hasRevocation()) {
            return hex(key.getKeyID()) + " is revoked";
        }
        long valid = key.getValidSeconds();
        Instant expiry = key.getCreationTime().toInstant().plusSeconds(valid);
        if (valid > 0 && expiry.isBefore(Instant.now())) {
            return hex(key.getKeyID()) + " expired on " + expiry;
        }
        return null;
    }

    private static PGPPublicKey encryptionKeyOf(PGPSecretKeyRingCollection secrets, Path file) {
        java.util.List<PGPPublicKey> publicKeys = new java.util.ArrayList<>();
        for (PGPSecretKeyRing ring : secrets) {
            ring.getPublicKeys().forEachRemaining(publicKeys::add);
        }
        for (PGPPublicKey key : publicKeys) {
            if (key.isEncryptionKey() && !key.hasRevocation()) {
                return key;
            }
        }
        throw new BackupConfigurationException(
                Setting.ENCRYPTION, "the secret key in " + file + " has no encryption key");
    }

    static String hex(long keyId) {
        return HexFormat.of().withUpperCase().toHexDigits(keyId);
    }

    /** Plaintext that checks the integrity packet when it reaches its end. */
    private static final class Verified extends FilterInputStream {
        private final PGPEncryptedData data;
        private final String objectName;
        private boolean checked;

        Verified(InputStream in, PGPEncryptedData data, String objectName) {
            super(in);
            this.data = data;
            this.objectName = objectName;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException | RuntimeException e) {
                throw new CorruptBackupException(
                        objectName,
                        objectName + " is truncated or altered (" + e.getMessage() + "); nothing was changed",
                        e);
            }
            if (n < 0) {
                check();
            }
            return n;
        }

        private void check() {
            if (checked) {
                return;
            }
            checked = true;
            try {
                if (!data.verify()) {
                    throw new CorruptBackupException(
                            objectName,
                            "integrity",
                            "altered",
                            objectName
                                    + " fails its OpenPGP integrity check (altered or truncated); nothing was changed");
                }
            } catch (PGPException | IOException e) {
                throw new CorruptBackupException(
                        objectName, objectName + " fails its OpenPGP integrity check: " + e.getMessage(), e);
            }
        }

        @Override
        public long skip(long n) throws IOException {
            if (n <= 0) {
                return 0;
            }
            byte[] buf = new byte[(int) Math.min(n, 8192)];
            long done = 0;
            while (done < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - done));
                if (r < 0) {
                    break;
                }
                done += r;
            }
            return done;
        }
    }

    /** Keeps the encryptor from closing the storage stream. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
