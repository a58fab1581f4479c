package fr.crt.hub.fhir;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.ParserOptions;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.sched.BaseSchedulerServiceImpl;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import jakarta.persistence.EntityManagerFactory;
import java.util.Properties;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.transaction.annotation.EnableTransactionManagement;

/**
 * Embeds the HAPI FHIR JPA server (R4) in the hub's Spring context, on the hub's own {@link DataSource}.
 *
 * <p>Why hand-written instead of Spring Boot's JPA auto-configuration: HAPI needs its own
 * {@code EntityManagerFactory} (custom persistence provider, HAPI dialects, entity packages) and registers its
 * Spring Data repositories against the bean names {@code entityManagerFactory} / {@code transactionManager}.
 * {@code HibernateJpaAutoConfiguration} and {@code JpaRepositoriesAutoConfiguration} are therefore excluded in
 * {@code application.yaml}. The {@link JpaTransactionManager} is {@link Primary}: it also drives plain JDBC
 * ({@code JdbcTemplate}) on the same DataSource, so hub tables and FHIR resources can commit together, and
 * Spring Boot's {@code DataSourceTransactionManager} backs off because a transaction manager exists.
 *
 * <p>Modelled on hapi-fhir-jpaserver-starter ({@code StarterJpaConfig}, {@code FhirServerConfigCommon}), keeping
 * only what the hub uses: no subscriptions, MDM, bulk export providers, CR, IPS, Lucene/Elasticsearch.
 */
@Configuration(proxyBeanMethods = false)
@EnableTransactionManagement
@EnableConfigurationProperties(FhirProperties.class)
@Import({
        JpaR4Config.class,              // R4 FhirContext, DAOs and resource providers, JpaConfig
        HapiJpaConfig.class,            // paging provider, stale search cleanup, (disabled) fulltext service
        ThreadPoolFactoryConfig.class,  // thread pools the transaction processor needs
        JpaBatch2Config.class,          // batch2 job coordinator: required by terminology and merge services
        Batch2JobsConfig.class,         // job definitions/URL partitioner required by delete/expunge DAOs
        SubscriptionChannelConfig.class // in-memory broker client batch2 needs; no subscription is processed
})
public class FhirJpaConfig {

    /** HAPI's storage behaviour; defaults are HAPI's, only what the hub cares about is set. */
    @Bean
    public JpaStorageSettings jpaStorageSettings(FhirProperties props) {
        JpaStorageSettings s = new JpaStorageSettings();
        s.setAllowExternalReferences(true);
        s.setAutoCreatePlaceholderReferenceTargets(false);
        s.setExpungeEnabled(false);
        s.setDeleteExpungeEnabled(false);
        s.setAdvancedHSearchIndexing(false);
        s.setHibernateSearchIndexFullText(false);
        s.setHibernateSearchIndexSearchParams(false);
        s.setStoreResourceInHSearchIndex(false);
        s.setIndexMissingFields(JpaStorageSettings.IndexEnabledEnum.DISABLED);
        s.setSchedulingDisabled(!props.schedulingEnabled());
        s.setEnableTaskBulkExportJobExecution(false);
        s.setEnableTaskBulkImportJobExecution(false);
        s.setEnableTaskPreExpandValueSets(false);
        s.setEnableTaskResourceReindexing(false);
        s.setEnableTaskStaleSearchCleanup(props.schedulingEnabled());
        s.setDefaultSearchParamsCanBeOverridden(false);
        // Partners search right after their own writes (and the console after a replay): a search answered from a
        // cached result set of up to a minute ago would hide what was just written.
        s.setReuseCachedSearchResultsForMillis(null);
        // The reads of a batch run one after the other on the request's thread (HAPI does so for a pool of 1). HAPI's
        // default runs them in parallel (20 to 100 threads) as sub-requests sharing the request's data, where its
        // AuthorizationInterceptor keeps an IdentityHashMap of the resources it has checked: a care caller's batch of
        // some seventy reads corrupted it, twenty threads spun on it for good and held every database connection.
        s.setBundleBatchPoolSize(1);
        s.setBundleBatchMaxPoolSize(1);
        return s;
    }

    /**
     * HAPI strips versions from stored references by default; the hub's Provenance must point at the exact versions
     * it wrote, so versions are kept at {@code Provenance.target} (and {@code Provenance.entity.what}).
     */
    @Bean
    public ParserOptions fhirParserOptions(FhirContext fhirContext) {
        ParserOptions options = fhirContext.getParserOptions();
        options.setDontStripVersionsFromReferencesAtPaths("Provenance.target", "Provenance.entity.what");
        return options;
    }

    /**
     * {@code hub.fhir.scheduling-enabled=false} keeps HAPI's Quartz schedulers from running jobs (tests: no
     * background DB traffic). Batch2 jobs (e.g. $reindex) then never progress, so production keeps it on.
     */
    @Bean
    public static BeanPostProcessor hapiSchedulingSwitch(Environment environment) {
        boolean enabled = environment.getProperty("hub.fhir.scheduling-enabled", Boolean.class, true);
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (!enabled && bean instanceof BaseSchedulerServiceImpl scheduler) {
                    scheduler.setLocalSchedulingEnabled(false);
                    scheduler.setClusteredSchedulingEnabled(false);
                }
                return bean;
            }
        };
    }

    /** Partitioning is off; HAPI still needs the bean. */
    @Bean
    public PartitionSettings partitionSettings() {
        return new PartitionSettings();
    }

    /** No subscription channel types are supported (subscriptions disabled); HAPI still needs the bean. */
    @Bean
    public SubscriptionSettings subscriptionSettings() {
        return new SubscriptionSettings();
    }

    /**
     * HAPI's EntityManagerFactory on the application DataSource. The Hibernate dialect is HAPI's own variant for
     * the database the JDBC URL points at (see {@link HapiDialects}); schema is managed by
     * {@code hibernate.hbm2ddl.auto} (default {@code update}, like the starter).
     */
    @Bean
    @Primary
    public LocalContainerEntityManagerFactoryBean entityManagerFactory(
            DataSource dataSource,
            ConfigurableListableBeanFactory beanFactory,
            FhirContext fhirContext,
            JpaStorageSettings storageSettings,
            FhirProperties props) {
        LocalContainerEntityManagerFactoryBean emf =
                HapiEntityManagerFactoryUtil.newEntityManagerFactory(beanFactory, fhirContext, storageSettings);
        emf.setPersistenceUnitName("HAPI_PU");
        emf.setDataSource(dataSource);
        emf.setJpaProperties(hibernateProperties(dataSource, props));
        return emf;
    }

    static Properties hibernateProperties(DataSource dataSource, FhirProperties props) {
        Properties p = new Properties();
        p.put("hibernate.dialect", props.hibernateDialect() != null && !props.hibernateDialect().isBlank()
                ? props.hibernateDialect()
                : HapiDialects.forDataSource(dataSource));
        p.put("hibernate.hbm2ddl.auto", props.ddlAuto());
        String schema = HapiDialects.postgresSchema(dataSource);
        if (schema != null && !schema.isBlank()) p.put("hibernate.default_schema", schema);
        p.put("hibernate.search.enabled", "false");
        p.put("hibernate.format_sql", "false");
        p.put("hibernate.show_sql", "false");
        p.put("hibernate.jdbc.batch_size", "20");
        p.put("hibernate.order_inserts", "true");
        p.put("hibernate.order_updates", "true");
        p.put("hibernate.cache.use_query_cache", "false");
        p.put("hibernate.cache.use_second_level_cache", "false");
        p.put("hibernate.cache.use_structured_entries", "false");
        p.put("hibernate.cache.use_minimal_puts", "false");
        return p;
    }

    /** Primary transaction manager of the whole application (JPA + JDBC on the same DataSource). */
    @Bean
    @Primary
    public JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
        return new JpaTransactionManager(entityManagerFactory);
    }
}
