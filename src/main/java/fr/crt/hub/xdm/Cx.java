package fr.crt.hub.xdm;

/**
 * An HL7 v2 CX value as XDS metadata carries patient ids: {@code id^^^&oid&ISO^type}, e.g.
 * {@code 279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH}.
 */
public record Cx(String id, String authorityOid, String typeCode) {

    /** Null when {@code value} is not a CX with an id and an ISO assigning authority. */
    public static Cx parse(String value) {
        if (value == null) return null;
        String[] comps = value.trim().split("\\^", -1);
        if (comps.length < 4 || comps[0].isBlank()) return null;
        String[] authority = comps[3].split("&", -1);
        if (authority.length < 3 || authority[1].isBlank()) return null;
        return new Cx(comps[0], authority[1], comps.length > 4 ? comps[4] : null);
    }

    public String format() {
        return id + "^^^&" + authorityOid + "&ISO" + (typeCode == null ? "" : "^" + typeCode);
    }
}
