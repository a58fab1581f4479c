package fr.crt.hub.console;

import java.time.Duration;
import java.util.Locale;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.i18n.CookieLocaleResolver;
import org.springframework.web.servlet.i18n.LocaleChangeInterceptor;

/** French by default; {@code ?lang=en} (or {@code fr}) on any console page switches, remembered in a cookie. */
@Configuration
public class ConsoleWebConfig implements WebMvcConfigurer {

    @Bean
    LocaleResolver localeResolver() {
        CookieLocaleResolver resolver = new FrenchOrEnglish("hub-console-lang");
        resolver.setDefaultLocale(Locale.FRENCH);
        resolver.setCookieMaxAge(Duration.ofDays(365));
        resolver.setCookiePath("/console");
        return resolver;
    }

    /** Only the two languages the console is written in; anything else is French. */
    static final class FrenchOrEnglish extends CookieLocaleResolver {
        FrenchOrEnglish(String cookieName) {
            super(cookieName);
        }

        static Locale coerce(Locale l) {
            return l != null && Locale.ENGLISH.getLanguage().equals(l.getLanguage()) ? Locale.ENGLISH : Locale.FRENCH;
        }

        @Override
        public Locale resolveLocale(jakarta.servlet.http.HttpServletRequest request) {
            return coerce(super.resolveLocale(request));
        }

        @Override
        public void setLocale(jakarta.servlet.http.HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response,
                              Locale locale) {
            super.setLocale(request, response, coerce(locale));
        }
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        LocaleChangeInterceptor lang = new LocaleChangeInterceptor();
        lang.setParamName("lang");
        lang.setIgnoreInvalidLocale(true);
        registry.addInterceptor(lang).addPathPatterns("/console", "/console/**");
    }
}
