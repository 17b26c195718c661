package dev.pfhir;

/**
 * The password of the client identity is wrong ({@link ErrorCode#WRONG_PASSWORD}): a PKCS#12
 * file whose integrity check or decryption fails, or an encrypted private key that does not
 * decrypt. The message names the setting ({@code pkcs12 password}, {@code key_password}), never
 * the password. A {@link ConfigException}, so code that catches configuration errors catches it
 * too.
 */
public class WrongPasswordException extends ConfigException {
    private static final long serialVersionUID = 1L;

    WrongPasswordException(ErrorInfo info) {
        super(info);
    }
}
