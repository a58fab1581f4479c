package fr.crt.hub.fhir;

import ca.uhn.fhir.jpa.api.model.DaoMethodOutcome;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.param.ReferenceParam;
import fr.crt.hub.connector.Connector;
import fr.crt.hub.dui.AdtMapping;
import fr.crt.hub.identity.IdentityFhir;
import fr.crt.hub.identity.LocalTraits;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Encounter.EncounterLocationComponent;
import org.hl7.fhir.r4.model.Encounter.EncounterLocationStatus;
import org.hl7.fhir.r4.model.Encounter.EncounterStatus;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Patient.LinkType;
import org.hl7.fhir.r4.model.Patient.PatientLinkComponent;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Applies one mapped ADT message ({@link AdtMapping}) to the canonical repository: resolves the person, upserts
 * the Patient and the stay, applies the movement, merges (A40) or re-identifies (A47), and records a Provenance.
 *
 * <p>Why one class with one transaction: the queue delivers at least once, so applying a message must be atomic
 * (all or nothing) and idempotent. The Provenance tagged with the source message id is the idempotency key:
 * if it exists, the message was applied and the recorded result is returned without writing anything. Creates
 * are conditional on business identifiers, so concurrent deliveries cannot create duplicates either.
 *
 * <p>Contract with the mapper: the stay is identified by its first identifier with a system (visit number); the
 * location of a movement is the mapped encounter's location entry carrying the movement id extension, else its
 * last entry. A movement without any location entry changes status/period only.
 */
@Service
public class CanonicalWriter {

    private static final Logger LOG = LoggerFactory.getLogger(CanonicalWriter.class);

    /** INS systems: NIR, NIA, and the test NIR/NIA OIDs. */
    public static final Set<String> INS_SYSTEMS = Set.of(
            "urn:oid:1.2.250.1.213.1.4.8", "urn:oid:1.2.250.1.213.1.4.9",
            "urn:oid:1.2.250.1.213.1.4.10", "urn:oid:1.2.250.1.213.1.4.11");
    public static final String FINESS_SYSTEM = "urn:oid:1.2.250.1.71.4.2.2";
    public static final String MESSAGE_SYSTEM = "urn:crt-hub:message";
    public static final String MOVEMENT_ID_URL = "https://crt-hub.fr/fhir/StructureDefinition/movement-id";
    public static final String CONTROL_ID_URL = "https://crt-hub.fr/fhir/StructureDefinition/message-control-id";
    public static final String CONNECTOR_ID_URL = "https://crt-hub.fr/fhir/StructureDefinition/connector-id";
    static final String V2_EVENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0003";

    private final CanonicalRepository repo;
    private final org.springframework.context.ApplicationEventPublisher events;

    public CanonicalWriter(CanonicalRepository repo, org.springframework.context.ApplicationEventPublisher events) {
        this.repo = repo;
        this.events = events;
    }

    /**
     * Applies {@code m} received from {@code partner} as message {@code sourceMessageId} (MSH-10 {@code controlId}).
     * Effectively once: a second call with the same {@code sourceMessageId} writes nothing and returns the first
     * result with {@code replayed = true}.
     */
    @Transactional(transactionManager = "transactionManager")
    public WriteResult apply(AdtMapping m, Connector partner, long sourceMessageId, String controlId) {
        Objects.requireNonNull(m, "mapping");
        Objects.requireNonNull(m.patient(), "mapping.patient");
        Objects.requireNonNull(partner, "partner");
        String messageKey = String.valueOf(sourceMessageId);

        List<Provenance> previous = repo.searchProvenanceByTag(MESSAGE_SYSTEM, messageKey);
        if (!previous.isEmpty()) {
            LOG.info("Message {} from {} already applied, skipping", sourceMessageId, partner.id());
            WriteResult done = fromProvenance(previous.get(0));
            // again: the first publication may have been lost with a crash before the queue was acknowledged
            if (done.patientId() != null) {
                events.publishEvent(new CanonicalChanged(done.patientId(), partner.id(), sourceMessageId,
                        mergedBy(previous.get(0), done.patientId())));
            }
            return done;
        }

        Written written = new Written();
        String ippSystem = partner.patientIdSystem() == null ? null : "urn:oid:" + partner.patientIdSystem();
        String trigger = m.trigger() == null ? "" : m.trigger().toUpperCase(Locale.ROOT);
        Patient patient = switch (trigger) {
            case "A40" -> merge(m, ippSystem, written);
            case "A47" -> changeIdentifier(m, ippSystem, written);
            default -> upsertPatient(m.patient(), ippSystem, Set.of(), null, written);
        };
        if (m.encounter() != null) {
            applyEncounter(m, patient, written);
        }

        Provenance provenance = provenance(m, partner, messageKey, controlId, written);
        DaoMethodOutcome out = repo.create(provenance,
                "Provenance?" + "_tag=" + MESSAGE_SYSTEM + "|" + messageKey);
        if (!Boolean.TRUE.equals(out.getCreated())) {
            // Another delivery of the same message committed meanwhile: roll back ours, the retry will replay.
            throw new IllegalStateException("Message " + sourceMessageId + " applied concurrently; rolling back");
        }
        if (AdmissionApplied.TRIGGERS.contains(trigger)) {
            // Same transaction: the person is never stored without the admitting structure in their care circle.
            events.publishEvent(new AdmissionApplied(versionless(patient.getIdElement()), partner, trigger));
        }
        // listeners acting outside the hub (fr.crt.hub.outbound) run after the commit
        events.publishEvent(new CanonicalChanged(versionless(patient.getIdElement()), partner.id(), sourceMessageId,
                written.mergedRef));
        LOG.info("Message {} from {} applied: {} resource(s) written", sourceMessageId, partner.id(), written.size());
        return new WriteResult(versionless(patient.getIdElement()), written.ids(),
                out.getId().getValue(), false);
    }

    // ---------------------------------------------------------------- patients

    /**
     * Finds the stored patient for {@code incoming} (INS first, then the partner IPP, following replaced-by links),
     * merges the message into it and saves it; creates it when unknown. {@code beforeSave} lets a caller add links.
     */
    private Patient upsertPatient(Patient incoming, String ippSystem, Set<String> excluded,
                                  java.util.function.Consumer<Patient> beforeSave, Written written) {
        Optional<Patient> found = resolve(incoming.getIdentifier(), ippSystem, excluded);
        Patient target;
        if (found.isPresent()) {
            target = found.get();
            mergeDemographics(target, incoming);
        } else {
            target = incoming.copy();
            target.setId((String) null);
            target.setActive(true);
        }
        if (beforeSave != null) {
            beforeSave.accept(target);
        }
        return save(target, found.isEmpty() ? matchUrl("Patient", preferredIdentifier(incoming, ippSystem)) : null,
                written);
    }

    private Optional<Patient> resolve(List<Identifier> identifiers, String ippSystem, Set<String> excluded) {
        for (Identifier id : identifiers) {
            if (id.hasValue() && INS_SYSTEMS.contains(id.getSystem())) {
                Optional<Patient> p = findActive(id.getSystem(), id.getValue(), excluded);
                if (p.isPresent()) {
                    return p;
                }
            }
        }
        for (Identifier id : identifiers) {
            if (id.hasValue() && ippSystem != null && ippSystem.equals(id.getSystem())) {
                Optional<Patient> p = findActive(id.getSystem(), id.getValue(), excluded);
                if (p.isPresent()) {
                    return p;
                }
            }
        }
        return Optional.empty();
    }

    /** Patient holding the identifier, or the survivor it was merged into. */
    private Optional<Patient> findActive(String system, String value, Set<String> excluded) {
        List<Patient> matches = repo.searchPatientsByIdentifier(system, value).stream()
                .filter(p -> !excluded.contains(versionless(p.getIdElement())))
                .toList();
        if (matches.size() > 1) {
            LOG.warn("{} patients share identifier system {}: taking the first", matches.size(), system);
        }
        if (matches.isEmpty()) {
            return Optional.empty();
        }
        Patient p = matches.get(0);
        for (int hops = 0; hops < 5 && !p.getActive(); hops++) {
            Optional<Reference> next = p.getLink().stream()
                    .filter(l -> l.getType() == LinkType.REPLACEDBY && l.getOther().hasReference())
                    .map(PatientLinkComponent::getOther).findFirst();
            if (next.isEmpty() || excluded.contains(next.get().getReference())) {
                break;
            }
            p = repo.read(Patient.class, new org.hl7.fhir.r4.model.IdType(next.get().getReference()));
        }
        return Optional.of(p);
    }

    /**
     * The stored identity status to keep when a partner's message is merged, or null to take the partner's.
     *
     * <p>Why: RECUP (an INSi answer matched) and QUAL (a person checked an identity document) are established by the
     * hub, never by a partner's PID-32, which only knows PROV or VALI. A routine A08/A31 carrying the same traits
     * must not silently undo them. When the partner changes a trait, or flags the identity (doubtful, fictitious…),
     * its status applies: the INS no longer vouches for the new traits, and vigilance looks at it again.
     */
    private static List<Extension> hubEstablishedStatus(Patient target, Patient incoming) {
        Set<String> stored = IdentityFhir.statuses(target);
        if (!stored.contains(IdentityFhir.RECUP) && !stored.contains(IdentityFhir.QUAL)) {
            return null;
        }
        if (IdentityFhir.insForbidden(incoming) || !LocalTraits.from(target).equals(LocalTraits.from(incoming))) {
            return null;
        }
        return copyList(target.getExtensionsByUrl(IdentityFhir.EXT_IDENTITY_RELIABILITY));
    }

    private static void mergeDemographics(Patient target, Patient incoming) {
        List<Extension> hubStatus = hubEstablishedStatus(target, incoming);
        if (incoming.hasName()) {
            target.setName(copyList(incoming.getName()));
        }
        if (incoming.hasBirthDate()) {
            target.setBirthDateElement(incoming.getBirthDateElement().copy());
        }
        if (incoming.hasGender()) {
            target.setGender(incoming.getGender());
        }
        if (incoming.hasExtension()) {
            target.setExtension(copyList(incoming.getExtension()));
        }
        if (hubStatus != null) {
            target.getExtension().removeIf(e -> IdentityFhir.EXT_IDENTITY_RELIABILITY.equals(e.getUrl()));
            target.getExtension().addAll(0, hubStatus);
        }
        if (incoming.hasTelecom()) {
            target.setTelecom(copyList(incoming.getTelecom()));
        }
        if (incoming.hasAddress()) {
            target.setAddress(copyList(incoming.getAddress()));
        }
        if (incoming.hasDeceased()) {
            target.setDeceased(incoming.getDeceased().copy());
        }
        if (incoming.hasMaritalStatus()) {
            target.setMaritalStatus(incoming.getMaritalStatus().copy());
        }
        for (CanonicalType profile : incoming.getMeta().getProfile()) {
            if (!target.getMeta().hasProfile(profile.getValue())) {
                target.getMeta().addProfile(profile.getValue());
            }
        }
        unionIdentifiers(target.getIdentifier(), incoming.getIdentifier());
    }

    /** Adds incoming identifiers; one with the same system and value replaces the stored one (type, status...). */
    private static void unionIdentifiers(List<Identifier> stored, List<Identifier> incoming) {
        for (Identifier in : incoming) {
            boolean replaced = false;
            for (int i = 0; i < stored.size(); i++) {
                if (sameIdentifier(stored.get(i), in)) {
                    stored.set(i, in.copy());
                    replaced = true;
                    break;
                }
            }
            if (!replaced) {
                stored.add(in.copy());
            }
        }
    }

    /** A40: the patient named by MRG-1 is deactivated and linked to the survivor; its stays move to the survivor. */
    private Patient merge(AdtMapping m, String ippSystem, Written written) {
        Optional<Patient> old = findHolder(m.priorIdentifiers(), ippSystem);
        Set<String> excluded = old.map(p -> Set.of(versionless(p.getIdElement()))).orElse(Set.of());
        Patient survivor = upsertPatient(m.patient(), ippSystem, excluded,
                s -> old.ifPresent(o -> linkReplaces(s, versionless(o.getIdElement()))), written);
        if (old.isEmpty()) {
            LOG.warn("A40: patient to merge away not found; survivor updated only");
            return survivor;
        }
        retire(old.get(), versionless(survivor.getIdElement()), written);
        return survivor;
    }

    /**
     * Merges Patient {@code mergedId} into {@code survivorId} the way an A40 does (survivor "replaces" link, merged
     * Patient deactivated with a "replaced-by" link, its stays moved to the survivor), for a merge a person decided
     * (identity vigilance task). Returns the resources written, versioned.
     */
    @Transactional(transactionManager = "transactionManager")
    public List<String> mergePatients(IIdType survivorId, IIdType mergedId) {
        Written written = new Written();
        Patient survivor = repo.read(Patient.class, survivorId);
        Patient merged = repo.read(Patient.class, mergedId);
        linkReplaces(survivor, versionless(merged.getIdElement()));
        save(survivor, null, written);
        retire(merged, versionless(survivor.getIdElement()), written);
        // the hub itself made this change (no origin partner, no source message): every partner may be told
        events.publishEvent(new CanonicalChanged(versionless(survivor.getIdElement()), null, null, written.mergedRef));
        LOG.info("Patient merge decided by a person: {} resource(s) written", written.size());
        return written.ids();
    }

    private static void linkReplaces(Patient survivor, String oldRef) {
        boolean linked = survivor.getLink().stream()
                .anyMatch(l -> l.getType() == LinkType.REPLACES && oldRef.equals(l.getOther().getReference()));
        if (!linked) {
            survivor.addLink().setType(LinkType.REPLACES).setOther(new Reference(oldRef));
        }
    }

    /**
     * The merged-away side of a merge: inactive, replaced-by the survivor, its stays, its Consents (oppositions are
     * the person's, whichever record they were recorded on) and its care circle moved.
     */
    private void retire(Patient o, String survivorRef, Written written) {
        written.mergedRef = versionless(o.getIdElement());
        o.setActive(false);
        o.getLink().removeIf(l -> l.getType() == LinkType.REPLACEDBY);
        o.addLink().setType(LinkType.REPLACEDBY).setOther(new Reference(survivorRef));
        save(o, null, written);
        for (Encounter e : repo.searchEncountersBySubject(o.getIdElement())) {
            e.setSubject(new Reference(survivorRef));
            save(e, null, written);
        }
        for (Consent c : repo.search(Consent.class, SearchParameterMap.newSynchronous(Consent.SP_PATIENT,
                new ReferenceParam(versionless(o.getIdElement()))))) {
            c.setPatient(new Reference(survivorRef));
            save(c, null, written);
        }
        events.publishEvent(new PatientsMerged(survivorRef, versionless(o.getIdElement())));
    }

    /** A47: the identifier named by MRG-1 is replaced, on the patient holding it, by the new one of the same system. */
    private Patient changeIdentifier(AdtMapping m, String ippSystem, Written written) {
        Optional<Patient> holder = findHolder(m.priorIdentifiers(), ippSystem);
        if (holder.isEmpty()) {
            LOG.warn("A47: no patient holds the prior identifier; resolving by the new identifiers");
            return upsertPatient(m.patient(), ippSystem, Set.of(), null, written);
        }
        Patient p = holder.get();
        for (Identifier prior : priorIdentifiers(m, ippSystem)) {
            p.getIdentifier().removeIf(i -> sameIdentifier(i, prior));
        }
        mergeDemographics(p, m.patient());
        return save(p, null, written);
    }

    private Optional<Patient> findHolder(List<Identifier> prior, String ippSystem) {
        for (Identifier id : priorIdentifiers(prior, ippSystem)) {
            List<Patient> found = repo.searchPatientsByIdentifier(id.getSystem(), id.getValue());
            if (!found.isEmpty()) {
                return Optional.of(found.get(0));
            }
        }
        return Optional.empty();
    }

    private static List<Identifier> priorIdentifiers(AdtMapping m, String ippSystem) {
        return priorIdentifiers(m.priorIdentifiers(), ippSystem);
    }

    /** MRG-1 without an assigning authority is taken as the partner's IPP. */
    private static List<Identifier> priorIdentifiers(List<Identifier> prior, String ippSystem) {
        List<Identifier> out = new ArrayList<>();
        if (prior == null) {
            return out;
        }
        for (Identifier id : prior) {
            if (id.hasValue()) {
                Identifier c = id.copy();
                if (!c.hasSystem()) {
                    c.setSystem(ippSystem);
                }
                out.add(c);
            }
        }
        return out;
    }

    private static Identifier preferredIdentifier(Patient p, String ippSystem) {
        for (Identifier id : p.getIdentifier()) {
            if (id.hasValue() && INS_SYSTEMS.contains(id.getSystem())) {
                return id;
            }
        }
        for (Identifier id : p.getIdentifier()) {
            if (id.hasValue() && ippSystem != null && ippSystem.equals(id.getSystem())) {
                return id;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- encounters

    private void applyEncounter(AdtMapping m, Patient patient, Written written) {
        Encounter incoming = m.encounter();
        AdtMapping.Movement mov = m.movement();
        String action = mov == null || mov.action() == null ? "INSERT" : mov.action().toUpperCase(Locale.ROOT);
        Identifier visit = incoming.getIdentifier().stream()
                .filter(i -> i.hasSystem() && i.hasValue()).findFirst().orElse(null);
        Optional<Encounter> found = visit == null ? Optional.empty()
                : repo.findEncounterByIdentifier(visit.getSystem(), visit.getValue());

        Encounter target;
        if (found.isPresent()) {
            target = found.get();
            unionIdentifiers(target.getIdentifier(), incoming.getIdentifier());
            if (!"CANCEL".equals(action)) {
                mergeStay(target, incoming);
            }
        } else {
            if ("CANCEL".equals(action)) {
                LOG.warn("Cancel of a movement on an unknown stay: nothing to revert");
                return;
            }
            target = incoming.copy();
            target.setId((String) null);
            if (mov != null) {
                target.setLocation(new ArrayList<>());
            }
        }
        target.setSubject(new Reference(versionless(patient.getIdElement())));
        if (mov != null) {
            applyMovement(target, incoming, mov, action, cancelledEvent(m.trigger(), mov.originalTrigger()));
        }
        save(target, found.isEmpty() ? matchUrl("Encounter", visit) : null, written);
    }

    private static void mergeStay(Encounter target, Encounter incoming) {
        if (incoming.hasStatus()) {
            target.setStatus(incoming.getStatus());
        }
        if (incoming.hasClass_()) {
            target.setClass_(incoming.getClass_().copy());
        }
        if (incoming.hasType()) {
            target.setType(copyList(incoming.getType()));
        }
        if (incoming.hasPeriod()) {
            if (incoming.getPeriod().hasStart()) {
                target.getPeriod().setStartElement(incoming.getPeriod().getStartElement().copy());
            }
            if (incoming.getPeriod().hasEnd()) {
                target.getPeriod().setEndElement(incoming.getPeriod().getEndElement().copy());
            }
        }
        if (incoming.hasServiceProvider()) {
            target.setServiceProvider(incoming.getServiceProvider().copy());
        }
        if (incoming.hasHospitalization()) {
            target.setHospitalization(incoming.getHospitalization().copy());
        }
        if (incoming.hasParticipant()) {
            target.setParticipant(copyList(incoming.getParticipant()));
        }
        if (incoming.hasExtension()) {
            target.setExtension(copyList(incoming.getExtension()));
        }
    }

    private static void applyMovement(Encounter target, Encounter incoming, AdtMapping.Movement mov, String action,
                                      String cancelled) {
        String movementId = mov.id();
        List<EncounterLocationComponent> locations = target.getLocation();
        int existing = indexOfMovement(locations, movementId);
        switch (action) {
            case "CANCEL" -> {
                if (existing >= 0) {
                    locations.remove(existing);
                }
                switch (cancelled) {
                    case "A01", "A04", "A05", "A14" -> target.setStatus(EncounterStatus.CANCELLED);
                    case "A03" -> {
                        target.setStatus(EncounterStatus.INPROGRESS);
                        if (target.hasPeriod()) {
                            target.getPeriod().setEndElement(null);
                        }
                        reopenLast(locations);
                    }
                    case "A02" -> reopenLast(locations);
                    default -> { /* cancelling the movement is removing it */ }
                }
            }
            case "UPDATE" -> {
                EncounterLocationComponent entry = movementEntry(incoming, mov);
                if (entry != null) {
                    if (existing >= 0) {
                        locations.set(existing, entry);
                    } else {
                        appendMovement(locations, entry, mov);
                    }
                }
            }
            default -> { // INSERT
                if (existing < 0) {
                    EncounterLocationComponent entry = movementEntry(incoming, mov);
                    if (entry != null) {
                        appendMovement(locations, entry, mov);
                    }
                }
            }
        }
    }

    /** The location of the movement as the message gives it, stamped with the movement id and time. */
    private static EncounterLocationComponent movementEntry(Encounter incoming, AdtMapping.Movement mov) {
        List<EncounterLocationComponent> given = incoming.getLocation();
        int i = indexOfMovement(given, mov.id());
        if (i < 0 && given.isEmpty()) {
            return null;
        }
        EncounterLocationComponent entry = given.get(i >= 0 ? i : given.size() - 1).copy();
        entry.getExtension().removeIf(e -> MOVEMENT_ID_URL.equals(e.getUrl()));
        entry.addExtension(new Extension(MOVEMENT_ID_URL, new StringType(mov.id())));
        if (!entry.getPeriod().hasStart() && mov.time() != null) {
            entry.getPeriod().setStart(mov.time());
        }
        if (!entry.hasStatus()) {
            entry.setStatus(EncounterLocationStatus.ACTIVE);
        }
        return entry;
    }

    /** A new current location closes the previous current one. */
    private static void appendMovement(List<EncounterLocationComponent> locations, EncounterLocationComponent entry,
                                       AdtMapping.Movement mov) {
        Date at = mov.time() != null ? mov.time() : entry.getPeriod().getStart();
        for (EncounterLocationComponent l : locations) {
            if (l.getStatus() == EncounterLocationStatus.ACTIVE) {
                l.setStatus(EncounterLocationStatus.COMPLETED);
                if (!l.getPeriod().hasEnd() && at != null) {
                    l.getPeriod().setEnd(at);
                }
            }
        }
        locations.add(entry);
    }

    private static void reopenLast(List<EncounterLocationComponent> locations) {
        if (!locations.isEmpty()) {
            EncounterLocationComponent last = locations.get(locations.size() - 1);
            last.setStatus(EncounterLocationStatus.ACTIVE);
            last.getPeriod().setEndElement(null);
        }
    }

    private static int indexOfMovement(List<EncounterLocationComponent> locations, String movementId) {
        if (movementId == null) {
            return -1;
        }
        for (int i = 0; i < locations.size(); i++) {
            Extension e = locations.get(i).getExtensionByUrl(MOVEMENT_ID_URL);
            if (e != null && e.getValue() != null && movementId.equals(e.getValue().primitiveValue())) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The event a cancel reverts: ZBE-6 (original trigger) when given, else deduced from the cancel event
     * (A11 admit, A12 transfer, A13 discharge, A38 pre-admit, A27 pending admit).
     */
    static String cancelledEvent(String trigger, String originalTrigger) {
        if (originalTrigger != null && !originalTrigger.isBlank()) {
            String o = originalTrigger.toUpperCase(Locale.ROOT);
            // some senders put the cancel event itself in ZBE-6
            return switch (o) {
                case "A11", "A12", "A13", "A38", "A27" -> cancelledEvent(o, null);
                default -> o;
            };
        }
        return switch (trigger == null ? "" : trigger.toUpperCase(Locale.ROOT)) {
            case "A11" -> "A01";
            case "A12" -> "A02";
            case "A13" -> "A03";
            case "A38" -> "A05";
            case "A27" -> "A14";
            default -> "";
        };
    }

    // ---------------------------------------------------------------- provenance

    private static Provenance provenance(AdtMapping m, Connector partner, String messageKey, String controlId,
                                         Written written) {
        Provenance p = new Provenance();
        p.getMeta().addTag(MESSAGE_SYSTEM, messageKey, null);
        for (String id : written.ids()) {
            p.addTarget(new Reference(id));
        }
        p.setRecorded(new Date());
        if (m.movement() != null && m.movement().time() != null) {
            p.setOccurred(new org.hl7.fhir.r4.model.DateTimeType(m.movement().time()));
        }
        if (m.trigger() != null) {
            p.getActivity().addCoding().setSystem(V2_EVENT_SYSTEM).setCode(m.trigger());
        }
        Reference org = new Reference();
        if (partner.organisation() != null) {
            org.setIdentifier(new Identifier().setSystem(FINESS_SYSTEM).setValue(partner.organisation().finess()));
            org.setDisplay(partner.organisation().name());
        } else {
            org.setDisplay(partner.displayName());
        }
        Provenance.ProvenanceAgentComponent agent = p.addAgent().setWho(org);
        agent.addExtension(new Extension(CONNECTOR_ID_URL, new StringType(partner.id())));
        agent.getType().addCoding()
                .setSystem("http://terminology.hl7.org/CodeSystem/provenance-participant-type").setCode("author");
        p.addEntity().setRole(Provenance.ProvenanceEntityRole.SOURCE)
                .setWhat(new Reference()
                        .setIdentifier(new Identifier().setSystem(MESSAGE_SYSTEM).setValue(messageKey))
                        .setDisplay("HL7 v2 ADT^" + m.trigger()));
        if (controlId != null) {
            p.addExtension(new Extension(CONTROL_ID_URL, new StringType(controlId)));
        }
        return p;
    }

    /**
     * The record an already-applied A40 merged away, from its Provenance (targets: the survivor first, then the
     * merged-away Patient); null for any other message, or an A40 that found nothing to merge.
     */
    private static String mergedBy(Provenance p, String survivorRef) {
        if (!"A40".equalsIgnoreCase(p.getActivity().getCodingFirstRep().getCode())) return null;
        return p.getTarget().stream().map(Reference::getReference).filter(r -> r != null && r.startsWith("Patient/"))
                .map(r -> new org.hl7.fhir.r4.model.IdType(r).toUnqualifiedVersionless().getValue())
                .filter(r -> !r.equals(survivorRef)).findFirst().orElse(null);
    }

    private static WriteResult fromProvenance(Provenance p) {
        List<String> ids = p.getTarget().stream().map(Reference::getReference).toList();
        String patient = ids.stream().filter(r -> r.startsWith("Patient/")).findFirst()
                .map(r -> new org.hl7.fhir.r4.model.IdType(r).toUnqualifiedVersionless().getValue()).orElse(null);
        return new WriteResult(patient, ids, p.getIdElement().toUnqualified().getValue(), true);
    }

    // ---------------------------------------------------------------- helpers

    private <T extends Resource> T save(T resource, String ifNoneExist, Written written) {
        DaoMethodOutcome out;
        if (resource.hasIdElement() && !resource.getIdElement().isEmpty()) {
            out = repo.update(resource);
        } else if (ifNoneExist != null) {
            out = repo.create(resource, ifNoneExist);
            if (!Boolean.TRUE.equals(out.getCreated())) {
                // created meanwhile by a concurrent transaction: fail, the retry will update it
                throw new IllegalStateException("Concurrent create of " + ifNoneExist + "; rolling back");
            }
        } else {
            out = repo.create(resource);
        }
        IIdType id = out.getId();
        resource.setId(id);
        written.add(id);
        return resource;
    }

    private static String matchUrl(String type, Identifier id) {
        if (id == null || !id.hasSystem() || !id.hasValue()) {
            return null;
        }
        return type + "?identifier=" + escape(id.getSystem()) + "|" + escape(id.getValue());
    }

    private static String escape(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static boolean sameIdentifier(Identifier a, Identifier b) {
        return Objects.equals(a.getSystem(), b.getSystem()) && Objects.equals(a.getValue(), b.getValue());
    }

    private static String versionless(IIdType id) {
        return id.toUnqualifiedVersionless().getValue();
    }

    private static <T extends org.hl7.fhir.r4.model.Base> List<T> copyList(List<T> in) {
        List<T> out = new ArrayList<>(in.size());
        for (T t : in) {
            @SuppressWarnings("unchecked")
            T c = (T) t.copy();
            out.add(c);
        }
        return out;
    }

    /** Resources written by one apply, in order, each at its last version. */
    private static final class Written {
        private final Map<String, String> byResource = new LinkedHashMap<>();
        /** The Patient this write merged away (versionless), if it merged one. */
        private String mergedRef;

        void add(IIdType id) {
            byResource.put(id.toUnqualifiedVersionless().getValue(), id.toUnqualified().getValue());
        }

        List<String> ids() {
            return List.copyOf(byResource.values());
        }

        int size() {
            return byResource.size();
        }
    }
}
