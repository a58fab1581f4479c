package fr.crt.hub.mssante;

import jakarta.mail.FetchProfile;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.MimeMessage;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.camel.component.mail.MailEndpoint;
import org.apache.camel.component.mail.MailUidGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The key camel-mail gives each polled mail ({@code mailUidGenerator} of {@code routes/mssante-inbound.yaml}): its
 * Message-ID, as camel-mail's default does, but read from the IMAP ENVELOPE fetched for a whole window of mails in one
 * FETCH (flags, envelope, size, UID). camel-mail otherwise asks the server for each mail's headers, then its flags, one
 * round trip each, before the hub reads the mail: with an operator's server over the Internet that is most of the
 * time spent per mail. What is prefetched is what the inbound route reads before the body (Message-ID, sender).
 */
@Component("mssanteMailPrefetch")
public class MailboxPrefetch implements MailUidGenerator {

    /** Same as the route's maxMessagesPerPoll: one FETCH per poll at most. */
    static final int WINDOW = 50;
    private static final Logger log = LoggerFactory.getLogger(MailboxPrefetch.class);

    /** Per open folder, the highest message number already prefetched (folders are the consumer's, reused between polls). */
    private final Map<Folder, Integer> prefetchedUpTo = new WeakHashMap<>();

    @Override
    public String generateUuid(MailEndpoint endpoint, Message message) {
        prefetch(message);
        try {
            String id = message instanceof MimeMessage mime ? mime.getMessageID() : null;
            if (id != null && !id.isBlank()) return id.trim();
            Folder folder = message.getFolder();
            if (folder instanceof UIDFolder uids) return "uid:" + uids.getUID(message);
        } catch (MessagingException e) {
            log.debug("mail key not read, message number used: {}", e.getMessage());
        }
        return Integer.toString(message.getMessageNumber());
    }

    private void prefetch(Message message) {
        Folder folder = message.getFolder();
        if (folder == null) return;
        int n = message.getMessageNumber();
        synchronized (prefetchedUpTo) {
            Integer upTo = prefetchedUpTo.get(folder);
            if (upTo != null && n <= upTo && n > upTo - WINDOW) return;
            try {
                int last = Math.min(folder.getMessageCount(), n + WINDOW - 1);
                if (last < n) return;
                FetchProfile fp = new FetchProfile();
                fp.add(FetchProfile.Item.ENVELOPE);
                fp.add(FetchProfile.Item.FLAGS);
                fp.add(FetchProfile.Item.SIZE);
                fp.add(UIDFolder.FetchProfileItem.UID);
                folder.fetch(folder.getMessages(n, last), fp);
                prefetchedUpTo.put(folder, last);
            } catch (MessagingException | IndexOutOfBoundsException e) {
                // not fatal: each mail is then read item by item, as without prefetch
                log.debug("mailbox prefetch failed: {}", e.getMessage());
            }
        }
    }
}
