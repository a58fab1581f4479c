package fr.crt.hub.xdm;

/** A coded value of XDS metadata: {@code nodeRepresentation}, its {@code codingScheme} slot, its display name. */
public record Code(String code, String scheme, String display) {

    public boolean is(String otherCode, String otherScheme) {
        return code != null && code.equals(otherCode) && (otherScheme == null || otherScheme.equals(scheme));
    }
}
