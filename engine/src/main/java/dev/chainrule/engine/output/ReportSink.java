package dev.chainrule.engine.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;

/**
 * A report ready to be written into a run folder. The output side owns this interface and the report side
 * implements it ({@code RunReport.sink}), so the run folder's writer never names the report's types and
 * the two packages depend one way only.
 */
@FunctionalInterface
public interface ReportSink {

    /** Writes the report's files into {@code dir}, each atomically; {@code mapper} is the run's JSON mapper. */
    void writeInto(Path dir, ObjectMapper mapper);
}
