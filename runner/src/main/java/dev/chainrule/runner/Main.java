package dev.chainrule.runner;

/** Entry point of the {@code runner} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.err.println("runner: not implemented yet");
        System.exit(2);
    }
}
