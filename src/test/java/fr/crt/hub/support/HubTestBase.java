package fr.crt.hub.support;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The shared test hub on an in-memory H2 database: every class extending it talks to the same running hub. */
public abstract class HubTestBase extends HubTestCommon {

    @DynamicPropertySource
    static void h2Hub(DynamicPropertyRegistry r) {
        register(r, newH2Url(), "sa");
    }
}
