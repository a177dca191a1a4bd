package dev.chainrule.runner.cli;

import dev.chainrule.engine.base.BadInputException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --data DIR}, shared by the commands that read data: a folder of IDX files instead of the config's or model's data. */
public class DataOption {
    @Option(names = "--data", paramLabel = "DIR",
            description = "use this folder of IDX files instead of the config's data section (or the data the model "
                    + "was trained on)")
    Path data;

    /** The folder, or null when not given; an empty value is refused (Path.of("") would be the working directory). */
    public Path dir() {
        if (data != null && data.toString().isEmpty()) {
            throw new BadInputException("--data: must be a folder path, got an empty string");
        }
        return data;
    }
}
