package dev.sluice.cli;

/**
 * Bad input found after parsing (a pid that does not exist, a port out of range): reported
 * like a parse error, on one line, with exit code 2.
 */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
