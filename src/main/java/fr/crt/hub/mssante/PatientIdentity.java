package fr.crt.hub.mssante;

import fr.crt.hub.fhir.CanonicalRepository;
import fr.crt.hub.identity.IdentityFhir;
import fr.crt.hub.identity.InsProperties;
import fr.crt.hub.xdm.Cx;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.stereotype.Component;

/**
 * INS rules for mail: which patient ids of XDS metadata are an INS (NIR/NIA OIDs; test and demo OIDs only when
 * {@code hub.ins.accept-test-oids}), finding the Patient by it, and whether a Patient's INS is qualified (DESIGN rule 3).
 */
@Component
public class PatientIdentity {

    static final String OID_INS_NIR = "1.2.250.1.213.1.4.8";
    static final String OID_INS_NIA = "1.2.250.1.213.1.4.9";
    static final Set<String> TEST_OIDS = Set.of("1.2.250.1.213.1.4.10", "1.2.250.1.213.1.4.11");
    static final String EXT_IDENTITY_RELIABILITY = IdentityFhir.EXT_IDENTITY_RELIABILITY;

    private final CanonicalRepository repo;
    private final InsProperties ins;

    public PatientIdentity(CanonicalRepository repo, InsProperties ins) {
        this.repo = repo;
        this.ins = ins;
    }

    public boolean isInsOid(String oid) {
        return OID_INS_NIR.equals(oid) || OID_INS_NIA.equals(oid) || (ins.acceptTestOids() && TEST_OIDS.contains(oid));
    }

    /** The first value of {@code cxValues} that is an INS. */
    public Optional<Cx> ins(List<String> cxValues) {
        return cxValues.stream().map(Cx::parse).filter(c -> c != null && isInsOid(c.authorityOid())).findFirst();
    }

    /** The one Patient carrying this INS; empty if none (or several: an identity-vigilance case, never guessed). */
    public Optional<Patient> find(Cx ins) {
        List<Patient> found = repo.searchPatientsByIdentifier("urn:oid:" + ins.authorityOid(), ins.id());
        return found.size() == 1 ? Optional.of(found.get(0)) : Optional.empty();
    }

    /** The Patient's INS identifier, if it carries one. */
    public Optional<Identifier> insOf(Patient p) {
        return p.getIdentifier().stream()
                .filter(i -> i.getSystem() != null && i.getSystem().startsWith("urn:oid:") && isInsOid(i.getSystem().substring(8)))
                .findFirst();
    }

    /**
     * Qualified (DESIGN rule 3): carries an INS, has the status QUAL (RNIV, written by identity vigilance) or VALI (what
     * PAM-FR partners send in PID-32 with an INS; the dui mapper keeps an INS only then), and no attribute (douteuse,
     * fictive…) forbidding it. Read with {@link IdentityFhir}, the identity capability's own reading of FR Core.
     */
    public boolean qualified(Patient p) {
        if (IdentityFhir.insIdentifiers(p).isEmpty() || IdentityFhir.insForbidden(p)) return false;
        java.util.Set<String> statuses = IdentityFhir.statuses(p);
        return statuses.contains(IdentityFhir.QUAL) || statuses.contains(IdentityFhir.VALI);
    }
}
