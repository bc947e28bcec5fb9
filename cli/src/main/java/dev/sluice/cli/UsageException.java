package dev.sluice.cli;

import dev.sluice.lab.LabUnits;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Bad input found after parsing (a pid that does not exist, a port out of range): reported
 * like a parse error, on one line, with exit code 2.
 */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }

    /** {@code parser}'s value; its {@link IllegalArgumentException} becomes a usage error naming {@code option}. */
    static <T> T parse(String option, Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage());
        }
    }

    /** A time such as {@code 2s} or {@code 500ms} ({@link LabUnits#parseTime}) given to {@code option}. */
    static Duration time(String option, String text) {
        return parse(option, () -> LabUnits.parseTime(text));
    }
}
