package fr.crt.hub.support;

import fr.crt.hub.support.AdtMessages.Person;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Generated PAM-FR traffic from EHPAD Les Tilleuls for load and crash tests: many persons, each with a realistic
 * sequence (identity creation A28, admission A01 with its ZBE movement, then identity updates A31 or a second stay),
 * built with {@link AdtMessages} (valid NIR keys, fictitious persons).
 *
 * <p>Messages are spread person by person over the senders, and each sender keeps one person's messages in order,
 * as a partner system does (one connection per sending application, in event order).
 */
public final class AdtTraffic {

    /** One message to send. {@code visit} is null for identity-only events. */
    public record Item(String controlId, int person, String trigger, String visit, byte[] bytes) {}

    private final List<Item> items;
    private final Set<Integer> persons = new LinkedHashSet<>();
    private final Set<String> visits = new LinkedHashSet<>();

    private AdtTraffic(List<Item> items) {
        this.items = List.copyOf(items);
        for (Item i : items) {
            persons.add(i.person());
            if (i.visit() != null) visits.add(i.visit());
        }
    }

    /**
     * {@code count} messages over {@code personCount} persons numbered from {@code firstPerson}: round 0 is the A28
     * of every person, round 1 the A01 of the first stay, later rounds alternate a new stay (A01) and an identity
     * update (A31). With withA31 false, later rounds are all A01 (new stays).
     */
    public static AdtTraffic generate(String controlPrefix, int count, int firstPerson, int personCount, boolean withA31) {
        List<Item> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int round = i / personCount;
            int n = firstPerson + i % personCount;
            String controlId = controlPrefix + i;
            Person p = Person.of(n);
            String trigger;
            String visit = null;
            String text;
            if (round == 0) {
                trigger = "A28";
                text = AdtMessages.adt("A28", controlId, p, "V" + n, null, null);
            } else if (round == 1 || !withA31 || round % 2 == 0) {
                trigger = "A01";
                visit = "V" + n + "S" + round;
                text = AdtMessages.adt("A01", controlId, p, visit, "M" + n + "S" + round, "INSERT");
            } else {
                trigger = "A31";
                text = AdtMessages.adt("A31", controlId, p.withStatus("VALI"), "V" + n, null, null);
            }
            items.add(new Item(controlId, n, trigger, visit, text.getBytes(StandardCharsets.UTF_8)));
        }
        return new AdtTraffic(items);
    }

    public List<Item> items() {
        return items;
    }

    public int distinctPersons() {
        return persons.size();
    }

    /** Distinct stays (visit numbers) carried by the A01 messages: one Encounter each. */
    public int distinctVisits() {
        return visits.size();
    }

    /** Items split over {@code senders} lists, a person always on the same sender, order kept. */
    public List<List<Item>> perSender(int senders) {
        return split(items, senders);
    }

    public static List<List<Item>> split(List<Item> items, int senders) {
        List<List<Item>> out = new ArrayList<>();
        for (int s = 0; s < senders; s++) out.add(new ArrayList<>());
        for (Item i : items) out.get(Math.floorMod(i.person(), senders)).add(i);
        return out;
    }
}
