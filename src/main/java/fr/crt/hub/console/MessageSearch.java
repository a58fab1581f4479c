package fr.crt.hub.console;

import fr.crt.hub.store.MessageQuery;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.store.StoredMessage;
import java.util.List;
import org.springframework.stereotype.Service;

/** One page of the console's search, through the store's indexed search (by patient: its patient keys). */
@Service("consoleMessageSearch")
public class MessageSearch {

    /** A page of results; {@code page} counts from 0. */
    public record Page(List<StoredMessage> items, long total, int page, int size) {
        public int pages() { return (int) Math.max(1, (total + size - 1) / size); }
        public boolean hasNext() { return (long) (page + 1) * size < total; }
        public boolean hasPrevious() { return page > 0; }
    }

    private final MessageStore store;
    private final PatientMessageLookup patients;
    private final ConsoleProperties properties;

    public MessageSearch(MessageStore store, PatientMessageLookup patients, ConsoleProperties properties) {
        this.store = store;
        this.patients = patients;
        this.properties = properties;
    }

    public Page search(SearchForm form) {
        MessageQuery q = query(form);
        return new Page(store.search(q), store.count(q), q.page(), q.size());
    }

    /** Ids of every message the search matches, oldest first (bulk replay order). */
    public List<Long> allIds(SearchForm form, int limit) {
        return store.ids(query(form), limit);
    }

    /** The form as a store query; a patient becomes the store's patient keys (indexed), never a stored value. */
    private MessageQuery query(SearchForm form) {
        MessageQuery q = form.toQuery(properties.zone());
        if (!form.hasPatient()) return q;
        return new MessageQuery(q.partnerId(), q.connector(), q.messageType(), q.triggerEvent(), q.status(), q.from(),
                q.to(), q.controlId(), q.patientRef(), patients.keys(form.getPatient(), q.partnerId()), null, q.page(),
                q.size());
    }
}
