package fr.crt.hub.identity;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.TokenParam;
import fr.crt.hub.fhir.CanonicalRepository;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.stereotype.Component;

/**
 * Finds other active Patients that may be the same person and opens tasks:
 * <ul>
 *   <li>{@link TaskKind#DUPLICATE_INS}: another active Patient carries the same INS (system and value);</li>
 *   <li>{@link TaskKind#POSSIBLE_DUPLICATE}: same normalised birth name, first birth first name, birth date and sex,
 *       no identifier system in common (two partners' IPPs, hence two partners), and no INS in common.</li>
 * </ul>
 * A pair a person already declared DISTINCT or DISMISSED is not asked again.
 */
@Component
public class DuplicateDetector {

    private final CanonicalRepository repo;
    private final VigilanceTaskStore tasks;

    public DuplicateDetector(CanonicalRepository repo, VigilanceTaskStore tasks) {
        this.repo = repo;
        this.tasks = tasks;
    }

    /** @return the number of tasks opened or found open */
    public int scan(Patient p, Long checkId) {
        String ref = ref(p);
        int found = 0;
        for (Identifier ins : IdentityFhir.insIdentifiers(p)) {
            for (Patient other : repo.searchPatientsByIdentifier(ins.getSystem(), ins.getValue())) {
                if (isOtherActive(other, ref) && !tasks.decidedBefore(TaskKind.DUPLICATE_INS, ref, ref(other))) {
                    tasks.open(TaskKind.DUPLICATE_INS, ref, ref(other), checkId, "same INS on two active Patients");
                    found++;
                }
            }
        }
        LocalTraits mine = LocalTraits.from(p);
        String name = InsTraitComparator.normalize(mine.birthName());
        String first = InsTraitComparator.normalize(mine.firstName());
        if (name == null || first == null || mine.sex() == null || !p.hasBirthDate()) {
            return found;
        }
        SearchParameterMap map = SearchParameterMap.newSynchronous();
        map.add(Patient.SP_BIRTHDATE, new DateParam(ParamPrefixEnum.EQUAL, p.getBirthDateElement().getValueAsString()));
        map.add(Patient.SP_GENDER, new TokenParam(p.getGender().toCode()));
        Set<String> mySystems = systems(p);
        Set<String> myIns = insKeys(p);
        for (Patient other : repo.search(Patient.class, map)) {
            if (!isOtherActive(other, ref)) {
                continue;
            }
            LocalTraits theirs = LocalTraits.from(other);
            boolean same = name.equals(InsTraitComparator.normalize(theirs.birthName()))
                    && first.equals(InsTraitComparator.normalize(theirs.firstName()))
                    && Objects.equals(mine.birthDate(), theirs.birthDate())
                    && Objects.equals(mine.sex(), theirs.sex());
            if (!same) {
                continue;
            }
            Set<String> theirSystems = systems(other);
            boolean otherPartner = !mySystems.isEmpty() && !theirSystems.isEmpty()
                    && mySystems.stream().noneMatch(theirSystems::contains);
            boolean commonIns = insKeys(other).stream().anyMatch(myIns::contains);
            if (otherPartner && !commonIns
                    && !tasks.decidedBefore(TaskKind.POSSIBLE_DUPLICATE, ref, ref(other))) {
                tasks.open(TaskKind.POSSIBLE_DUPLICATE, ref, ref(other), checkId,
                        "same birth name, first name, birth date and sex from two partners");
                found++;
            }
        }
        return found;
    }

    private static boolean isOtherActive(Patient other, String ref) {
        return !ref.equals(ref(other)) && !(other.hasActive() && !other.getActive());
    }

    /** Identifier systems other than INS (the partners' IPP namespaces). */
    private static Set<String> systems(Patient p) {
        List<Identifier> ins = IdentityFhir.insIdentifiers(p);
        return p.getIdentifier().stream().filter(i -> i.hasSystem() && !ins.contains(i))
                .map(Identifier::getSystem).collect(Collectors.toSet());
    }

    private static Set<String> insKeys(Patient p) {
        return IdentityFhir.insIdentifiers(p).stream().map(i -> i.getSystem() + "|" + i.getValue())
                .collect(Collectors.toSet());
    }

    static String ref(Patient p) {
        return p.getIdElement().toUnqualifiedVersionless().getValue();
    }
}
