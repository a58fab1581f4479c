package fr.crt.hub.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless chromium driven by Debian's chromedriver, nothing downloaded (driver and browser paths are given,
 * so Selenium Manager is never asked). Missing browser = failed test, not a skipped one: CI installs both.
 */
final class ConsoleBrowser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getProperty("console.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("console.chromedriver", "/usr/bin/chromedriver"));
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    final WebDriver driver;
    final String base;
    private final Path profile;

    ConsoleBrowser(int port) {
        assertThat(CHROMIUM).as("headless chromium (apt-get install chromium; .ci/run installs it)").isExecutable();
        assertThat(CHROMEDRIVER).as("chromedriver (apt-get install chromium-driver; .ci/run installs it)").isExecutable();
        try {
            profile = Files.createTempDirectory("console-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--window-size=1400,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        base = "http://127.0.0.1:" + port;
    }

    void open(String path) {
        driver.get(base + path);
    }

    void login(String user, String password) {
        open("/console/login");
        driver.findElement(By.id("username")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.id("login-submit")).click();
    }

    void logout() {
        driver.findElement(By.id("logout")).click();
        until(d -> d.getCurrentUrl().contains("/console/login"));
    }

    WebElement byId(String id) {
        return until(d -> d.findElements(By.id(id)).stream().findFirst().orElse(null));
    }

    /** Text of an element that htmx may swap while it is read. */
    String text(String id) {
        return until(d -> {
            try {
                return d.findElement(By.id(id)).getText();
            } catch (org.openqa.selenium.StaleElementReferenceException | org.openqa.selenium.NoSuchElementException e) {
                return null;
            }
        });
    }

    /** Posts the search form and waits for htmx to replace the result table. */
    void search(String patient) {
        WebElement before = byId("results");
        byId("f-patient").sendKeys(patient);
        byId("search-submit").click();
        until(org.openqa.selenium.support.ui.ExpectedConditions.stalenessOf(before)::apply);
    }

    <T> T until(Function<WebDriver, T> condition) {
        // htmx swaps fragments (live dashboard, bulk progress) while a condition reads them: read again
        return new WebDriverWait(driver, Duration.ofSeconds(30))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition::apply);
    }

    Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path target = SCREENSHOTS.resolve(name + ".png");
        Files.write(target, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        return target;
    }

    /** The htmx header JSON of the current page ({@code {"X-CSRF-TOKEN": "..."}}) → token value. */
    String csrfToken() {
        String json = driver.findElement(By.tagName("body")).getAttribute("hx-headers");
        return json.replaceAll("^\\{\"[^\"]+\":\\s*\"([^\"]+)\"}$", "$1");
    }

    /** A POST outside the browser with the browser's session cookie (what a forged cross-site form would carry). */
    HttpResponse<String> postWithSession(String path, String csrfToken) throws Exception {
        Cookie session = driver.manage().getCookieNamed("JSESSIONID");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Cookie", "JSESSIONID=" + session.getValue())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(""));
        if (csrfToken != null) b.header("X-CSRF-TOKEN", csrfToken);
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> getWithSession(String path) throws Exception {
        Cookie session = driver.manage().getCookieNamed("JSESSIONID");
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Cookie", "JSESSIONID=" + session.getValue()).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        driver.quit();
        fr.crt.hub.support.HubTestCommon.deleteRecursively(profile);
    }
}
