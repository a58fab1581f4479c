package fr.crt.hub.console;

import fr.crt.hub.store.MessageQuery;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.store.StoredMessage;
import java.util.List;
import org.springframework.stereotype.Service;

/** One page of the console's search: through the store's indexed search, or by patient through the lookup. */
@Service
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
        MessageQuery q = form.toQuery(properties.zone());
        if (!form.hasPatient()) {
            return new Page(store.search(q), store.count(q), q.page(), q.size());
        }
        List<StoredMessage> all = patients.messages(form.getPatient(), q);
        int from = Math.min(all.size(), q.page() * q.size());
        return new Page(all.subList(from, Math.min(all.size(), from + q.size())), all.size(), q.page(), q.size());
    }

    /** Ids of every message the search matches, oldest first (bulk replay order). */
    public List<Long> allIds(SearchForm form, int limit) {
        MessageQuery q = form.toQuery(properties.zone());
        if (!form.hasPatient()) return store.ids(q, limit);
        List<Long> ids = new java.util.ArrayList<>(patients.messages(form.getPatient(), q).stream().map(StoredMessage::id).toList());
        java.util.Collections.reverse(ids);
        return ids.subList(0, Math.min(ids.size(), limit));
    }
}
