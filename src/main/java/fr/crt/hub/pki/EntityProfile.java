package fr.crt.hub.pki;

import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * What one end-entity certificate says and may be used for, shaped like the IGC-Santé offers (ORG AUTH_CLI for
 * partners and INSi, SERV SSL_SERV for the hub's listeners, an application mailbox for MSSanté), so the hub is
 * tested against certificates that look like the ones it will meet in production.
 *
 * @param alias  file name (without {@code .p12}) and keystore alias
 * @param usedBy who presents it: {@code hub server}, a connector id, {@code insi}, {@code mssante}
 */
record EntityProfile(String alias, String usedBy, X500Name subject, List<KeyPurposeId> extendedKeyUsages,
                     List<GeneralName> alternativeNames) {

    static final String HUB_SERVER = "hub-server";
    static final String HUB_CLIENT = "hub-client";
    static final String INSI = "insi";
    static final String MSSANTE = "mssante";
    static final String CONNECTOR_PREFIX = "connector-";

    /** The hub's TLS server certificate (HTTPS and MLLP over TLS), valid for local development addresses. */
    static EntityProfile hubServer(HubStructure hub) {
        return new EntityProfile(HUB_SERVER, "hub server", hub.name("localhost"),
                List.of(KeyPurposeId.id_kp_serverAuth),
                List.of(new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
    }

    /**
     * The hub's client certificate towards partners (outbound MLLP over TLS, HTTPS), ORG AUTH_CLI-shaped. Its own
     * certificate rather than the server one: a partner's TLS server checks that a client certificate is meant for
     * client authentication (extended key usage clientAuth), and the server certificate is not.
     */
    static EntityProfile hubClient(HubStructure hub) {
        return new EntityProfile(HUB_CLIENT, "hub client", hub.name("CRT-HUB"), List.of(KeyPurposeId.id_kp_clientAuth),
                List.of());
    }

    /** A partner's client certificate: CN is the connector id, so the hub can tell partners apart at the handshake. */
    static EntityProfile connector(PartnerIdentity partner) {
        X500NameBuilder b = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.C, "FR")
                .addRDN(BCStyle.O, partner.organisationName());
        if (partner.finess() != null) b.addRDN(BCStyle.OU, HubStructure.FINESS_PREFIX + partner.finess());
        b.addRDN(BCStyle.CN, partner.id());
        return new EntityProfile(CONNECTOR_PREFIX + partner.id(), partner.id(), b.build(),
                List.of(KeyPurposeId.id_kp_clientAuth), List.of());
    }

    /**
     * The INSi client certificate. The INSi teleservice only accepts an ORG AUTH_CLI certificate whose application
     * service name is {@code INSI-AUTO} (calls made by software without a user, like identity vigilance) or
     * {@code INSI-MANU} (calls made by a user); the structure is carried by O and OU (national structure id).
     */
    static EntityProfile insi(HubStructure hub, InsiMode mode) {
        return new EntityProfile(INSI, "insi", hub.name(mode.commonName()),
                List.of(KeyPurposeId.id_kp_clientAuth), List.of());
    }

    /** The CRT's MSSanté application mailbox: authenticates to the operator and signs/decrypts mail. */
    static EntityProfile mssante(HubStructure hub) {
        return new EntityProfile(MSSANTE, "mssante", hub.name(hub.mailbox()),
                List.of(KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_emailProtection),
                List.of(new GeneralName(GeneralName.rfc822Name, hub.mailbox())));
    }

    /** The two names IGC-Santé gives an INSi certificate, by who triggers the call. */
    enum InsiMode {
        AUTO, MANU;

        String commonName() {
            return "INSI-" + name();
        }
    }

    /**
     * The CRT running the hub, as IGC-Santé names a structure: O = legal name, OU = national structure id
     * ({@code 1} + FINESS). Development values; production certificates come from IGC-Santé.
     */
    record HubStructure(String organisationName, String finess, String mailbox) {
        static final String FINESS_PREFIX = "1";
        static final HubStructure DEV = new HubStructure("CRT Hub (developpement)", "999999999",
                "crt-hub@crt-dev.mssante.fr");

        X500Name name(String commonName) {
            return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.C, "FR").addRDN(BCStyle.O, organisationName)
                    .addRDN(BCStyle.OU, FINESS_PREFIX + finess).addRDN(BCStyle.CN, commonName).build();
        }
    }
}
