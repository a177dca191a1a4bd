package dev.chainrule.runner.serve;

import dev.chainrule.runner.cli.ServeCommand;

import dev.chainrule.serve.RunServer;
import dev.chainrule.serve.RunFolders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.chainrule.runner.Cli;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.data.MnistFetcher;
import dev.chainrule.engine.registry.ProviderRegistry;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code runner serve} in a real browser: headless Chromium (Debian's chromium and chromium-driver) driven
 * by Selenium. The page is opened before a training run starts; the run's card and its epochs must appear
 * without a reload, and once its model is written a real MNIST test image drawn on the canvas with pointer
 * events must be named as {@code runner predict} names the same picture.
 *
 * <p>Without Chromium the test is skipped, saying why, unless {@value #REQUIRED_ENV}=1 (as .ci/run sets it),
 * where a missing browser is a failure. {@code -Dserve.screenshot=FILE} also writes the screenshot there
 * (the README's docs/img/serve.png); it is always written to target/serve-screenshot.png.
 */
@Tag("slow") // over ~5 s: `mvn -B test` leaves it out, `mvn -B verify` runs it (README, Development)
class ServeBrowserTest {
    static final String REQUIRED_ENV = "CHAINRULE_BROWSER_TEST";
    /** Debian's paths; {@code -Dserve.chromium=} and {@code -Dserve.chromedriver=} name others. */
    static final Path CHROMIUM = Path.of(System.getProperty("serve.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("serve.chromedriver", "/usr/bin/chromedriver"));
    static final int EPOCHS = 10;
    /** The first MNIST test image, a 7. */
    static final int MNIST_INDEX = 0;

    @TempDir
    Path tmp;
    ChromeDriver driver;
    RunServer server;
    final ObjectMapper mapper = JsonMapper.builder().build();

    @BeforeEach
    void browser() {
        List<String> missing = new ArrayList<>();
        for (Path p : List.of(CHROMIUM, DRIVER)) {
            if (!Files.isExecutable(p)) {
                missing.add(p.toString());
            }
        }
        if (!missing.isEmpty()) {
            String why = "no " + String.join(" or ", missing) + " (apt-get install chromium chromium-driver)";
            if ("1".equals(System.getenv(REQUIRED_ENV))) {
                fail(REQUIRED_ENV + "=1 but " + why);
            }
            Assumptions.assumeTrue(false, "browser test skipped: " + why);
        }
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void theGoodRunsShowBesideABrokenOne() throws Exception {
        Path runs = Files.createDirectories(tmp.resolve("runs"));
        // listed first: a run whose metrics.jsonl and report.html are 3 GiB (sparse), which once killed the answer
        Path broken = Files.createDirectories(runs.resolve("a-broken"));
        Files.writeString(broken.resolve("config.json"), "{\"name\": \"broken\"}");
        for (String name : new String[] {"metrics.jsonl", "report.html"}) {
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(broken.resolve(name).toFile(), "rw")) {
                f.setLength(3L << 30);
            }
        }
        for (String good : new String[] {"b-good", "c-good"}) {
            Path g = Files.createDirectories(runs.resolve(good));
            Files.writeString(g.resolve("config.json"), "{\"name\": \"" + good + "\"}");
            Files.writeString(g.resolve("metrics.jsonl"), "{\"epoch\":1,\"testAccuracy\":0.5}\n");
        }
        StringWriter serverOut = new StringWriter();
        server = ServeCommand.start(new RunFolders(List.of(new RunFolders.Root(runs, "runs"))), "1 folder", "127.0.0.1",
                0, "--port", ProviderRegistry.builtIn(), mapper,
                new Terminal(new PrintWriter(serverOut, true), new PrintWriter(serverOut, true), false));
        driver = chromium();
        driver.get("http://127.0.0.1:" + server.port() + "/");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(50));
        wait.until(d -> d.findElement(By.id("status")).getText().contains("updated"));
        assertEquals(3, driver.findElements(By.cssSelector("article.card")).size(),
                driver.findElement(By.id("runs")).getText());
        for (String good : new String[] {"b-good", "c-good"}) {
            assertTrue(driver.findElement(By.cssSelector("[data-run='0/" + good + "']")).getText().contains(good));
        }
        String bad = driver.findElement(By.cssSelector("[data-run='0/a-broken']")).getText();
        assertTrue(bad.contains("larger than the 16 MiB"), bad);
        assertFalse(driver.findElement(By.id("status")).getText().contains("cannot reach"));
        assertFalse(serverOut.toString().contains("\tat "), serverOut.toString());
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void watchesARunTrainLiveThenNamesADrawnMnistDigitAsPredictDoes() throws Exception {
        Path mnist;
        try {
            mnist = new MnistFetcher(s -> { }).ensure();
        } catch (RuntimeException e) {
            if ("1".equals(System.getenv(REQUIRED_ENV))) {
                throw e;
            }
            Assumptions.assumeTrue(false, "browser test skipped: no MNIST (" + e.getMessage() + ")");
            return;
        }
        Path runs = Files.createDirectories(tmp.resolve("runs"));
        StringWriter serverOut = new StringWriter();
        // as `runner serve runs` shows it (the path typed, not the temporary folder's)
        server = ServeCommand.start(new RunFolders(List.of(new RunFolders.Root(runs, "runs"))), "1 folder", "127.0.0.1",
                0, "--port", ProviderRegistry.builtIn(), mapper,
                new Terminal(new PrintWriter(serverOut, true), new PrintWriter(serverOut, true), false));
        driver = chromium();
        driver.get("http://127.0.0.1:" + server.port() + "/");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(90), Duration.ofMillis(50));
        wait.until(d -> d.findElement(By.id("status")).getText().contains("updated"));
        JavascriptExecutor js = driver;
        js.executeScript("window.loadedOnce = 'yes';");

        // a small run, trained beside the open page: 784→12→10 on MNIST, about a third of a second an epoch
        // (its steps.jsonl: the page's progress within an epoch and the per-step loss); an earlier run with a
        // smaller learning rate is already there, so the charts overlay two runs
        Path cfg = tmp.resolve("live.json");
        String config = """
                {"name": "%s", "seed": 42, "data": {"dataset": "mnist"},
                 "network": {"layers": [{"type": "dense", "units": 12}, {"type": "sigmoid"},
                   {"type": "dense", "units": 10}, {"type": "softmax"}]},
                 "loss": {"type": "cross-entropy"},
                 "training": {"optimizer": {"type": "sgd", "learningRate": %s}, "batchSize": 1, "epochs": %d}}
                """;
        Files.writeString(cfg, config.formatted("live", "0.1", EPOCHS));
        Path earlierCfg = Files.writeString(tmp.resolve("earlier.json"), config.formatted("earlier", "0.01", 4));
        Cli.Result earlier = Cli.run(null, "train", earlierCfg.toString(), "--out", runs.resolve("earlier").toString());
        assertEquals(0, earlier.code(), earlier.err());
        Path run = runs.resolve("live");
        CompletableFuture<Cli.Result> training = CompletableFuture.supplyAsync(
                () -> Cli.run(null, "train", cfg.toString(), "--out", run.toString()));

        // sample the page while it trains: an epoch before the last must show, then the last, with no reload
        String card = "[data-run='0/live']";
        List<Integer> seen = new ArrayList<>();
        List<String> progress = new ArrayList<>();
        java.util.regex.Pattern within = java.util.regex.Pattern.compile(
                "epoch (\\d+): (\\d+)% \\(([\\d,]+) / 60,000\\), loss \\d\\.\\d+");
        wait.until(d -> {
            // read in one script: a card is replaced whenever its run changes, so elements go stale between calls
            @SuppressWarnings("unchecked")
            List<String> lines = (List<String>) js.executeScript("return [...document.querySelectorAll(arguments[0])]"
                    + ".filter(p => p.querySelector('progress')).map(p => p.textContent.trim());", card + " .progress");
            for (String text : lines) {
                if (within.matcher(text).find()) {
                    progress.add(text);
                }
            }
            int shown = d.findElements(By.cssSelector(card + " tr[data-epoch]")).size();
            if (seen.isEmpty() || seen.get(seen.size() - 1) != shown) {
                seen.add(shown);
            }
            return shown == EPOCHS && !d.findElements(By.cssSelector(card + " .badge.finished")).isEmpty();
        });
        Cli.Result trained = training.get(60, TimeUnit.SECONDS);
        assertEquals(0, trained.code(), trained.err());
        assertEquals("yes", js.executeScript("return window.loadedOnce;"), "the page was not reloaded");
        assertTrue(seen.stream().anyMatch(n -> n > 0 && n < EPOCHS),
                "an epoch before the last appeared while the run trained; epoch counts seen: " + seen);
        assertEquals(EPOCHS, seen.get(seen.size() - 1));
        // within an epoch: "epoch 3: 37% (22,016 / 60,000), loss 0.41" with a progress bar, from steps.jsonl
        assertFalse(progress.isEmpty(), "a progress line within an epoch was shown while the run trained");
        java.util.regex.Matcher pm = within.matcher(progress.get(0));
        assertTrue(pm.find());
        int pct = Integer.parseInt(pm.group(2));
        int done = Integer.parseInt(pm.group(3).replace(",", ""));
        assertEquals(100L * done / 60000, pct, progress.get(0));
        // the per-step loss: one series per run beside its epoch means, ~100 points an epoch
        wait.until(d -> "4".equals(d.findElement(By.id("chart-train")).getAttribute("data-series")));
        String legend = driver.findElement(By.id("chart-train")).getText();
        assertTrue(legend.contains("live · per step") && legend.contains("earlier · per step"), legend);
        Number points = (Number) js.executeScript("return plots.get('chart-train').u.data[0].length;");
        assertTrue(points.intValue() >= EPOCHS * 100, "the per-step points are on the chart: " + points);
        // the smoothing slider smooths the per-step series too (TensorBoard's debiased moving average)
        String perStep = "const u = plots.get('chart-train').u;"
                + "const i = u.series.findIndex(s => s.label === 'live · per step');"
                + "return u.data[i].filter(v => v !== null).slice(0, 50).join(',');";
        String raw = (String) js.executeScript(perStep);
        js.executeScript("const s = document.getElementById('smoothing'); s.value = '0.9';"
                + "s.dispatchEvent(new Event('input'));");
        String smoothed = (String) js.executeScript(perStep);
        assertEquals(Double.parseDouble(raw.split(",")[0]), Double.parseDouble(smoothed.split(",")[0]), 1e-12,
                "the first point is its own average");
        assertFalse(raw.equals(smoothed), "smoothing changes the per-step series");
        js.executeScript("const s = document.getElementById('smoothing'); s.value = '0';"
                + "s.dispatchEvent(new Event('input'));");

        // draw the MNIST test image on the canvas: each row's run of ink is one stroke of pointer events
        byte[] digit = mnistTestImage(mnist, MNIST_INDEX);
        wait.until(d -> "2".equals(d.findElement(By.id("chart-test")).getAttribute("data-series")));
        assertTwoRunsOverlaidZoomAndHover(wait, "earlier", "live");
        driver.findElement(By.cssSelector(card + " .use-model")).click();
        wait.until(d -> "0/live".equals(js.executeScript("return document.getElementById('model').value;")));
        js.executeScript(DRAW, toList(digit));
        WebElement predicted = driver.findElement(By.id("predicted"));
        wait.until(d -> "0".equals(predicted.getAttribute("data-pending")) && !predicted.getText().isEmpty());
        int onPage = Integer.parseInt(predicted.getText());
        assertEquals(3, driver.findElements(By.cssSelector("#top li")).size());
        assertEquals(4, driver.findElements(By.cssSelector("#stages .stage")).size(), "one Jacobian per stage");
        assertTrue(driver.findElement(By.id("stages")).getText().contains("12×784"));
        // 12×784 as a heat map; the sigmoid's diagonal (12 entries), the second layer's 10×12 and the softmax's
        // 10×10 as numbers
        assertEquals(1, driver.findElements(By.cssSelector("#stages canvas[data-kind='dense']")).size());
        assertEquals(3, driver.findElements(By.cssSelector("#stages table.numbers")).size());
        assertFalse(driver.findElement(By.id("stages")).getText().contains("-0.0000"));
        assertTrue(driver.findElement(By.id("draw-error")).getText().isEmpty());

        // the very picture on the canvas, and the MNIST image itself, through runner predict
        String dataUrl = (String) js.executeScript("return document.getElementById('canvas').toDataURL('image/png');");
        Path drawn = tmp.resolve("drawn.png");
        Files.write(drawn, Base64.getDecoder().decode(dataUrl.substring(dataUrl.indexOf(',') + 1)));
        Path original = tmp.resolve("mnist-" + MNIST_INDEX + ".png");
        ImageIO.write(grey(digit), "png", original.toFile());
        Cli.Result p = Cli.run(null, "predict", run.toString(), drawn.toString(), original.toString(), "--json");
        assertEquals(0, p.code(), p.err());
        JsonNode answers = mapper.readTree(p.out());
        assertEquals(answers.get(0).get("predicted").asInt(), onPage, "runner predict on the canvas picture");
        assertEquals(answers.get(1).get("predicted").asInt(), onPage, "runner predict on the MNIST image");
        assertEquals(mnistTestLabel(mnist, MNIST_INDEX), onPage, "the model knows this digit");

        screenshot();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aTableModelGetsAFormAndNamesTheClass() throws Exception {
        Path runs = Files.createDirectories(tmp.resolve("runs"));
        StringBuilder csv = new StringBuilder("size,weight,colour,species\n");
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        String[] names = {"rose", "lily", "iris"};
        String[] colours = {"red", "white", "blue"};
        for (int i = 0; i < 150; i++) {
            int c = i % 3;
            csv.append(String.format(java.util.Locale.ROOT, "%.3f,%.1f,%s,%s%n", c * 2 + r.nextDouble(),
                    100 * c + 50 * r.nextDouble(), colours[c], names[c]));
        }
        Files.writeString(tmp.resolve("flowers.csv"), csv.toString());
        Path cfg = Files.writeString(tmp.resolve("flowers.json"), """
                {"name": "flowers", "seed": 7, "data": {"type": "csv", "path": "flowers.csv", "label": "species",
                   "categorical": ["colour"], "standardize": true},
                 "network": {"layers": [{"type": "dense", "units": 8}, {"type": "relu"}, {"type": "dense", "units": 3},
                   {"type": "softmax"}]},
                 "loss": {"type": "cross-entropy"},
                 "training": {"optimizer": {"type": "adam", "learningRate": 0.01}, "batchSize": 10, "epochs": 20}}
                """);
        Cli.Result t = Cli.run(null, "train", cfg.toString(), "--out", runs.resolve("flowers").toString());
        assertEquals(0, t.code(), t.err());
        Path cfg2 = Files.writeString(tmp.resolve("flowers-sgd.json"), Files.readString(cfg)
                .replace("\"flowers\"", "\"flowers-sgd\"").replace("adam", "sgd"));
        Cli.Result t2 = Cli.run(null, "train", cfg2.toString(), "--out", runs.resolve("flowers-sgd").toString());
        assertEquals(0, t2.code(), t2.err());
        StringWriter serverOut = new StringWriter();
        server = ServeCommand.start(new RunFolders(List.of(new RunFolders.Root(runs, "runs"))), "1 folder", "127.0.0.1",
                0, "--port", ProviderRegistry.builtIn(), mapper,
                new Terminal(new PrintWriter(serverOut, true), new PrintWriter(serverOut, true), false));
        driver = chromium();
        driver.get("http://127.0.0.1:" + server.port() + "/");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(50));
        // the card names the classes; the panel is a form of the recorded columns, and no canvas
        wait.until(d -> d.findElement(By.cssSelector("[data-run='0/flowers']")).getText().contains("classes: iris, lily, rose"));
        wait.until(d -> d.findElement(By.id("table-panel")).isDisplayed());
        wait.until(d -> "2".equals(d.findElement(By.id("chart-test")).getAttribute("data-series")));
        assertTwoRunsOverlaidZoomAndHover(wait, "flowers", "flowers-sgd");
        assertFalse(driver.findElement(By.id("canvas")).isDisplayed(), "no drawing for a table model");
        driver.findElement(By.cssSelector("#row-inputs [data-column='size']")).sendKeys("4.5");
        driver.findElement(By.cssSelector("#row-inputs [data-column='weight']")).sendKeys("230");
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.cssSelector("#row-inputs [data-column='colour']")))
                .selectByVisibleText("blue");
        driver.findElement(By.id("row-submit")).click();
        WebElement answer = driver.findElement(By.id("row-answer"));
        wait.until(d -> "0".equals(answer.getAttribute("data-pending")) && !answer.getText().isEmpty());
        assertEquals("iris", answer.getText(), driver.findElement(By.id("rows-error")).getText());
        assertEquals(3, driver.findElements(By.cssSelector("#row-top li")).size());
        assertTrue(driver.findElement(By.id("row-top")).getText().startsWith("iris"));
        assertEquals(4, driver.findElements(By.cssSelector("#stages .stage")).size(), "one Jacobian per stage");
        assertTrue(driver.findElement(By.id("rows-error")).getText().isEmpty());
        assertFalse(serverOut.toString().contains("\tat "), serverOut.toString());
    }

    /**
     * The charts overlay both runs (one series each in the test-loss chart, named in its legend); hovering shows
     * values in the legend; dragging across a chart zooms all three to the same epochs; a double-click zooms out.
     */
    void assertTwoRunsOverlaidZoomAndHover(WebDriverWait wait, String first, String second) {
        WebElement chart = driver.findElement(By.id("chart-test"));
        String legend = chart.findElement(By.cssSelector(".u-legend")).getText();
        assertTrue(legend.contains(first) && legend.contains(second), legend);
        WebElement over = chart.findElement(By.cssSelector(".u-over"));
        new org.openqa.selenium.interactions.Actions(driver).scrollToElement(chart).perform();
        int w = over.getSize().getWidth();
        new org.openqa.selenium.interactions.Actions(driver).moveToElement(over, w / 4 - w / 2, 0).perform();
        wait.until(d -> !chart.getAttribute("data-hover").isEmpty());
        List<String> values = new ArrayList<>();
        for (WebElement v : chart.findElements(By.cssSelector(".u-legend .u-series .u-value"))) {
            values.add(v.getText());
        }
        assertTrue(values.stream().skip(1).anyMatch(v -> v.matches("-?[0-9.]+(e-?[0-9]+)?")), "hover values: " + values);
        double fullMin = Double.parseDouble(chart.getAttribute("data-x-min"));
        double fullMax = Double.parseDouble(chart.getAttribute("data-x-max"));
        new org.openqa.selenium.interactions.Actions(driver).moveToElement(over, -w / 2 + w / 5, 0).clickAndHold()
                .moveByOffset(w * 2 / 5, 0).release().perform();
        wait.until(d -> "1".equals(chart.getAttribute("data-zoomed")));
        double min = Double.parseDouble(chart.getAttribute("data-x-min"));
        double max = Double.parseDouble(chart.getAttribute("data-x-max"));
        assertTrue(min > fullMin && max < fullMax, "zoomed to " + min + ".." + max + " of " + fullMin + ".." + fullMax);
        WebElement other = driver.findElement(By.id("chart-train"));
        assertEquals(min, Double.parseDouble(other.getAttribute("data-x-min")), 1e-9, "the charts zoom together");
        new org.openqa.selenium.interactions.Actions(driver).doubleClick(over).perform();
        wait.until(d -> "0".equals(chart.getAttribute("data-zoomed")));
    }

    ChromeDriver chromium() {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1280", "--user-data-dir=" + tmp.resolve("profile"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, o);
    }

    /** Each ink pixel (≥ 128) of the 28×28 image, row by row, as strokes on the 280×280 canvas. */
    static final String DRAW = """
            const px = arguments[0];
            const c = document.getElementById('canvas');
            const r = c.getBoundingClientRect();
            const ev = (type, x, y) => c.dispatchEvent(new PointerEvent(type, {bubbles: true, cancelable: true,
              pointerId: 1, pointerType: 'mouse', buttons: type === 'pointerup' ? 0 : 1,
              clientX: r.left + (x + 0.5) * r.width / 28, clientY: r.top + (y + 0.5) * r.height / 28}));
            for (let y = 0; y < 28; y++) {
              let x = 0;
              while (x < 28) {
                if (px[y * 28 + x] < 128) { x++; continue; }
                const from = x;
                while (x < 28 && px[y * 28 + x] >= 128) x++;
                ev('pointerdown', from, y);
                ev('pointermove', x - 1, y);
                ev('pointerup', x - 1, y);
              }
            }
            """;

    static byte[] mnistTestImage(Path mnist, int index) throws Exception {
        byte[] all = Files.readAllBytes(mnist.resolve("t10k-images-idx3-ubyte"));
        byte[] img = new byte[784];
        System.arraycopy(all, 16 + 784 * index, img, 0, 784);
        return img;
    }

    static int mnistTestLabel(Path mnist, int index) throws Exception {
        return Files.readAllBytes(mnist.resolve("t10k-labels-idx1-ubyte"))[8 + index];
    }

    static List<Integer> toList(byte[] img) {
        List<Integer> l = new ArrayList<>();
        for (byte b : img) {
            l.add(b & 0xff);
        }
        return l;
    }

    /** MNIST's own look: a light digit on black. */
    static BufferedImage grey(byte[] img) {
        BufferedImage b = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 784; i++) {
            int v = img[i] & 0xff;
            b.setRGB(i % 28, i / 28, 0xff000000 | v << 16 | v << 8 | v);
        }
        return b;
    }

    void screenshot() throws Exception {
        // the page from its top: the charts, the cards, and the panel beside them
        ((JavascriptExecutor) driver).executeScript("window.scrollTo(0, 0);");
        Thread.sleep(200);
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        Path target = Path.of("target", "serve-screenshot.png");
        Files.createDirectories(target.getParent());
        Files.write(target, png);
        String extra = System.getProperty("serve.screenshot");
        if (extra != null && !extra.isBlank()) {
            // the README's copy at 3/4 size, to keep the repository small
            BufferedImage full = ImageIO.read(new java.io.ByteArrayInputStream(png));
            int w = full.getWidth() * 3 / 4;
            int h = full.getHeight() * 3 / 4;
            BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            java.awt.Graphics2D g = small.createGraphics();
            g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.drawImage(full, 0, 0, w, h, null);
            g.dispose();
            ImageIO.write(small, "png", Path.of(extra).toFile());
        }
    }
}
