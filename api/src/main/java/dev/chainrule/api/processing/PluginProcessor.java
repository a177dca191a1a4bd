package dev.chainrule.api.processing;

import dev.chainrule.api.ApiVersion;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.Messager;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * Writes a plugin's registration from its {@link dev.chainrule.api.Plugin @Plugin} annotations, so that a type
 * id is written once, in the annotation. For every annotated provider class it adds
 *
 * <ul>
 *   <li>a line to {@code META-INF/services/<the provider interface>} (what {@link java.util.ServiceLoader}
 *       reads), and
 *   <li>a {@code kind:type} entry to {@value #INDEX}, with {@code api-version}, the {@link ApiVersion} this
 *       processor was compiled with, i.e. the api the plugin is compiled against. The runner reads this file
 *       without running the jar's code (it replaces the manifest entries {@code Chainrule-Api-Version} and
 *       {@code Chainrule-Types}, which it still reads in jars built without it).
 * </ul>
 *
 * <p>It is registered in the api jar's {@code META-INF/services/javax.annotation.processing.Processor}, so javac
 * runs it for any project that compiles against the api (no configuration; with {@code -proc:none} it does not
 * run, and with an explicit {@code -processor} list it must be named there). The files are written in a fixed
 * order (by class name, by kind and type) with no date, so two builds give the same bytes. Mistakes are compile
 * errors on the class: a type id that is not lower-case words joined by '-', an id used twice, a class that is
 * not a public concrete provider with a public no-argument constructor.
 */
public final class PluginProcessor extends AbstractProcessor {
    /** The resource the processor writes and the runner reads: {@code api-version} and {@code types}. */
    public static final String INDEX = "META-INF/chainrule/plugin.properties";
    /** The annotation handled. */
    public static final String ANNOTATION = "dev.chainrule.api.Plugin";
    private static final Pattern TYPE_ID = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    /** Kind id → provider interface, in the order of {@code ComponentProvider.Kind}. */
    private static final Map<String, String> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put("layer", "dev.chainrule.api.LayerProvider");
        KINDS.put("activation", "dev.chainrule.api.ActivationProvider");
        KINDS.put("transform", "dev.chainrule.api.TransformProvider");
        KINDS.put("loss", "dev.chainrule.api.LossProvider");
        KINDS.put("optimizer", "dev.chainrule.api.OptimizerProvider");
        KINDS.put("data-source", "dev.chainrule.api.data.DataSourceProvider");
        KINDS.put("merge", "dev.chainrule.api.MergeProvider");
    }

    /** Provider interface → binary class names. */
    private final Map<String, Set<String>> services = new TreeMap<>();
    /** Type id → kind id. */
    private final Map<String, String> types = new TreeMap<>();
    /** Type id → the class that declared it, for the duplicate message. */
    private final Map<String, String> declaredBy = new TreeMap<>();
    private boolean written;

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of(ANNOTATION);
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        // every later release's sources too: the processor reads only classes, interfaces and one string
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        TypeElement plugin = processingEnv.getElementUtils().getTypeElement(ANNOTATION);
        if (plugin != null && !annotations.isEmpty()) {
            for (Element e : round.getElementsAnnotatedWith(plugin)) {
                collect(e, plugin);
            }
        }
        if (round.processingOver() && !written && !types.isEmpty() && !round.errorRaised()) {
            written = true;
            write();
        }
        return true;
    }

    private void collect(Element e, TypeElement plugin) {
        Messager log = processingEnv.getMessager();
        Elements elements = processingEnv.getElementUtils();
        Types typeUtils = processingEnv.getTypeUtils();
        String id = idOf(e, plugin);
        if (e.getKind() != ElementKind.CLASS) {
            log.printMessage(Diagnostic.Kind.ERROR, "@Plugin belongs on a provider class", e);
            return;
        }
        TypeElement c = (TypeElement) e;
        if (id == null || !TYPE_ID.matcher(id).matches()) {
            log.printMessage(Diagnostic.Kind.ERROR, "@Plugin(\"" + id + "\"): a type id is lower-case words joined by"
                    + " '-', such as softmax-cross-entropy", e);
            return;
        }
        List<String> kinds = new ArrayList<>();
        for (Map.Entry<String, String> k : KINDS.entrySet()) {
            TypeElement service = elements.getTypeElement(k.getValue());
            if (service != null && typeUtils.isAssignable(typeUtils.erasure(c.asType()), typeUtils.erasure(service.asType()))) {
                kinds.add(k.getKey());
            }
        }
        if (kinds.size() != 1) {
            log.printMessage(Diagnostic.Kind.ERROR, "@Plugin(\"" + id + "\"): the class must implement exactly one of "
                    + String.join(", ", KINDS.values()) + (kinds.isEmpty() ? "" : "; it implements " + kinds.size()), e);
            return;
        }
        if (!c.getModifiers().contains(Modifier.PUBLIC) || c.getModifiers().contains(Modifier.ABSTRACT)
                || (c.getNestingKind() == NestingKind.MEMBER && !c.getModifiers().contains(Modifier.STATIC))
                || !(c.getNestingKind() == NestingKind.TOP_LEVEL || c.getNestingKind() == NestingKind.MEMBER)
                || !publicNoArgConstructor(c)) {
            log.printMessage(Diagnostic.Kind.ERROR, "@Plugin(\"" + id + "\"): a provider must be a public, non-abstract,"
                    + " top-level or static nested class with a public no-argument constructor (ServiceLoader creates it)", e);
            return;
        }
        String name = elements.getBinaryName(c).toString();
        String before = declaredBy.putIfAbsent(id, name);
        if (before != null && !before.equals(name)) {
            log.printMessage(Diagnostic.Kind.ERROR, "@Plugin(\"" + id + "\"): the type id is also declared by " + before, e);
            return;
        }
        types.put(id, kinds.get(0));
        services.computeIfAbsent(KINDS.get(kinds.get(0)), k -> new TreeSet<>()).add(name);
    }

    private static String idOf(Element e, TypeElement plugin) {
        for (AnnotationMirror m : e.getAnnotationMirrors()) {
            if (m.getAnnotationType().asElement().equals(plugin)) {
                for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> v : m.getElementValues().entrySet()) {
                    if (v.getKey().getSimpleName().contentEquals("value")) {
                        Object o = v.getValue().getValue();
                        return o instanceof String s ? s : null;
                    }
                }
            }
        }
        return null;
    }

    private static boolean publicNoArgConstructor(TypeElement c) {
        for (ExecutableElement k : ElementFilter.constructorsIn(c.getEnclosedElements())) {
            if (k.getParameters().isEmpty() && k.getModifiers().contains(Modifier.PUBLIC)) {
                return true;
            }
        }
        return false;
    }

    private void write() {
        Filer filer = processingEnv.getFiler();
        try {
            for (Map.Entry<String, Set<String>> s : services.entrySet()) {
                StringBuilder b = new StringBuilder();
                for (String name : s.getValue()) {
                    b.append(name).append('\n');
                }
                writeResource(filer, "META-INF/services/" + s.getKey(), b.toString());
            }
            List<String> kindOrder = new ArrayList<>(KINDS.keySet());
            List<Map.Entry<String, String>> sorted = new ArrayList<>(types.entrySet());
            sorted.sort(Comparator.comparing((Map.Entry<String, String> t) -> kindOrder.indexOf(t.getValue()))
                    .thenComparing(Map.Entry::getKey));
            List<String> pairs = new ArrayList<>();
            for (Map.Entry<String, String> t : sorted) {
                pairs.add(t.getValue() + ":" + t.getKey());
            }
            writeResource(filer, INDEX, "# written by " + PluginProcessor.class.getName() + " from the @Plugin annotations\n"
                    + "api-version=" + ApiVersion.VERSION + "\n"
                    + "types=" + String.join(", ", pairs) + "\n");
        } catch (IOException e) {
            processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, "cannot write the plugin's registration: " + e);
        }
    }

    private static void writeResource(Filer filer, String path, String text) throws IOException {
        FileObject f = filer.createResource(StandardLocation.CLASS_OUTPUT, "", path);
        try (Writer w = new java.io.OutputStreamWriter(f.openOutputStream(), StandardCharsets.UTF_8)) {
            w.write(text);
        }
    }
}
