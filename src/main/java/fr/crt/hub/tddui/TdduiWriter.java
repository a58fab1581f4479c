package fr.crt.hub.tddui;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.model.DaoMethodOutcome;
import fr.crt.hub.access.CareCircle;
import fr.crt.hub.connector.Connector;
import fr.crt.hub.fhir.CanonicalRepository;
import fr.crt.hub.fhir.CanonicalWriter;
import fr.crt.hub.store.MessageStore;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/**
 * Maps a validated TDDUI Bundle into the canonical repository, all or nothing (the caller's transaction).
 *
 * <ul>
 *   <li>Patient: found by INS, else by the partner's local identifier qualified by the connector's
 *       {@code patientIdSystem} (the TDDUI local-identifier system is shared by every ESSMS, so it alone never
 *       matches); created when unknown (conditional create), else only completed (identifiers added, name, gender
 *       and birth date filled when absent: a DUI never overwrites identity traits).</li>
 *   <li>Other resources: conditional update on a hub identifier {@code urn:crt-hub:tddui:<connector>} whose value
 *       is the type and the partner's business identifier (else the id it sent, else a hash of the content) and the
 *       person, so a re-post updates in place, one partner can never touch another's resources and a resource
 *       never moves from one person to another.</li>
 *   <li>References between entries (relative {@code Type/id}, the entry's fullUrl) are rewritten to the stored
 *       resources; a relative reference to nothing in the bundle becomes an identifier reference (the partner's own
 *       reference kept as the value), since the hub has no such resource.</li>
 *   <li>The person each resource is about is its subject (patient, for) when that is a Patient of the bundle, else
 *       the bundle's only Patient (TDDUI examples leave Consent.patient and Task.for empty): it is then set.</li>
 *   <li>One Provenance per message naming the partner's organisation and the stored message; the partner's
 *       structure joins each person's care circle.</li>
 * </ul>
 */
@Component
public class TdduiWriter {

    public static final String HUB_ID_SYSTEM_PREFIX = "urn:crt-hub:tddui:";
    static final String UNRESOLVED_SYSTEM_PREFIX = "urn:crt-hub:tddui-unresolved:";
    static final String ACTIVITY_SYSTEM = "https://crt-hub.fr/fhir/CodeSystem/message-kind";

    private final CanonicalRepository repo;
    private final CareCircle circle;
    private final FhirContext ctx = FhirContext.forR4Cached();

    public TdduiWriter(CanonicalRepository repo, CareCircle circle) {
        this.repo = repo;
        this.circle = circle;
    }

    /** What one bundle did: the response entries in request order, and the persons touched. */
    public record Applied(Bundle response, List<String> patients, List<String> newOrChangedPatients, String provenance,
                          List<String> written) {}

    /** The persons a bundle is about, by entry index of each resource; no patient at all gives an empty plan. */
    record Plan(List<Integer> patients, Map<Integer, Integer> ownerOf) {
        boolean hasPatients() {
            return !patients.isEmpty();
        }
    }

    /**
     * Decides whose each resource is, before anything is written.
     *
     * @throws TdduiRejected 422 when a resource cannot be tied to one Patient of a bundle carrying several
     */
    Plan plan(Bundle bundle) {
        Map<String, Integer> keys = entryKeys(bundle);
        List<Integer> patients = new ArrayList<>();
        for (int i = 0; i < bundle.getEntry().size(); i++) {
            if (bundle.getEntry().get(i).getResource() instanceof Patient) patients.add(i);
        }
        Map<Integer, Integer> owner = new HashMap<>();
        List<TdduiRejected.Issue> issues = new ArrayList<>();
        for (int i = 0; i < bundle.getEntry().size(); i++) {
            Resource r = bundle.getEntry().get(i).getResource();
            if (r instanceof Patient || r instanceof Organization) continue; // a structure belongs to no one person
            Reference subject = subjectOf(r);
            Integer target = subject == null || !subject.hasReference() ? null : keys.get(normalise(subject.getReference()));
            if (target != null && patients.contains(target)) {
                owner.put(i, target);
            } else if (subject != null && subject.hasReference() && !patients.isEmpty()) {
                issues.add(new TdduiRejected.Issue(org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity.ERROR,
                        IssueType.NOTFOUND, "Bundle.entry[" + i + "].resource",
                        r.fhirType() + " is about a Patient that is not in the bundle"));
            } else if (patients.size() == 1) {
                owner.put(i, patients.get(0));
            } else if (patients.size() > 1) {
                issues.add(new TdduiRejected.Issue(org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity.ERROR,
                        IssueType.REQUIRED, "Bundle.entry[" + i + "].resource",
                        r.fhirType() + " does not say which of the bundle's Patients it is about"));
            }
        }
        if (!issues.isEmpty()) throw new TdduiRejected(422, issues, issues.size() + " resource(s) tied to no Patient");
        return new Plan(List.copyOf(patients), Map.copyOf(owner));
    }

    /** Applies {@code bundle} (validated, planned, allowed) received from {@code partner} as message {@code messageId}. */
    Applied apply(Bundle bundle, Plan plan, Connector partner, long messageId) {
        List<BundleEntryComponent> entries = bundle.getEntry();
        Bundle.BundleEntryComponent[] responses = new Bundle.BundleEntryComponent[entries.size()];
        Map<Integer, String> hubPatient = new HashMap<>();
        List<String> changedPatients = new ArrayList<>();
        List<String> written = new ArrayList<>();
        for (int i : plan.patients()) {
            PatientWrite w = upsertPatient((Patient) entries.get(i).getResource(), partner);
            hubPatient.put(i, w.ref());
            if (w.changed()) changedPatients.add(w.ref());
            written.add(w.versioned());
            responses[i] = responseEntry(w.created() ? "201 Created" : "200 OK", w.versioned());
        }

        // Everything else in one HAPI transaction: conditional updates, references rewritten to urn:uuid fullUrls.
        Map<String, Integer> keys = entryKeys(bundle);
        Map<Integer, String> uuidOf = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            if (!(entries.get(i).getResource() instanceof Patient)) uuidOf.put(i, "urn:uuid:" + UUID.randomUUID());
        }
        Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        List<Integer> txIndex = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (!uuidOf.containsKey(i)) continue;
            Resource r = entries.get(i).getResource().copy();
            Integer owner = plan.ownerOf().get(i);
            // scoped by person too: a partner's id reused for another person never moves a resource between persons
            String key = hubKey(r) + (owner == null ? "" : "@" + hubPatient.get(owner));
            r.setId((String) null);
            rewriteReferences(r, keys, uuidOf, hubPatient, partner);
            if (owner != null) setSubject(r, new Reference(hubPatient.get(owner)));
            Identifier hubId = new Identifier().setSystem(HUB_ID_SYSTEM_PREFIX + partner.id()).setValue(key);
            Identifier known = r instanceof Organization o ? businessIdentifier(o) : null;
            addIdentifier(r, hubId);
            if (known != null) {
                // directory data shared by every partner: one partner's copy never overwrites what the hub holds
                tx.addEntry().setFullUrl(uuidOf.get(i)).setResource(r).getRequest().setMethod(Bundle.HTTPVerb.POST)
                        .setUrl(r.fhirType()).setIfNoneExist("identifier=" + enc(known.getSystem()) + "|" + enc(known.getValue()));
            } else {
                tx.addEntry().setFullUrl(uuidOf.get(i)).setResource(r).getRequest().setMethod(Bundle.HTTPVerb.PUT)
                        .setUrl(r.fhirType() + "?identifier=" + enc(hubId.getSystem()) + "|" + enc(key));
            }
            txIndex.add(i);
        }
        if (!tx.getEntry().isEmpty()) {
            Bundle out = repo.transactionInCurrent(tx);
            for (int k = 0; k < txIndex.size(); k++) {
                Bundle.BundleEntryResponseComponent resp = out.getEntry().get(k).getResponse();
                responses[txIndex.get(k)] = responseEntry(resp.getStatus(), resp.getLocation());
                written.add(new IdType(resp.getLocation()).toUnqualified().getValue());
            }
        }

        Provenance p = provenance(partner, messageId, written);
        DaoMethodOutcome pOut = repo.create(p);
        String provenance = pOut.getId().toUnqualified().getValue();

        List<String> patients = plan.patients().stream().map(hubPatient::get).distinct().toList();
        String finess = partner.organisation() == null ? null : partner.organisation().finess();
        if (finess != null) {
            for (String ref : patients) {
                circle.join(ref, new CareCircle.Member("organization", finess, partner.kind(), null, null));
            }
        }

        Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        for (Bundle.BundleEntryComponent e : responses) response.addEntry(e);
        return new Applied(response, patients, changedPatients, provenance, written);
    }

    // ------------------------------------------------------------------ patients

    private record PatientWrite(String ref, String versioned, boolean created, boolean changed) {}

    private PatientWrite upsertPatient(Patient incoming, Connector partner) {
        String localSystem = partner.patientIdSystem() == null ? null : "urn:oid:" + partner.patientIdSystem();
        // identity first, as for PAM-FR: the INS of a partner the connector does not trust is neither used to find
        // the person nor kept; the identity check (INSi on the traits) gets it, or not, on its own
        boolean trustIns = partner.insPolicy() == null || partner.insPolicy().trustIns();
        boolean withheld = false;
        List<Identifier> ids = new ArrayList<>();
        for (Identifier id : incoming.getIdentifier()) {
            if (!id.hasValue()) continue;
            if (!trustIns && CanonicalWriter.INS_SYSTEMS.contains(id.getSystem())) {
                withheld = true;
                continue;
            }
            ids.add(id.copy());
            if (localSystem != null && !CanonicalWriter.INS_SYSTEMS.contains(id.getSystem())) {
                // qualified per partner: the value is only meaningful within this partner's DUI
                Identifier q = new Identifier().setSystem(localSystem).setValue(id.getValue());
                q.getType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v2-0203").setCode("PI");
                ids.add(q);
            }
        }
        Optional<Patient> found = find(ids, localSystem);
        if (found.isPresent()) {
            Patient target = found.get();
            boolean changed = false;
            for (Identifier id : ids) {
                if (target.getIdentifier().stream().noneMatch(t -> same(t, id))) {
                    target.addIdentifier(id);
                    changed = true;
                }
            }
            if (!target.hasName() && incoming.hasName()) { target.setName(incoming.copy().getName()); changed = true; }
            if (!target.hasGender() && incoming.hasGender()) { target.setGender(incoming.getGender()); changed = true; }
            if (!target.hasBirthDate() && incoming.hasBirthDate()) {
                target.setBirthDateElement(incoming.getBirthDateElement().copy());
                changed = true;
            }
            String ref = target.getIdElement().toUnqualifiedVersionless().getValue();
            if (!changed) return new PatientWrite(ref, target.getIdElement().toUnqualified().getValue(), false, false);
            DaoMethodOutcome out = repo.update(target);
            return new PatientWrite(ref, out.getId().toUnqualified().getValue(), false, true);
        }
        Patient created = incoming.copy();
        created.setId((String) null);
        created.setIdentifier(ids);
        if (withheld) {
            created.getMeta().addTag(fr.crt.hub.dui.FrCore.CS_HUB_INS_WITHHELD, "partner-not-trusted",
                    "INS not carried: the connector is configured not to trust this partner's INS");
        }
        created.setActive(true);
        Identifier match = ids.stream().filter(i -> CanonicalWriter.INS_SYSTEMS.contains(i.getSystem())).findFirst()
                .or(() -> ids.stream().filter(i -> Objects.equals(localSystem, i.getSystem())).findFirst())
                .orElseThrow(() -> new TdduiRejected(422, IssueType.REQUIRED, "Patient.identifier",
                        "the Patient carries neither an INS nor a local identifier"));
        DaoMethodOutcome out = repo.create(created, "Patient?identifier=" + enc(match.getSystem()) + "|" + enc(match.getValue()));
        if (!Boolean.TRUE.equals(out.getCreated())) {
            throw new IllegalStateException("Patient created concurrently; rolling back");
        }
        return new PatientWrite(out.getId().toUnqualifiedVersionless().getValue(), out.getId().toUnqualified().getValue(),
                true, true);
    }

    private Optional<Patient> find(List<Identifier> ids, String localSystem) {
        for (Identifier id : ids) {
            if (CanonicalWriter.INS_SYSTEMS.contains(id.getSystem())) {
                Optional<Patient> p = active(repo.searchPatientsByIdentifier(id.getSystem(), id.getValue()));
                if (p.isPresent()) return p;
            }
        }
        for (Identifier id : ids) {
            if (localSystem != null && localSystem.equals(id.getSystem())) {
                Optional<Patient> p = active(repo.searchPatientsByIdentifier(id.getSystem(), id.getValue()));
                if (p.isPresent()) return p;
            }
        }
        return Optional.empty();
    }

    private static Optional<Patient> active(List<Patient> found) {
        return found.stream().filter(p -> !p.hasActive() || p.getActive()).findFirst();
    }

    // ------------------------------------------------------------------ references

    /** Keys under which an entry can be referenced: its fullUrl, {@code Type/id} of its fullUrl and of its id. */
    static Map<String, Integer> entryKeys(Bundle bundle) {
        Map<String, Integer> keys = new HashMap<>();
        for (int i = 0; i < bundle.getEntry().size(); i++) {
            BundleEntryComponent e = bundle.getEntry().get(i);
            Resource r = e.getResource();
            if (r == null) continue;
            if (e.hasFullUrl()) {
                keys.put(e.getFullUrl(), i);
                IdType full = new IdType(e.getFullUrl());
                if (full.hasResourceType() && full.hasIdPart()) keys.putIfAbsent(full.getResourceType() + "/" + full.getIdPart(), i);
            }
            if (r.getIdElement().hasIdPart()) keys.putIfAbsent(r.fhirType() + "/" + r.getIdElement().getIdPart(), i);
        }
        return keys;
    }

    /** A reference as the key it may match: versionless; absolute URLs kept whole as well as their {@code Type/id}. */
    static String normalise(String ref) {
        if (ref == null) return null;
        int h = ref.indexOf("/_history/");
        return h >= 0 ? ref.substring(0, h) : ref;
    }

    private void rewriteReferences(Resource r, Map<String, Integer> keys, Map<Integer, String> uuidOf,
                                   Map<Integer, String> hubPatient, Connector partner) {
        for (Reference ref : ctx.newTerser().getAllPopulatedChildElementsOfType(r, Reference.class)) {
            if (!ref.hasReference()) continue;
            String value = normalise(ref.getReference());
            if (value.startsWith("#")) continue;
            Integer target = keys.get(value);
            if (target == null && value.matches("https?://.*")) {
                IdType abs = new IdType(value);
                if (abs.hasResourceType() && abs.hasIdPart()) target = keys.get(abs.getResourceType() + "/" + abs.getIdPart());
                if (target == null) continue; // an external absolute reference: kept (allowed by the repository)
            }
            if (target != null) {
                ref.setReference(hubPatient.containsKey(target) ? hubPatient.get(target) : uuidOf.get(target));
            } else {
                // a partner-local resource the hub does not hold: kept as what it is, an identifier of the partner's
                IdType rel = new IdType(value);
                ref.setReference(null);
                if (rel.hasResourceType()) ref.setType(rel.getResourceType());
                ref.setIdentifier(new Identifier().setSystem(UNRESOLVED_SYSTEM_PREFIX + partner.id()).setValue(value));
            }
        }
    }

    /** The structure's own identifier (FINESS, SIRET…), as sent: how the hub knows it is the same structure. */
    private static Identifier businessIdentifier(Organization o) {
        return o.getIdentifier().stream().filter(i -> i.hasSystem() && i.hasValue()
                && !i.getSystem().startsWith(HUB_ID_SYSTEM_PREFIX)).findFirst().orElse(null);
    }

    private static Reference subjectOf(Resource r) {
        if (r instanceof Encounter e) return e.hasSubject() ? e.getSubject() : null;
        if (r instanceof CarePlan c) return c.hasSubject() ? c.getSubject() : null;
        if (r instanceof Goal g) return g.hasSubject() ? g.getSubject() : null;
        if (r instanceof Task t) return t.hasFor() ? t.getFor() : null;
        if (r instanceof Consent c) return c.hasPatient() ? c.getPatient() : null;
        if (r instanceof DocumentReference d) return d.hasSubject() ? d.getSubject() : null;
        return null;
    }

    private static void setSubject(Resource r, Reference patient) {
        if (r instanceof Encounter e) e.setSubject(patient);
        else if (r instanceof CarePlan c) c.setSubject(patient);
        else if (r instanceof Goal g) g.setSubject(patient);
        else if (r instanceof Task t) t.setFor(patient);
        else if (r instanceof Consent c) c.setPatient(patient);
        else if (r instanceof DocumentReference d) d.setSubject(patient);
    }

    // ------------------------------------------------------------------ identity of non-Patient resources

    /** The partner's business key of a resource: type and identifier, else the id it sent, else a content hash. */
    private String hubKey(Resource r) {
        String business = null;
        if (r instanceof DocumentReference d && d.hasMasterIdentifier() && d.getMasterIdentifier().hasValue()) {
            business = d.getMasterIdentifier().getValue();
        }
        if (business == null) {
            for (Identifier id : identifiers(r)) {
                if (id.hasValue() && id.hasSystem() && !id.getSystem().startsWith(HUB_ID_SYSTEM_PREFIX)) {
                    business = id.getSystem() + "#" + id.getValue();
                    break;
                }
            }
        }
        if (business == null && r.getIdElement().hasIdPart()) business = "id:" + r.getIdElement().getIdPart();
        if (business == null) {
            Resource c = r.copy();
            c.setId((String) null);
            business = "sha256:" + MessageStore.sha256(ctx.newJsonParser().encodeResourceToString(c).getBytes(StandardCharsets.UTF_8));
        }
        return r.fhirType() + "/" + business;
    }

    private static List<Identifier> identifiers(Resource r) {
        if (r instanceof Encounter e) return e.getIdentifier();
        if (r instanceof Organization o) return o.getIdentifier();
        if (r instanceof CarePlan c) return c.getIdentifier();
        if (r instanceof Goal g) return g.getIdentifier();
        if (r instanceof Task t) return t.getIdentifier();
        if (r instanceof Consent c) return c.getIdentifier();
        if (r instanceof DocumentReference d) return d.getIdentifier();
        return List.of();
    }

    private static void addIdentifier(Resource r, Identifier id) {
        if (r instanceof Encounter e) e.addIdentifier(id);
        else if (r instanceof Organization o) o.addIdentifier(id);
        else if (r instanceof CarePlan c) c.addIdentifier(id);
        else if (r instanceof Goal g) g.addIdentifier(id);
        else if (r instanceof Task t) t.addIdentifier(id);
        else if (r instanceof Consent c) c.addIdentifier(id);
        else if (r instanceof DocumentReference d) d.addIdentifier(id);
        else throw new TdduiRejected(422, IssueType.NOTSUPPORTED, r.fhirType(), r.fhirType() + " is not mapped by the hub");
    }

    // ------------------------------------------------------------------ provenance and response

    private static Provenance provenance(Connector partner, long messageId, List<String> written) {
        Provenance p = new Provenance();
        String key = String.valueOf(messageId);
        p.getMeta().addTag(CanonicalWriter.MESSAGE_SYSTEM, key, null);
        Set<String> targets = new LinkedHashSet<>(written);
        targets.forEach(t -> p.addTarget(new Reference(t)));
        p.setRecorded(new Date());
        p.getActivity().addCoding().setSystem(ACTIVITY_SYSTEM).setCode("TDDUI");
        Reference org = new Reference();
        if (partner.organisation() != null) {
            org.setIdentifier(new Identifier().setSystem(CanonicalWriter.FINESS_SYSTEM).setValue(partner.organisation().finess()));
            org.setDisplay(partner.organisation().name());
        } else {
            org.setDisplay(partner.displayName());
        }
        Provenance.ProvenanceAgentComponent agent = p.addAgent().setWho(org);
        agent.addExtension(new Extension(CanonicalWriter.CONNECTOR_ID_URL, new StringType(partner.id())));
        agent.getType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/provenance-participant-type").setCode("author");
        p.addEntity().setRole(Provenance.ProvenanceEntityRole.SOURCE).setWhat(new Reference()
                .setIdentifier(new Identifier().setSystem(CanonicalWriter.MESSAGE_SYSTEM).setValue(key))
                .setDisplay("TDDUI transaction Bundle"));
        return p;
    }

    private static BundleEntryComponent responseEntry(String status, String location) {
        BundleEntryComponent e = new BundleEntryComponent();
        e.getResponse().setStatus(status).setLocation(location);
        IdType id = new IdType(location);
        if (id.hasVersionIdPart()) e.getResponse().setEtag("W/\"" + id.getVersionIdPart() + "\"");
        return e;
    }

    private static boolean same(Identifier a, Identifier b) {
        return Objects.equals(a.getSystem(), b.getSystem()) && Objects.equals(a.getValue(), b.getValue());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
