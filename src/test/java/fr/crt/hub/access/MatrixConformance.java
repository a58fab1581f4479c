package fr.crt.hub.access;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import fr.crt.hub.connector.Connector;
import fr.crt.hub.connector.ConnectorRegistry;
import fr.crt.hub.support.HubTestCommon;
import fr.crt.hub.support.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.EpisodeOfCare;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.springframework.boot.test.web.client.TestRestTemplate;

/**
 * The generated matrix test, reusable on any running hub (H2: {@link AccessMatrixConformanceTest}; PostgreSQL:
 * {@code CanonicalRepositoryPostgresTest}): for every role of {@code mappings/access-matrix.yaml} asked for, every
 * kind of data it lists and three persons — one whose care circle holds the caller (member), one whose circle does
 * not (non-member), one whose circle holds the caller but who opposes access (opposed) — reads, searches,
 * {@code _include}, {@code _revinclude}, {@code $everything}, instance history and batch bundles return exactly the
 * resources the matrix allows: the ones an unrestricted admin gets on the same path, minus what the matrix, the
 * circle and the opposition take away. Nothing of the non-member or the opposed person ever comes back.
 */
public class MatrixConformance {

    enum State { MEMBER, NON_MEMBER, OPPOSED }

    static final FhirContext FHIR = FhirContext.forR4Cached();
    static final String MARK = "urn:crt-hub:test:matrix";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    final int httpPort;
    final TestRestTemplate admin;
    final AccessMatrix matrix;
    final ConnectorRegistry connectors;

    public MatrixConformance(int httpPort, TestRestTemplate admin, AccessMatrix matrix, ConnectorRegistry connectors) {
        this.httpPort = httpPort;
        this.admin = admin;
        this.matrix = matrix;
        this.connectors = connectors;
    }

    TestRestTemplate admin() {
        return admin;
    }

    /** Fixture: resource ref → (state of its person, kind of data). */
    final Map<String, State> stateOf = new LinkedHashMap<>();
    final Map<String, String> kindOf = new LinkedHashMap<>();
    final Map<State, String> patients = new LinkedHashMap<>();
    final Set<String> types = new LinkedHashSet<>();
    final Map<String, Set<String>> adminCache = new ConcurrentHashMap<>();
    final Map<String, Set<String>> callerCache = new ConcurrentHashMap<>();

    /** Builds the fixture, then one container per role, per path, one test per kind of data. */
    public Stream<DynamicNode> run(java.util.Collection<String> roleNames) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        for (State s : State.values()) createPerson(run, s);
        List<DynamicNode> roles = new ArrayList<>();
        for (String role : roleNames) {
            assertThat(matrix.isRole(role)).as(role).isTrue();
            String token = tokenFor(role, run);
            join(role, run);
            roles.add(DynamicContainer.dynamicContainer("role " + role, paths(role, token)));
        }
        return roles.stream();
    }

    // ------------------------------------------------------------------ paths

    Stream<DynamicNode> paths(String role, String token) {
        Map<String, List<String>> paths = new LinkedHashMap<>();
        paths.put("read", stateOf.keySet().stream().map(r -> "GET /fhir/" + r).toList());
        paths.put("search", types.stream().map(t -> "GET /fhir/" + t + "?_count=1000").toList());
        paths.put("_include", types.stream().filter(t -> !t.equals("Patient"))
                .map(t -> "GET /fhir/" + t + "?_include=*&_count=1000").toList());
        paths.put("_revinclude", patients.values().stream()
                .map(p -> "GET /fhir/Patient?_id=" + p.substring(8) + "&_revinclude=*&_count=1000").toList());
        paths.put("$everything", patients.values().stream().map(p -> "GET /fhir/" + p + "/$everything?_count=1000").toList());
        paths.put("history", stateOf.keySet().stream().map(r -> "GET /fhir/" + r + "/_history").toList());
        // a batch of reads of the resources whose kind the role may read; and one asking for every type, which is refused as a
        // whole (403, no data) when it holds a type the role may not read at all
        paths.put("batch", List.of("BATCH " + role, "BATCH *"));
        return paths.entrySet().stream().map(e -> DynamicContainer.dynamicContainer(e.getKey(),
                kinds().stream().map(kind -> DynamicTest.dynamicTest(kind, () -> check(role, token, e.getValue(), kind)))));
    }

    /** Every request of the path for the caller, compared kind by kind with what the matrix says. */
    void check(String role, String token, List<String> requests, String kind) throws Exception {
        for (String request : requests) {
            Set<String> seen = callerCache.computeIfAbsent(role + " " + request, r -> {
                try {
                    return call(request, "Bearer " + token, role);
                } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            });
            Set<String> admin = adminCache.computeIfAbsent(request, r -> {
                try {
                    return call(r, "Basic " + Base64.getEncoder().encodeToString(("admin:" + HubTestCommon.ADMIN_PASSWORD).getBytes()), "ADMIN");
                } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            });
            if (request.matches("GET /fhir/[A-Za-z]+/[^?/]+")) {
                // the comparison is only as good as the admin's view: an admin read returns the resource itself
                assertThat(admin).as("admin " + request).containsExactly(request.substring("GET /fhir/".length()));
            }
            for (State s : State.values()) {
                boolean allowed = s == State.MEMBER && matrix.allows(role, kind, Access.READ);
                Set<String> expected = new LinkedHashSet<>();
                Set<String> got = new LinkedHashSet<>();
                for (String ref : admin) if (kind.equals(kindOf.get(ref)) && stateOf.get(ref) == s && allowed
                        && primaryReadable(role, request)) expected.add(ref);
                for (String ref : seen) if (kind.equals(kindOf.get(ref)) && stateOf.get(ref) == s) got.add(ref);
                assertThat(got).as(role + " " + s + " " + kind + " via " + request).isEqualTo(expected);
            }
            // nothing of the non-member or the opposed person, whatever its kind
            assertThat(seen.stream().filter(r -> stateOf.get(r) == State.NON_MEMBER || stateOf.get(r) == State.OPPOSED))
                    .as(role + " via " + request).isEmpty();
        }
    }

    /** A search or _include path reaches nothing when the role may read no kind of its primary type. */
    boolean primaryReadable(String role, String request) {
        if (request.equals("BATCH *")) return matrix.resourceTypes(role, Access.READ).containsAll(types);
        if (!request.startsWith("GET /fhir/") || request.contains("/$everything") || request.contains("/_history")
                || request.matches("GET /fhir/[A-Za-z]+/[^?/]+")) return true;
        String type = request.substring("GET /fhir/".length()).replaceAll("[?/].*", "");
        // a type may be split between kinds (by category or profile): includes come only from primaries the role sees
        return stateOf.keySet().stream().anyMatch(ref -> ref.startsWith(type + "/")
                && matrix.allows(role, kindOf.get(ref), Access.READ));
    }

    /** Refs of the fixture resources the response carries (bundle entries or the resource itself). */
    Set<String> call(String request, String authorization, String who) throws Exception {
        HttpRequest.Builder b;
        if (request.startsWith("BATCH ")) {
            String forRole = request.substring(6);
            Set<String> readable = forRole.equals("*") ? null : matrix.resourceTypes(forRole, Access.READ);
            Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
            for (String ref : stateOf.keySet()) {
                if (readable == null || (readable.contains(ref.substring(0, ref.indexOf('/')))
                        && matrix.allows(forRole, kindOf.get(ref), Access.READ))) {
                    batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(ref);
                }
            }
            b = HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + "/fhir"))
                    .header("Content-Type", "application/fhir+json")
                    .POST(HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(batch)));
        } else {
            b = HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + request.substring(4))).GET();
        }
        HttpResponse<String> r = HTTP.send(b.header("Authorization", authorization).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        Set<String> refs = new LinkedHashSet<>();
        if (r.statusCode() == 401) throw new AssertionError(who + " got 401 on " + request);
        if (r.statusCode() >= 500) throw new AssertionError(who + " got " + r.statusCode() + " on " + request + ": " + r.body());
        if (r.statusCode() >= 400) return refs; // 403/404/410: nothing shown
        IBaseResource res = FHIR.newJsonParser().parseResource(r.body());
        collect(res, refs);
        return refs;
    }

    void collect(IBaseResource res, Set<String> refs) {
        if (res instanceof Bundle bundle) {
            for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
                if (e.hasResource()) collect(e.getResource(), refs);
            }
            return;
        }
        if (res instanceof Resource r && r.getIdElement().hasIdPart()) {
            String ref = r.fhirType() + "/" + r.getIdElement().getIdPart();
            if (stateOf.containsKey(ref)) refs.add(ref);
        }
    }

    List<String> kinds() {
        return new ArrayList<>(matrix.dataKinds());
    }

    // ------------------------------------------------------------------ fixture

    void createPerson(String run, State state) throws Exception {
        Patient p = new Patient();
        p.addIdentifier().setSystem(MARK).setValue(run + "-" + state);
        p.addName().setFamily("MATRIX").addGiven(state.name());
        String pid = create(p);
        patients.put(state, pid);
        put(pid, state, "identity");
        Reference subject = new Reference(pid);
        for (String kind : matrix.dataKinds()) {
            if (kind.equals("identity") || kind.equals("care-circle")) continue;
            for (DomainResource r : examplesOf(kind, subject)) put(create(r), state, kind);
        }
        if (state == State.OPPOSED) {
            Consent deny = consent(subject, Consent.ConsentProvisionType.DENY);
            put(create(deny), state, "consents");
        }
        // a circle for everyone, so that the CareTeam kind exists for each state
        String team = join(pid, "organization", "CIRCLE-" + run, "coordinator");
        put(team, state, "care-circle");
    }

    /**
     * One resource per match of the kind (type, category, profile: a kind split between types or a type split between
     * kinds is covered on each side), or the document of its type. A type outside the R4 Patient compartment (Task) has
     * no owner the hub can tell, so care callers never see one: it is left out rather than expected nowhere.
     */
    List<DomainResource> examplesOf(String kind, Reference subject) {
        if (kind.startsWith(AccessMatrix.DOCUMENT_PREFIX)) {
            String code = kind.substring(AccessMatrix.DOCUMENT_PREFIX.length());
            DocumentReference d = new DocumentReference();
            d.setStatus(org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus.CURRENT);
            d.getType().addCoding().setSystem("http://loinc.org").setCode(code.equals("default") ? "00000-0" : code);
            d.setSubject(subject);
            d.addContent().getAttachment().setContentType("text/plain").setData("x".getBytes());
            return List.of(d);
        }
        List<DomainResource> out = new ArrayList<>();
        for (AccessMatrix.Match m : matrix.matchesOf(kind)) {
            var inCompartment = FHIR.getResourceDefinition(m.type()).getSearchParamsForCompartmentName("Patient");
            if (inCompartment == null || inCompartment.isEmpty()) continue;
            out.add(resourceOf(kind, m, subject));
        }
        assertThat(out).as("fixture for kind " + kind).isNotEmpty();
        return out;
    }

    DomainResource resourceOf(String kind, AccessMatrix.Match m, Reference subject) {
        DomainResource r = switch (m.type()) {
            // planned: other tests of the shared hub count finished stays
            case "Encounter" -> new Encounter().setStatus(Encounter.EncounterStatus.PLANNED).setSubject(subject);
            case "EpisodeOfCare" -> new EpisodeOfCare().setPatient(subject);
            case "CarePlan" -> new CarePlan().setStatus(CarePlan.CarePlanStatus.ACTIVE).setIntent(CarePlan.CarePlanIntent.PLAN).setSubject(subject);
            case "Communication" -> new Communication().setStatus(Communication.CommunicationStatus.COMPLETED).setSubject(subject);
            case "Observation" -> {
                Observation o = new Observation().setStatus(Observation.ObservationStatus.FINAL).setSubject(subject);
                o.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
                yield o;
            }
            case "Flag" -> new Flag().setStatus(Flag.FlagStatus.ACTIVE).setSubject(subject);
            case "Goal" -> new Goal().setLifecycleStatus(Goal.GoalLifecycleStatus.ACTIVE).setSubject(subject)
                    .setDescription(new org.hl7.fhir.r4.model.CodeableConcept().setText("x"));
            case "Consent" -> consent(subject, Consent.ConsentProvisionType.PERMIT);
            default -> throw new IllegalStateException("fixture has no example for " + m.type() + " (kind " + kind + ")");
        };
        if (m.category() != null && r instanceof Communication c) c.addCategory().addCoding().setCode(m.category());
        if (m.profile() != null) r.getMeta().addProfile(m.profile());
        return r;
    }

    static Consent consent(Reference subject, Consent.ConsentProvisionType type) {
        Consent c = new Consent().setStatus(Consent.ConsentState.ACTIVE).setPatient(subject);
        c.getScope().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/consentscope").setCode("patient-privacy");
        c.addCategory().addCoding().setSystem("http://loinc.org").setCode("59284-0");
        c.getProvision().setType(type);
        return c;
    }

    void put(String ref, State state, String kind) {
        stateOf.put(ref, state);
        kindOf.put(ref, kind);
        types.add(ref.substring(0, ref.indexOf('/')));
    }

    String create(Resource r) throws Exception {
        HttpResponse<String> resp = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + "/fhir/" + r.fhirType()))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("admin:" + HubTestCommon.ADMIN_PASSWORD).getBytes()))
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(r))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(201);
        IParser parser = FHIR.newJsonParser();
        Resource created = (Resource) parser.parseResource(resp.body());
        return created.fhirType() + "/" + created.getIdElement().getIdPart();
    }

    /** Makes the caller of {@code role} a member of the MEMBER's and OPPOSED's circles, never the NON_MEMBER's. */
    void join(String role, String run) {
        String[] member = memberOf(role, run);
        for (State s : List.of(State.MEMBER, State.OPPOSED)) join(patients.get(s), member[0], member[1], role);
    }

    String join(String patientRef, String type, String id, String role) {
        var r = admin().postForEntity("/api/care-teams/" + patientRef.substring(8) + "/members",
                Map.of("type", type, "id", id, "role", role), Map.class);
        assertThat(r.getStatusCode().value()).as(String.valueOf(r.getBody())).isEqualTo(201);
        return (String) r.getBody().get("careTeam");
    }

    String[] memberOf(String role, String run) {
        return switch (matrix.roleType(role)) {
            case "profession" -> new String[] {"practitioner", rpps(role, run)};
            case "crt" -> new String[] {"organization", "CRT-" + role + "-" + run};
            default -> new String[] {"organization", partner(role).organisation().finess()};
        };
    }

    String tokenFor(String role, String run) {
        return switch (matrix.roleType(role)) {
            case "profession" -> TestTokens.token(TestTokens.professional(rpps(role, run), role, "FIN-" + role + "-" + run));
            case "crt" -> TestTokens.token(TestTokens.structureUser("user-" + role, role, "CRT-" + role + "-" + run));
            default -> TestTokens.token(TestTokens.partner(partner(role).inbound().oauth2ClientId()));
        };
    }

    static String rpps(String role, String run) {
        return "8" + role + "-" + run;
    }

    Connector partner(String kind) {
        return connectors.all().stream().filter(c -> kind.equals(c.kind()) && c.inbound().oauth2ClientId() != null)
                .findFirst().orElseThrow(() -> new AssertionError("no connector of kind " + kind + " with an oauth2ClientId"));
    }
}
