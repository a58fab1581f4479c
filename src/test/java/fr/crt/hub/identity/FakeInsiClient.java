package fr.crt.hub.identity;

import fr.crt.hub.insi.InsiAnswer;
import fr.crt.hub.insi.InsiCallFailed;
import fr.crt.hub.insi.InsiClient;
import fr.crt.hub.insi.InsiIdentity;
import fr.crt.hub.insi.InsiTraits;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A hand-written INSi for unit tests: answers (or failures) queued in order, requests recorded. */
final class FakeInsiClient implements InsiClient {

    private final Deque<Object> script = new ArrayDeque<>();
    final List<InsiTraits> requests = new ArrayList<>();

    FakeInsiClient answer(String code, InsiIdentity... identities) {
        script.add(new InsiAnswer(code, code.equals("00") ? "OK" : "KO", List.of(identities), "uuid:test"));
        return this;
    }

    FakeInsiClient fail(InsiCallFailed f) {
        script.add(f);
        return this;
    }

    @Override
    public InsiAnswer searchByTraits(InsiTraits traits) throws InsiCallFailed {
        requests.add(traits);
        Object next = script.poll();
        if (next == null) {
            throw new IllegalStateException("no scripted INSi answer left");
        }
        if (next instanceof InsiCallFailed f) {
            throw f;
        }
        return (InsiAnswer) next;
    }
}
