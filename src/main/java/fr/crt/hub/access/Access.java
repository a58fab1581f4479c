package fr.crt.hub.access;

import java.util.Locale;

/** What a role may do with a kind of data: {@link #WRITE} implies {@link #READ}. */
public enum Access {
    NONE, READ, WRITE;

    /** Whether a role holding {@code this} may do {@code wanted}. */
    public boolean permits(Access wanted) {
        return wanted == NONE || compareTo(wanted) >= 0;
    }

    static Access parse(String s) {
        if (s == null) return NONE;
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "write" -> WRITE;
            case "read" -> READ;
            case "none", "" -> NONE;
            default -> throw new IllegalArgumentException("access value must be read, write or none: " + s);
        };
    }
}
