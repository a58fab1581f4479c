package fr.crt.hub.dui;

import static fr.crt.hub.dui.Hl7Values.isBlank;
import static fr.crt.hub.dui.Hl7Values.trimToNull;

import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.v25.datatype.CX;
import ca.uhn.hl7v2.model.v25.datatype.IS;
import ca.uhn.hl7v2.model.v25.datatype.XAD;
import ca.uhn.hl7v2.model.v25.datatype.XPN;
import ca.uhn.hl7v2.model.v25.segment.PID;
import fr.crt.hub.connector.Connector;
import fr.crt.hub.identity.NirCheck;
import fr.crt.hub.identity.NirValidator;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;

/**
 * PID (+ ZFD) → FR Core 2.1.0 Patient, including the INS rule.
 *
 * <p>Why a class of its own: the person is the part of an ADT the hub is strictest about (DESIGN rule 3) — the INS
 * is key-checked, compared with the traits, and carried only when the identity is qualified; everything else in the
 * message is about the stay.
 *
 * <p><b>INS rule.</b> An INS from PID-3 (OIDs 1.2.250.1.213.1.4.8/9, and 10/11 test/demo when allowed) is put in the
 * FR Core INS identifier slice only when: PID-32 carries {@code VALI} (PAM-FR 2.11 / Référentiel INS: the INS may be
 * used and transmitted only for a qualified identity) and no status that contradicts it (DOUT, FICT, USUR…); the
 * partner is not configured with {@code insPolicy.trustIns=false}; and the INS traits FR Core's fr-core-patient-ins
 * requires are all present (birth name, first birth first name, birth first-name list, gender, birth date, birth-place
 * INSEE code). Otherwise the INS is not carried, {@code Patient.meta.tag} (system {@link FrCore#CS_HUB_INS_WITHHELD})
 * says why, and an issue is added. A wrong key is an AE on PID-3 whatever the rest.
 */
final class PamFrPatientMapper {

    private final NirValidator nirValidator;

    PamFrPatientMapper(NirValidator nirValidator) {
        this.nirValidator = nirValidator;
    }

    /** One INS found in PID-3. */
    record InsCandidate(String value, String oid) {}

    Patient map(PID pid, Segment zfd, Connector partner, boolean acceptTestOids, List<String> issues) {
        Patient patient = new Patient();

        List<InsCandidate> insCandidates = new ArrayList<>();
        mapPatientIdentifiers(pid.getPatientIdentifierList(), "PID-3", partner, patient.getIdentifier(), insCandidates,
                issues);
        if (patient.getIdentifier().isEmpty() && insCandidates.isEmpty()) {
            throw Hl7Values.missing("PID-3", "patient identifier list");
        }

        mapNames(pid, patient);
        AdministrativeGender gender = mapGender(pid.getAdministrativeSex().getValue());
        if (gender != null) {
            patient.setGender(gender);
        }
        DateType birthDate = Hl7Values.date(pid.getDateTimeOfBirth().getTime().getValue(), "PID-7");
        if (birthDate != null) {
            patient.setBirthDateElement(birthDate);
        }
        mapAddresses(pid, patient);
        mapDeath(pid, patient);
        List<String> statuses = mapIdentityReliability(pid, zfd, patient, issues);

        boolean insCarried = applyInsRule(insCandidates, patient, statuses, partner, acceptTestOids, issues);
        patient.getMeta().addProfile(insCarried ? FrCore.PROFILE_PATIENT_INS : FrCore.PROFILE_PATIENT);
        return patient;
    }

    // ---------------------------------------------------------------- identifiers

    /**
     * Maps CX repetitions (PID-3 or MRG-1): IPP (type PI) and INS candidates; INS keys are checked here.
     * Used for MRG-1 too, where INS values go straight to {@code target} (they are lookup keys, not claims).
     */
    void mapPatientIdentifiers(CX[] cxs, String location, Connector partner, List<Identifier> target,
                               List<InsCandidate> insCandidates, List<String> issues) {
        for (CX cx : cxs) {
            String value = trimToNull(cx.getIDNumber().getValue());
            if (value == null) {
                continue;
            }
            String oid = trimToNull(cx.getAssigningAuthority().getUniversalID().getValue());
            String type = trimToNull(cx.getIdentifierTypeCode().getValue());
            boolean insOid = oid != null && FrCore.INS_OIDS.contains(oid);
            boolean insType = "INS".equals(type) || "INS-NIR".equals(type) || "INS-NIA".equals(type);
            if (insOid || insType) {
                if (!insOid) {
                    throw new MessageRejectedException(location, MessageRejectedException.TABLE_VALUE_NOT_FOUND, false,
                            location + ": INS with an assigning authority that is not an INS OID");
                }
                NirCheck check = nirValidator.check(value);
                if (!check.valid()) {
                    throw new MessageRejectedException(location, MessageRejectedException.UNKNOWN_KEY_IDENTIFIER, false,
                            location + ": " + check.reason());
                }
                if (insCandidates != null) {
                    insCandidates.add(new InsCandidate(value, oid));
                } else {
                    target.add(insIdentifier(value, oid));
                }
            } else if ("PI".equals(type) || type == null) {
                target.add(new Identifier()
                        .setUse(Identifier.IdentifierUse.USUAL)
                        .setType(new CodeableConcept(new Coding(FrCore.CS_V2_0203, "PI", "Patient internal identifier")))
                        .setSystem("urn:oid:" + ippSystem(partner, oid, location))
                        .setValue(value));
            } else {
                issues.add(location + ": identifier of type " + type + " ignored (only PI and INS are mapped)");
            }
        }
    }

    private static String ippSystem(Connector partner, String assigningAuthorityOid, String location) {
        if (partner != null && !isBlank(partner.patientIdSystem())) {
            return partner.patientIdSystem().trim();
        }
        if (FrCore.isOid(assigningAuthorityOid)) {
            return assigningAuthorityOid;
        }
        throw new MessageRejectedException(location, MessageRejectedException.DATA_TYPE_ERROR, false,
                location + ": the IPP assigning authority (CX-4.2) is not an ISO OID and the connector declares "
                        + "no patientIdSystem");
    }

    private static Identifier insIdentifier(String value, String oid) {
        String code = FrCore.insTypeCode(oid);
        return new Identifier()
                .setUse(Identifier.IdentifierUse.OFFICIAL)
                .setType(new CodeableConcept(new Coding().setSystem(FrCore.CS_V2_0203_FR).setCode(code)))
                .setSystem("urn:oid:" + oid)
                .setValue(value);
    }

    private boolean applyInsRule(List<InsCandidate> candidates, Patient patient, List<String> statuses,
                                 Connector partner, boolean acceptTestOids, List<String> issues) {
        boolean carried = false;
        LocalDate birth = patient.hasBirthDate()
                ? LocalDate.of(patient.getBirthDateElement().getYear(), patient.getBirthDateElement().getMonth() + 1,
                        patient.getBirthDateElement().getDay())
                : null;
        for (InsCandidate ins : candidates) {
            for (String finding : nirValidator.contradictions(ins.value(), patient.getGender(), birth)) {
                issues.add("PID-3: " + finding);
            }
            String withheldCode = null;
            String why = null;
            if (FrCore.TEST_INS_OIDS.contains(ins.oid()) && !acceptTestOids) {
                withheldCode = "test-oid";
                why = "INS not carried: test/demo INS OID not accepted in this environment";
            } else if (!statuses.contains("VALI")) {
                withheldCode = "identity-not-qualified";
                why = "INS not carried: identity status (PID-32) is not VALI, the INS may only be used for a "
                        + "qualified identity";
            } else if (statuses.stream().anyMatch(FrCore.STATUSES_FORBIDDING_INS::contains)) {
                withheldCode = "identity-doubtful";
                why = "INS not carried: PID-32 also carries a status that forbids relying on the identity";
            } else if (partner != null && partner.insPolicy() != null && !partner.insPolicy().trustIns()) {
                withheldCode = "partner-not-trusted";
                why = "INS not carried: the connector is configured not to trust this partner's INS";
            } else {
                List<String> missing = missingInsTraits(patient);
                if (!missing.isEmpty()) {
                    withheldCode = "traits-incomplete";
                    why = "INS not carried: INS traits incomplete (missing " + String.join(", ", missing) + ")";
                }
            }
            if (withheldCode == null) {
                patient.addIdentifier(insIdentifier(ins.value(), ins.oid()));
                carried = true;
            } else {
                if (patient.getMeta().getTag(FrCore.CS_HUB_INS_WITHHELD, withheldCode) == null) {
                    patient.getMeta().addTag(FrCore.CS_HUB_INS_WITHHELD, withheldCode, why);
                }
                issues.add(why);
            }
        }
        return carried;
    }

    private static List<String> missingInsTraits(Patient patient) {
        List<String> missing = new ArrayList<>();
        HumanName official = patient.getName().stream()
                .filter(n -> n.getUse() == HumanName.NameUse.OFFICIAL).findFirst().orElse(null);
        if (official == null || !official.hasFamily()) {
            missing.add("birth name");
        }
        if (official == null || !official.hasGiven()) {
            missing.add("first birth first name");
        }
        if (official == null || official.getExtensionByUrl(FrCore.EXT_BIRTH_LIST_GIVEN_NAME) == null) {
            missing.add("birth first-name list");
        }
        if (!patient.hasGender() || patient.getGender() == AdministrativeGender.OTHER) {
            missing.add("gender");
        }
        if (!patient.hasBirthDate()) {
            missing.add("birth date");
        }
        if (patient.getExtensionByUrl(FrCore.EXT_BIRTH_PLACE) == null) {
            missing.add("birth place INSEE code");
        }
        return missing;
    }

    // ---------------------------------------------------------------- traits

    /**
     * PID-5: PAM-FR 2.11 — type L = birth name (XPN-1 family, XPN-2 first birth first name, XPN-3 list of the birth
     * first names) → {@code official} with FR Core's birth-list-given-name extension; type D = used name (XPN-2 =
     * used first name) → {@code usual}. FR Core's INS profile allows one given name in the official name: the first.
     */
    private static void mapNames(PID pid, Patient patient) {
        XPN[] names = pid.getPatientName();
        boolean hasLegal = false;
        for (XPN xpn : names) {
            hasLegal |= "L".equals(trimToNull(xpn.getNameTypeCode().getValue()));
        }
        for (int i = 0; i < names.length; i++) {
            XPN xpn = names[i];
            String family = trimToNull(xpn.getFamilyName().getSurname().getValue());
            String given = trimToNull(xpn.getGivenName().getValue());
            String givenList = trimToNull(xpn.getSecondAndFurtherGivenNamesOrInitialsThereof().getValue());
            String type = trimToNull(xpn.getNameTypeCode().getValue());
            if (family == null && given == null && givenList == null) {
                continue;
            }
            String location = "PID-5(" + (i + 1) + ")";
            HumanName name = new HumanName();
            if (type == null) {
                type = hasLegal ? "D" : "L";
            }
            switch (type) {
                case "L" -> name.setUse(HumanName.NameUse.OFFICIAL);
                case "D" -> name.setUse(HumanName.NameUse.USUAL);
                case "M" -> name.setUse(HumanName.NameUse.MAIDEN);
                case "S" -> name.setUse(HumanName.NameUse.ANONYMOUS);
                case "A" -> name.setUse(HumanName.NameUse.NICKNAME);
                case "U" -> name.setUse(HumanName.NameUse.TEMP);
                default -> throw Hl7Values.unknownCode(location + "-7", "name type code");
            }
            if (family != null) {
                name.setFamily(family);
            }
            if (given != null) {
                name.addGiven(given);
            }
            if ("L".equals(type) && givenList != null) {
                name.addExtension(FrCore.EXT_BIRTH_LIST_GIVEN_NAME, new StringType(givenList));
            } else if (givenList != null) {
                for (String g : givenList.split("\\s+")) {
                    if (!g.equals(given)) {
                        name.addGiven(g);
                    }
                }
            }
            patient.addName(name);
        }
        if (!patient.hasName()) {
            throw Hl7Values.missing("PID-5", "patient name");
        }
    }

    private static AdministrativeGender mapGender(String code) {
        if (isBlank(code)) {
            return null;
        }
        return switch (code.trim()) {
            case "M" -> AdministrativeGender.MALE;
            case "F" -> AdministrativeGender.FEMALE;
            case "U" -> AdministrativeGender.UNKNOWN;
            case "O", "A", "N" -> AdministrativeGender.OTHER;
            default -> throw Hl7Values.unknownCode("PID-8", "administrative sex");
        };
    }

    /** PID-11: BDL repetition → birth place (XAD-9 = INSEE code); other repetitions → addresses. */
    private static void mapAddresses(PID pid, Patient patient) {
        XAD[] addresses = pid.getPatientAddress();
        for (int i = 0; i < addresses.length; i++) {
            XAD xad = addresses[i];
            String location = "PID-11(" + (i + 1) + ")";
            String type = trimToNull(xad.getAddressType().getValue());
            String street = trimToNull(xad.getStreetAddress().getStreetOrMailingAddress().getValue());
            String other = trimToNull(xad.getOtherDesignation().getValue());
            String city = trimToNull(xad.getCity().getValue());
            String postal = trimToNull(xad.getZipOrPostalCode().getValue());
            String country = trimToNull(xad.getCountry().getValue());
            String insee = trimToNull(xad.getCountyParishCode().getValue());
            if ("BDL".equals(type)) {
                Address birthPlace = new Address();
                if (insee != null) {
                    if (!insee.matches("[0-9][0-9AB][0-9]{3}")) {
                        throw new MessageRejectedException(location + "-9", MessageRejectedException.DATA_TYPE_ERROR,
                                false, location + "-9: birth place is not a 5-character INSEE code");
                    }
                    birthPlace.addExtension(FrCore.EXT_ADDRESS_INSEE_CODE,
                            new Coding().setSystem(FrCore.CS_INSEE_COMMUNE).setCode(insee));
                }
                if (city != null) {
                    birthPlace.setCity(city);
                }
                if (country != null) {
                    birthPlace.setCountry(country);
                }
                if (!birthPlace.isEmpty()) {
                    patient.addExtension(FrCore.EXT_BIRTH_PLACE, birthPlace);
                }
                continue;
            }
            if (street == null && other == null && city == null && postal == null && country == null) {
                continue;
            }
            Address address = new Address();
            if (street != null) {
                address.addLine(street);
            }
            if (other != null) {
                address.addLine(other);
            }
            address.setCity(city).setPostalCode(postal).setCountry(country);
            if (type != null) {
                switch (type) {
                    case "H" -> address.setUse(Address.AddressUse.HOME);
                    case "O", "B" -> address.setUse(Address.AddressUse.WORK);
                    case "C" -> address.setUse(Address.AddressUse.TEMP);
                    default -> { /* other HL7 types (M mailing, BR residence at birth…) kept without use */ }
                }
            }
            patient.addAddress(address);
        }
    }

    private static void mapDeath(PID pid, Patient patient) {
        DateTimeType death = Hl7Values.dateTime(pid.getPatientDeathDateAndTime().getTime().getValue(), "PID-29");
        String indicator = trimToNull(pid.getPatientDeathIndicator().getValue());
        if (death != null) {
            patient.setDeceased(death);
        } else if ("Y".equals(indicator)) {
            patient.setDeceased(new BooleanType(true));
        } else if (indicator != null && !"N".equals(indicator)) {
            throw Hl7Values.unknownCode("PID-30", "death indicator");
        }
    }

    /**
     * PID-32 statuses + ZFD (PAM-FR 2.11: ZFD-4 corrected birth date indicator, ZFD-5 identity collection mode,
     * ZFD-6 INSi call date, ZFD-7 identity document type) → FR Core identity-reliability extension(s).
     *
     * @return the PID-32 statuses
     */
    private static List<String> mapIdentityReliability(PID pid, Segment zfd, Patient patient, List<String> issues) {
        Set<String> statuses = new LinkedHashSet<>();
        for (IS is : pid.getIdentityReliabilityCode()) {
            String code = trimToNull(is.getValue());
            if (code == null) {
                continue;
            }
            if (!FrCore.IDENTITY_STATUSES.contains(code)) {
                throw Hl7Values.unknownCode("PID-32", "identity reliability code");
            }
            statuses.add(code);
        }
        Extension reliability = new Extension(FrCore.EXT_IDENTITY_RELIABILITY);
        if (zfd != null) {
            String method = Hl7Values.get(zfd, 5, 0, 1, 1);
            if (method != null) {
                if (Set.of("SM", "CV", "INSI", "CB", "RFID").contains(method)) {
                    reliability.addExtension("methodCollection", new Coding(FrCore.CS_METHOD_COLLECTION, method, null));
                } else {
                    issues.add("ZFD-5: identity collection mode not in fr-core-cs-method-collection, not mapped");
                }
            }
            DateTimeType insiDate = Hl7Values.dateTime(Hl7Values.get(zfd, 6, 0, 1, 1), "ZFD-6");
            if (insiDate != null) {
                reliability.addExtension("dateCollection",
                        new DateType(insiDate.getYear(), insiDate.getMonth(), insiDate.getDay()));
            }
            String document = Hl7Values.get(zfd, 7, 0, 1, 1);
            if (document != null) {
                if (Set.of("AN", "CC", "CE", "CM", "CN", "CS", "LE", "PA", "PC", "TC").contains(document)) {
                    reliability.addExtension("validationMode", new Coding(FrCore.CS_VALIDATION_MODE, document, null));
                } else {
                    issues.add("ZFD-7: identity document type not in fr-core-cs-mode-validation-identity, not mapped");
                }
            }
            String corrected = Hl7Values.get(zfd, 4, 0, 1, 1);
            if ("Y".equals(corrected) || "N".equals(corrected)) {
                patient.addExtension(FrCore.EXT_BIRTHDATE_UPDATE_INDICATOR, new BooleanType("Y".equals(corrected)));
            }
        }
        if (statuses.isEmpty()) {
            if (reliability.hasExtension()) {
                patient.getExtension().add(0, reliability);
            }
            return List.of();
        }
        boolean first = true;
        for (String status : statuses) {
            Extension ext = first ? reliability : new Extension(FrCore.EXT_IDENTITY_RELIABILITY);
            ext.getExtension().add(0, new Extension("identityStatus", new Coding(FrCore.CS_IDENTITY_STATUS, status, null)));
            patient.addExtension(ext);
            first = false;
        }
        return List.copyOf(statuses);
    }
}
