package fr.crt.hub.mssante;

import java.util.Locale;

/**
 * What happens on the operator's server to a mail once the hub has stored it (connector field {@code processedMail}):
 * {@code seen} (flagged \Seen and left in the folder, the default), {@code delete} (flagged \Deleted, expunged at the
 * end of the poll) or {@code move:<folder>} (copied to that folder, created if missing, then deleted from the polled
 * one). An application mailbox receiving hundreds of 1 MB mails a day fills its quota if nothing is removed; the
 * raw mail stays in the hub's message store either way (DESIGN rule 1). camel-mail does it at commit, after the mail
 * is stored, so a crash before it leaves the mail where it was, to be read again as a DUPLICATE.
 */
public record ProcessedMail(Action action, String folder) {

    public enum Action { SEEN, DELETE, MOVE }

    public static final ProcessedMail SEEN = new ProcessedMail(Action.SEEN, null);

    /** @param polledFolder the folder the mailbox reads: moving mail into it would only keep it there */
    public static ProcessedMail parse(String value, String polledFolder) {
        if (value == null || value.isBlank()) return SEEN;
        String v = value.trim();
        String lower = v.toLowerCase(Locale.ROOT);
        if (lower.equals("seen")) return SEEN;
        if (lower.equals("delete")) return new ProcessedMail(Action.DELETE, null);
        if (lower.startsWith("move:")) {
            String folder = v.substring("move:".length()).trim();
            if (folder.isEmpty() || folder.length() > 200) throw new IllegalArgumentException("processedMail move: a folder name is required (at most 200 characters)");
            // IMAP list wildcards and line breaks have no place in a folder the hub creates
            if (folder.chars().anyMatch(c -> c == '*' || c == '%' || c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException("processedMail move: folder name refused: " + folder.replaceAll("\\p{Cntrl}", "?"));
            }
            if (folder.equalsIgnoreCase(polledFolder)) throw new IllegalArgumentException("processedMail move: " + folder + " is the polled folder");
            return new ProcessedMail(Action.MOVE, folder);
        }
        throw new IllegalArgumentException("processedMail must be seen, delete or move:<folder>, not " + v.replaceAll("\\p{Cntrl}", "?"));
    }

    /**
     * camel-mail {@code delete}: true only for delete. A move keeps it false: camel-mail then flags the mail \Seen
     * before copying it (the copy in the archive folder reads as processed), then flags the original \Deleted.
     */
    public boolean delete() {
        return action == Action.DELETE;
    }

    /** camel-mail {@code moveTo}, null unless moving. */
    public String moveTo() {
        return action == Action.MOVE ? folder : null;
    }

    @Override
    public String toString() {
        return action == Action.MOVE ? "move:" + folder : action.name().toLowerCase(Locale.ROOT);
    }
}
