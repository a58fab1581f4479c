package fr.crt.hub.insi;

import fr.crt.hub.insi.InsiCallFailed.Kind;
import fr.crt.hub.insi.ws.Erreur;
import fr.crt.hub.insi.ws.ICIRService;
import fr.crt.hub.insi.ws.ctxbam.ContexteBAM;
import fr.crt.hub.insi.ws.ctxbam.Couverture;
import fr.crt.hub.insi.ws.ctxlps.ContexteLPS;
import fr.crt.hub.insi.ws.ctxlps.IdentiteStringRef;
import fr.crt.hub.insi.ws.ctxlps.LOGICIEL;
import fr.crt.hub.insi.ws.recsans.TraitsDIdentite;
import fr.crt.hub.insi.ws.recvit.Beneficiaire;
import fr.crt.hub.insi.ws.recvit.Matricule;
import fr.crt.hub.insi.ws.resultat.Resultat;
import fr.crt.hub.insi.ws.wsa.AttributedURIType;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.xml.bind.JAXBElement;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.ws.BindingProvider;
import jakarta.xml.ws.WebServiceException;
import jakarta.xml.ws.soap.SOAPFaultException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.xml.datatype.DatatypeConfigurationException;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.datatype.XMLGregorianCalendar;
import javax.xml.namespace.QName;
import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.configuration.jsse.TLSClientParameters;
import org.apache.cxf.endpoint.Client;
import org.apache.cxf.frontend.ClientProxy;
import org.apache.cxf.headers.Header;
import org.apache.cxf.jaxb.JAXBDataBinding;
import org.apache.cxf.jaxws.JaxWsProxyFactoryBean;
import org.apache.cxf.transport.http.HTTPConduit;
import org.apache.cxf.transport.http.HTTPException;
import org.apache.cxf.transports.http.configuration.HTTPClientPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The INSi teleservice through Apache CXF (JAX-WS proxy generated from the CNAM WSDL kept in
 * {@code src/main/resources/insi/wsdl}), SOAP 1.2, over mTLS with the hub's INSi certificate.
 *
 * <p>Headers: {@code ContexteBAM} and {@code ContexteLPS} (fresh ids and time, emitter and software from the
 * connector file), {@code wsa:Action} and a fresh {@code wsa:MessageID} per request. {@code wsse:Security} is not
 * sent: in the certificate modes (INSI-AUTO / INSI-MANU, endpoint {@code ...-tlsm}) INSi authenticates the structure
 * by the TLS client certificate; the Security header and its SAML assertion belong to the CPS/e-CPS mode, and the
 * schema does not allow an empty one (see {@code insi/wsdl/README.md}).
 *
 * <p>Resilience, per request: a circuit breaker (opens after {@code breaker.failures} failed requests in a row,
 * fails fast with CIRCUIT_OPEN while open), an hourly quota (RATE_LIMITED, nothing sent), retries with doubling
 * backoff only on transport errors (connection refused or reset, HTTP 5xx without SOAP body). Never retried: SOAP
 * faults (INSi answered), malformed bodies (the same body would come back) and read timeouts (INSi may still be
 * working on the request; the search is read-only so a retry would be harmless, but an immediate one piles load on
 * a slow service and multiplies the caller's wait: the caller gets TIMEOUT with retryLater and tries again later).
 *
 * <p>Logs carry the MessageID, the outcome, the fault code and the duration: never a trait or an INS.
 */
public final class CxfInsiClient implements InsiClient, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CxfInsiClient.class);

    static final String WSA = "http://www.w3.org/2005/08/addressing";
    static final String ACTION_TRAITS = "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite";
    static final String ACTION_VITALE = "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecCarteVitale";
    static final String WSDL = "/insi/wsdl/DESIR_ICIR_EXP_1.5.0.wsdl";
    private static final QName SERVICE = new QName("http://www.cnamts.fr/webservice", "ICIR-v1");
    private static final QName PORT = new QName("http://www.cnamts.fr/webservice", "ICIRService");
    private static final List<String> TLS_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** INSi's "service temporarily unavailable" family: the same question may succeed later. */
    private static final String TEMPORARILY_UNAVAILABLE = "siram_40";

    public static final String METRIC_CALLS = "hub.insi.calls";
    public static final String METRIC_DURATION = "hub.insi.call.duration";

    private final InsiEndpoint endpoint;
    private final Bus bus;
    private final ICIRService port;
    private final CircuitBreaker breaker;
    private final RateLimiter rateLimiter;
    private final MeterRegistry meters;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final DatatypeFactory datatypes;

    /**
     * @param endpoint  the connector file (with the effective URL)
     * @param pkiDir    folder of the keystore and truststore named by the endpoint
     * @param password  keystore password
     */
    public CxfInsiClient(InsiEndpoint endpoint, Path pkiDir, char[] password, MeterRegistry meters) throws IOException {
        this.endpoint = endpoint;
        this.meters = meters;
        if (endpoint.url() == null || endpoint.url().isBlank()) throw new IOException("INSi connector has no url");
        SSLContext tls = tls(pkiDir.resolve(endpoint.certificate().keystore()), endpoint.certificate().alias(),
                pkiDir.resolve(endpoint.truststore()), password);
        try {
            this.datatypes = DatatypeFactory.newInstance();
        } catch (DatatypeConfigurationException e) {
            throw new IOException(e);
        }
        this.bus = BusFactory.newInstance().createBus();
        try {
            URL wsdl = CxfInsiClient.class.getResource(WSDL);
            if (wsdl == null) throw new IOException("INSi WSDL missing from the classpath: " + WSDL);
            JaxWsProxyFactoryBean factory = new JaxWsProxyFactoryBean();
            factory.setBus(bus);
            factory.setServiceClass(ICIRService.class);
            factory.setWsdlURL(wsdl.toExternalForm());
            factory.setServiceName(SERVICE);
            factory.setEndpointName(PORT);
            factory.setAddress(endpoint.url());
            this.port = factory.create(ICIRService.class);
            ((BindingProvider) port).getRequestContext().put("thread.local.request.context", "true");
            Client client = ClientProxy.getClient(port);
            HTTPConduit conduit = (HTTPConduit) client.getConduit();
            HTTPClientPolicy policy = new HTTPClientPolicy();
            policy.setConnectionTimeout(endpoint.timeouts().connectMs());
            policy.setReceiveTimeout(endpoint.timeouts().readMs());
            policy.setAutoRedirect(false);
            conduit.setClient(policy);
            TLSClientParameters params = new TLSClientParameters();
            params.setSslContext(tls);
            params.setDisableCNCheck(false);
            conduit.setTlsClientParameters(params);
            client.getInFaultInterceptors().add(new FaultSubcodeCapture());
        } catch (RuntimeException | IOException e) {
            bus.shutdown(false);
            throw e instanceof IOException io ? io : new IOException("cannot build the INSi client: " + e.getMessage(), e);
        }
        InsiEndpoint.Breaker b = endpoint.breaker();
        this.breaker = CircuitBreaker.of("insi", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(b.failures()).minimumNumberOfCalls(b.failures()).failureRateThreshold(100f)
                .waitDurationInOpenState(Duration.ofSeconds(b.openSeconds()))
                .permittedNumberOfCallsInHalfOpenState(1)
                .recordExceptions(BreakerFailure.class).build());
        this.rateLimiter = endpoint.rateLimitPerHour() > 0
                ? RateLimiter.of("insi", RateLimiterConfig.custom().limitForPeriod(endpoint.rateLimitPerHour())
                        .limitRefreshPeriod(Duration.ofHours(1)).timeoutDuration(Duration.ZERO).build())
                : null;
    }

    public InsiEndpoint endpoint() {
        return endpoint;
    }

    public CircuitBreaker.State breakerState() {
        return breaker.getState();
    }

    /**
     * {@code RECSANSVITALE} with NomNaissance, one Prenom ({@code firstNames.get(0)}: to search with the whole list,
     * as INSi allows, pass it as one space-separated element), Sexe, DateNaissance and LieuNaissance when known.
     */
    @Override
    public InsiAnswer searchByTraits(InsiTraits traits) throws InsiCallFailed {
        TraitsDIdentite body = new TraitsDIdentite();
        body.setNomNaissance(traits.birthName());
        body.getPrenom().addAll(traits.firstNames().isEmpty() ? List.of() : List.of(traits.firstNames().get(0)));
        body.setSexe(traits.sex());
        body.setDateNaissance(traits.birthDate());
        if (traits.birthPlace() != null && !traits.birthPlace().isBlank()) body.setLieuNaissance(traits.birthPlace());
        return call(ACTION_TRAITS, messageId -> port.rechercherInsAvecTraitsIdentite(body, null, contexteLps(),
                messageIdHeader(messageId), contexteBam()));
    }

    @Override
    public InsiAnswer searchByCarteVitale(InsiVitaleQuery query) throws InsiCallFailed {
        return call(ACTION_VITALE, messageId -> port.rechercherInsAvecCarteVitale(recvitale(query), null, contexteLps(),
                messageIdHeader(messageId), contexteBam()));
    }

    /** The RECVITALE body for a card read (package-visible for the schema test). */
    static Beneficiaire recvitale(InsiVitaleQuery q) {
        Beneficiaire b = new Beneficiaire();
        if (q.beneficiaryNir() != null) b.setMatriculeIndividu(matricule(q.beneficiaryNir(), q.beneficiaryKey()));
        b.setMatriculeOD(matricule(q.insuredNir(), q.insuredKey()));
        b.setNomNaissance(q.birthName());
        b.setDateNaissance(q.birthDate());
        b.setRangNaissance(q.birthRank());
        return b;
    }

    private static Matricule matricule(String nir, String key) {
        Matricule m = new Matricule();
        m.setNumIdentifiant(nir);
        m.setCle(key);
        return m;
    }

    @FunctionalInterface
    private interface Invocation {
        Resultat invoke(String messageId) throws Erreur;
    }

    private InsiAnswer call(String action, Invocation invocation) throws InsiCallFailed {
        long start = System.nanoTime();
        String outcome = "transport";
        int attempts = 0;
        String messageId = null;
        try {
            InsiRetry retry = new InsiRetry(endpoint.retry());
            while (true) {
                if (!breaker.tryAcquirePermission()) {
                    throw new InsiCallFailed(Kind.CIRCUIT_OPEN, null, true, "INSi circuit breaker open: not called",
                            null, messageId);
                }
                if (rateLimiter != null && !rateLimiter.acquirePermission()) {
                    breaker.releasePermission();
                    throw new InsiCallFailed(Kind.RATE_LIMITED, null, true,
                            "INSi hourly quota of " + endpoint.rateLimitPerHour() + " calls reached: not called", null,
                            messageId);
                }
                messageId = "uuid:" + UUID.randomUUID();
                attempts++;
                long attemptStart = System.nanoTime();
                Failure failure;
                FAULT_SUBCODE.remove();
                try {
                    ((BindingProvider) port).getRequestContext().put(Header.HEADER_LIST, List.of(actionHeader(action)));
                    Resultat resultat = invocation.invoke(messageId);
                    InsiAnswer answer = ResultatReader.read(resultat, messageId);
                    breaker.onSuccess(System.nanoTime() - attemptStart, TimeUnit.NANOSECONDS);
                    outcome = "cr" + answer.code();
                    return answer;
                } catch (InsiCallFailed malformed) {
                    failure = new Failure(malformed, false, true);
                } catch (Erreur | RuntimeException e) {
                    failure = classify(e, messageId);
                }
                if (failure.breakerFailure()) {
                    breaker.onError(System.nanoTime() - attemptStart, TimeUnit.NANOSECONDS, new BreakerFailure());
                } else {
                    breaker.onSuccess(System.nanoTime() - attemptStart, TimeUnit.NANOSECONDS);
                }
                if (!failure.retry() || !retry.pauseBeforeNext()) throw failure.error();
            }
        } catch (InsiCallFailed f) {
            outcome = outcome(f);
            throw f;
        } finally {
            FAULT_SUBCODE.remove();
            long nanos = System.nanoTime() - start;
            counters.computeIfAbsent(outcome, o -> Counter.builder(METRIC_CALLS).tag("outcome", o)
                    .description("INSi calls by outcome").register(meters)).increment();
            Timer.builder(METRIC_DURATION).tag("outcome", outcome).description("INSi call duration, retries included")
                    .register(meters).record(nanos, TimeUnit.NANOSECONDS);
            if (outcome.startsWith("cr")) {
                log.info("INSi {} {} -> {} in {} ms ({} request(s))", shortAction(action), messageId == null ? "-" : messageId, outcome,
                        nanos / 1_000_000, attempts);
            } else {
                log.warn("INSi {} {} -> {} in {} ms ({} request(s))", shortAction(action), messageId == null ? "-" : messageId, outcome,
                        nanos / 1_000_000, attempts);
            }
        }
    }

    private static String shortAction(String action) {
        return action.substring(action.lastIndexOf(':') + 1);
    }

    static String outcome(InsiCallFailed f) {
        return switch (f.kind()) {
            case SOAP_FAULT -> "fault";
            case TIMEOUT -> "timeout";
            case TRANSPORT -> "transport";
            case MALFORMED -> "malformed";
            case CIRCUIT_OPEN -> "circuit_open";
            case RATE_LIMITED -> "rate_limited";
        };
    }

    /** What went wrong, whether to try again now, and whether it tells the breaker INSi is unwell. */
    private record Failure(InsiCallFailed error, boolean retry, boolean breakerFailure) {}

    /** Marker recorded by the breaker (resilience4j needs a Throwable); carries nothing from the call. */
    private static final class BreakerFailure extends RuntimeException {
        BreakerFailure() {
            super("INSi request failed", null, false, false);
        }
    }

    /**
     * CXF turns a fault whose detail is {@code siram:Erreur} into the declared {@link Erreur}, which keeps the detail
     * but not the SOAP 1.2 Subcode ({@code siram_40}); this interceptor notes the subcode for the calling thread
     * (synchronous calls run their in-fault chain on it) before the conversion.
     */
    private static final ThreadLocal<String> FAULT_SUBCODE = new ThreadLocal<>();

    private static final class FaultSubcodeCapture
            extends org.apache.cxf.phase.AbstractPhaseInterceptor<org.apache.cxf.binding.soap.SoapMessage> {
        FaultSubcodeCapture() {
            super(org.apache.cxf.phase.Phase.UNMARSHAL);
            addAfter(org.apache.cxf.binding.soap.interceptor.Soap12FaultInInterceptor.class.getName());
        }

        @Override
        public void handleMessage(org.apache.cxf.binding.soap.SoapMessage message) {
            Exception e = message.getContent(Exception.class);
            if (e instanceof SoapFault f) {
                QName sub = f.getSubCodes() != null && !f.getSubCodes().isEmpty() ? f.getSubCodes().get(0) : f.getSubCode();
                FAULT_SUBCODE.set(sub == null ? "" : sub.getLocalPart());
            }
        }
    }

    private Failure classify(Exception e, String messageId) {
        // a fault INSi sent (the in-fault chain saw it), not one CXF made up for a body it could not read
        String seen = FAULT_SUBCODE.get();
        if (e instanceof Erreur || seen != null) {
            SoapFault soapFault = find(e, SoapFault.class);
            String code = faultCode(e, soapFault, seen == null || seen.isEmpty() ? null : seen);
            boolean later = code != null && code.startsWith(TEMPORARILY_UNAVAILABLE);
            return new Failure(new InsiCallFailed(Kind.SOAP_FAULT, code, later, "INSi SOAP fault " + code, null,
                    messageId), false, later);
        }
        if (find(e, SocketTimeoutException.class) != null || find(e, java.net.http.HttpTimeoutException.class) != null) {
            return new Failure(new InsiCallFailed(Kind.TIMEOUT, null, true, "INSi did not answer in time", null,
                    messageId), false, true);
        }
        HTTPException http = find(e, HTTPException.class);
        if (http != null) {
            boolean serverSide = http.getResponseCode() >= 500;
            return new Failure(new InsiCallFailed(Kind.TRANSPORT, null, serverSide,
                    "INSi answered HTTP " + http.getResponseCode() + " without SOAP body", null, messageId),
                    serverSide, serverSide);
        }
        SSLHandshakeException handshake = find(e, SSLHandshakeException.class);
        if (handshake != null) {
            // certificate refused or untrusted: trying again at once changes nothing
            return new Failure(new InsiCallFailed(Kind.TRANSPORT, null, false,
                    "TLS handshake with INSi failed: " + handshake.getMessage(), handshake, messageId), false, true);
        }
        IOException io = find(e, IOException.class);
        if (io != null) {
            return new Failure(new InsiCallFailed(Kind.TRANSPORT, null, true,
                    "INSi unreachable: " + io.getClass().getSimpleName() + " " + io.getMessage(), io, messageId),
                    true, true);
        }
        Integer status = responseCode();
        if (status != null && status >= 500) {
            // an error page from INSi's front or a proxy, not a SOAP answer: transport, retried
            return new Failure(new InsiCallFailed(Kind.TRANSPORT, null, true,
                    "INSi answered HTTP " + status + " without SOAP body", null, messageId), true, true);
        }
        // an answer that is no SOAP envelope or no RESULTAT: the cause is not kept (it may quote the body)
        return new Failure(new InsiCallFailed(Kind.MALFORMED, null, false,
                "INSi answer not usable: " + rootType(e), null, messageId), false, true);
    }

    /** HTTP status of the last response on this thread, when CXF got that far. */
    private Integer responseCode() {
        try {
            Object code = ((BindingProvider) port).getResponseContext().get(org.apache.cxf.message.Message.RESPONSE_CODE);
            return code instanceof Integer i ? i : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String rootType(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getClass().getSimpleName();
    }

    /** {@code <subcode>/<siram:Erreur code>}, e.g. {@code siram_40/insi_102}. */
    static String faultCode(Exception e, SoapFault soapFault, String capturedSubcode) {
        String subcode = capturedSubcode;
        String detailCode = null;
        if (soapFault != null && subcode == null) {
            if (soapFault.getSubCodes() != null && !soapFault.getSubCodes().isEmpty()) {
                subcode = soapFault.getSubCodes().get(0).getLocalPart();
            } else if (soapFault.getSubCode() != null) {
                subcode = soapFault.getSubCode().getLocalPart();
            }
        }
        if (soapFault != null) detailCode = erreurCode(soapFault.getDetail());
        if (e instanceof SOAPFaultException sfe && sfe.getFault() != null) {
            Iterator<QName> it = sfe.getFault().getFaultSubcodes();
            if (subcode == null && it != null && it.hasNext()) subcode = it.next().getLocalPart();
            if (detailCode == null && sfe.getFault().getDetail() != null) detailCode = erreurCode(sfe.getFault().getDetail());
        }
        if (e instanceof Erreur erreur && erreur.getFaultInfo() != null && detailCode == null) {
            detailCode = erreur.getFaultInfo().getCode();
        }
        subcode = localName(subcode);
        if (subcode == null && detailCode == null) return "unknown";
        if (subcode == null) return detailCode;
        return detailCode == null ? subcode : subcode + "/" + detailCode;
    }

    /** Prefixed subcode values ({@code S:siram_40}) arrive as QNames with no namespace when the prefix is unbound. */
    private static String localName(String code) {
        if (code == null) return null;
        int colon = code.indexOf(':');
        return colon >= 0 ? code.substring(colon + 1) : code;
    }

    private static String erreurCode(Element detail) {
        if (detail == null) return null;
        if ("Erreur".equals(detail.getLocalName()) && detail.hasAttribute("code")) return detail.getAttribute("code");
        for (Node n = detail.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element child) {
                String c = erreurCode(child);
                if (c != null) return c;
            }
        }
        return null;
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) return type.cast(t);
        }
        return null;
    }

    private Header actionHeader(String action) {
        AttributedURIType value = new AttributedURIType();
        value.setValue(action);
        JAXBElement<AttributedURIType> element = new JAXBElement<>(new QName(WSA, "Action"), AttributedURIType.class, value);
        try {
            return new Header(element.getName(), element, new JAXBDataBinding(AttributedURIType.class));
        } catch (JAXBException e) {
            throw new IllegalStateException("WS-Addressing binding", e);
        }
    }

    private static AttributedURIType messageIdHeader(String messageId) {
        AttributedURIType id = new AttributedURIType();
        id.setValue(messageId);
        return id;
    }

    private ContexteBAM contexteBam() {
        ContexteBAM bam = new ContexteBAM();
        bam.setVersion("01_02");
        bam.setId(UUID.randomUUID().toString());
        bam.setTemps(now());
        bam.setEmetteur(endpoint.emitter());
        bam.setCOUVERTURE(new Couverture());
        return bam;
    }

    private ContexteLPS contexteLps() {
        ContexteLPS lps = new ContexteLPS();
        lps.setNature("CTXLPS");
        lps.setVersion("01_00");
        lps.setId(UUID.randomUUID().toString());
        lps.setTemps(now());
        lps.setEmetteur(endpoint.emitter());
        InsiEndpoint.Software s = endpoint.software();
        LOGICIEL logiciel = new LOGICIEL();
        IdentiteStringRef idam = new IdentiteStringRef();
        idam.setR("4");
        idam.setValue(s.idam());
        logiciel.setIDAM(idam);
        logiciel.setVersion(s.version());
        logiciel.setInstance(s.instance());
        logiciel.setNom(s.name());
        lps.setLPS(logiciel);
        return lps;
    }

    private XMLGregorianCalendar now() {
        return datatypes.newXMLGregorianCalendar(OffsetDateTime.now(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")));
    }

    /** mTLS material: the INSi key entry alone (so the right certificate is always presented) and the CA truststore. */
    static SSLContext tls(Path keystore, String alias, Path truststore, char[] password) throws IOException {
        try {
            KeyStore source = load(keystore, password);
            if (!source.isKeyEntry(alias)) throw new IOException("no key entry '" + alias + "' in " + keystore.getFileName());
            KeyStore single = KeyStore.getInstance("PKCS12");
            single.load(null, null);
            single.setKeyEntry(alias, source.getKey(alias, password), password, source.getCertificateChain(alias));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(single, password);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(load(truststore, password));
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return new ProtocolLimitedContext(ctx);
        } catch (GeneralSecurityException e) {
            throw new IOException("INSi TLS material unusable: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(Path file, char[] password) throws IOException, GeneralSecurityException {
        if (!Files.isRegularFile(file)) throw new IOException("missing " + file);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password);
        }
        return ks;
    }

    /**
     * An SSLContext whose engines and sockets offer TLS 1.3 and 1.2 only. CXF's HttpClient conduit is given a
     * context (not a socket factory: that would make CXF fall back to HttpsURLConnection, whose hidden retry of a
     * POST on a reset connection would send INSi the same request twice).
     */
    static final class ProtocolLimitedContext extends SSLContext {
        ProtocolLimitedContext(SSLContext delegate) {
            super(new LimitedSpi(delegate), delegate.getProvider(), delegate.getProtocol());
        }
    }

    private static String[] limited(String[] supported) {
        List<String> s = Arrays.asList(supported);
        return TLS_PROTOCOLS.stream().filter(s::contains).toArray(String[]::new);
    }

    private static final class LimitedSpi extends javax.net.ssl.SSLContextSpi {
        private final SSLContext delegate;

        LimitedSpi(SSLContext delegate) {
            this.delegate = delegate;
        }

        private javax.net.ssl.SSLEngine limit(javax.net.ssl.SSLEngine e) {
            e.setEnabledProtocols(limited(e.getSupportedProtocols()));
            return e;
        }

        @Override
        protected void engineInit(javax.net.ssl.KeyManager[] km, javax.net.ssl.TrustManager[] tm,
                                  java.security.SecureRandom sr) {
            throw new UnsupportedOperationException("already initialised");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return new ProtocolLimitedFactory(delegate.getSocketFactory());
        }

        @Override
        protected javax.net.ssl.SSLServerSocketFactory engineGetServerSocketFactory() {
            return delegate.getServerSocketFactory();
        }

        @Override
        protected javax.net.ssl.SSLEngine engineCreateSSLEngine() {
            return limit(delegate.createSSLEngine());
        }

        @Override
        protected javax.net.ssl.SSLEngine engineCreateSSLEngine(String host, int port) {
            return limit(delegate.createSSLEngine(host, port));
        }

        @Override
        protected javax.net.ssl.SSLSessionContext engineGetServerSessionContext() {
            return delegate.getServerSessionContext();
        }

        @Override
        protected javax.net.ssl.SSLSessionContext engineGetClientSessionContext() {
            return delegate.getClientSessionContext();
        }

        @Override
        protected javax.net.ssl.SSLParameters engineGetDefaultSSLParameters() {
            javax.net.ssl.SSLParameters p = delegate.getDefaultSSLParameters();
            p.setProtocols(limited(delegate.getSupportedSSLParameters().getProtocols()));
            return p;
        }

        @Override
        protected javax.net.ssl.SSLParameters engineGetSupportedSSLParameters() {
            return delegate.getSupportedSSLParameters();
        }
    }

    /** Every socket it makes offers TLS 1.3 and 1.2 only. */
    static final class ProtocolLimitedFactory extends SSLSocketFactory {
        private final SSLSocketFactory delegate;

        ProtocolLimitedFactory(SSLSocketFactory delegate) {
            this.delegate = delegate;
        }

        private Socket limit(Socket s) {
            if (s instanceof SSLSocket ssl) ssl.setEnabledProtocols(limited(ssl.getSupportedProtocols()));
            return s;
        }

        @Override public String[] getDefaultCipherSuites() { return delegate.getDefaultCipherSuites(); }
        @Override public String[] getSupportedCipherSuites() { return delegate.getSupportedCipherSuites(); }
        @Override public Socket createSocket() throws IOException { return limit(delegate.createSocket()); }
        @Override public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return limit(delegate.createSocket(s, host, port, autoClose));
        }
        @Override public Socket createSocket(String host, int port) throws IOException {
            return limit(delegate.createSocket(host, port));
        }
        @Override public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
            return limit(delegate.createSocket(host, port, local, localPort));
        }
        @Override public Socket createSocket(InetAddress host, int port) throws IOException {
            return limit(delegate.createSocket(host, port));
        }
        @Override public Socket createSocket(InetAddress address, int port, InetAddress local, int localPort) throws IOException {
            return limit(delegate.createSocket(address, port, local, localPort));
        }
    }

    @Override
    public void close() {
        bus.shutdown(false);
    }
}
