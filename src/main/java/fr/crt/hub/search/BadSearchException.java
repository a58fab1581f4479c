package fr.crt.hub.search;

/** A search request the hub refuses (HTTP 400), naming the field; the message never repeats a submitted identifier. */
public class BadSearchException extends RuntimeException {

    private final String field;

    public BadSearchException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
