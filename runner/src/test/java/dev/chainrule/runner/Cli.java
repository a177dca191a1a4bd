package dev.chainrule.runner;

import dev.chainrule.engine.base.Terminal;

import com.google.inject.Module;
import dev.chainrule.runner.app.Main;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process with captured output. */
public final class Cli {
    public record Result(int code, String out, String err) {
        public String errLine() {
            return err.strip();
        }
    }

    private Cli() {
    }

    public static Result run(Module override, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Terminal t = new Terminal(new PrintWriter(out, true), new PrintWriter(err, true), false);
        int code = override == null ? Main.run(args, t) : Main.run(args, t, override);
        return new Result(code, out.toString(), err.toString());
    }
}
