package io.backupkit.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticListener;
import javax.tools.DocumentationTool;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every public type and member of the API carries a comment, checked by the JDK's own doclint. */
class ApiJavadocTest {

    private static final Path SOURCES = Path.of("src/main/java");

    @Test
    void everyPublicTypeAndMemberIsDocumented(@TempDir Path out) throws Exception {
        DocumentationTool javadoc = ToolProvider.getSystemDocumentationTool();
        assertThat(javadoc)
                .as("the JDK's documentation tool (run the tests on a JDK)")
                .isNotNull();
        assertThat(SOURCES)
                .as("backup-api sources, relative to the module folder")
                .isDirectory();

        List<String> missing = new ArrayList<>();
        DiagnosticListener<JavaFileObject> listener = d -> {
            String message = d.getMessage(Locale.ROOT);
            if (d.getKind() != Diagnostic.Kind.ERROR && message.contains("no comment")) {
                String file = d.getSource() == null
                        ? "?"
                        : SOURCES.toAbsolutePath()
                                .relativize(Path.of(d.getSource().toUri()))
                                .toString();
                missing.add(file + ":" + d.getLineNumber() + ": " + memberAt(d));
            }
        };

        boolean ok;
        try (StandardJavaFileManager files = javadoc.getStandardFileManager(listener, Locale.ROOT, null)) {
            List<String> options = List.of(
                    "-Xdoclint:all",
                    "-Xmaxwarns",
                    "10000",
                    "-quiet",
                    "-d",
                    out.toString(),
                    "-encoding",
                    "UTF-8",
                    // only the checks matter: skip the pages nobody reads
                    "-noindex",
                    "-notree",
                    "-nohelp",
                    "-nodeprecatedlist",
                    "-nosince");
            DocumentationTool.DocumentationTask task = javadoc.getTask(
                    new StringWriter(), files, listener, null, options, files.getJavaFileObjectsFromPaths(sources()));
            ok = task.call();
        }

        assertThat(ok).as("javadoc ran without errors").isTrue();
        missing.sort(null);
        assertThat(missing)
                .as("public API without a comment (say in one or two sentences what it does)")
                .isEmpty();
    }

    private static List<Path> sources() throws Exception {
        try (Stream<Path> walk = Files.walk(SOURCES)) {
            return walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** The source line the warning points at, trimmed: it names the undocumented member. */
    private static String memberAt(Diagnostic<? extends JavaFileObject> d) {
        if (d.getSource() == null || d.getLineNumber() <= 0) {
            return d.getMessage(Locale.ROOT);
        }
        try {
            List<String> lines = Files.readAllLines(Path.of(d.getSource().toUri()));
            return lines.get((int) d.getLineNumber() - 1).trim();
        } catch (Exception e) {
            return d.getMessage(Locale.ROOT);
        }
    }
}
