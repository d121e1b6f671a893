package io.sdfleet.producer.cli;

import java.util.Map;

/**
 * What the CLI knows of the terminal it draws progress on (its standard error): whether it is an interactive terminal
 * (then progress bars are redrawn in place) and its width in columns. Injected, so that the renderer is tested on a
 * fake terminal.
 *
 * @param tty   an interactive terminal: redraw lines with ANSI cursor movement
 * @param width columns available, at least {@value #MIN_WIDTH}
 */
record Terminal(boolean tty, int width) {

    static final int MIN_WIDTH = 40;
    static final int DEFAULT_WIDTH = 80;

    Terminal {
        width = Math.max(MIN_WIDTH, width);
    }

    /** Plain lines, no redrawing (not a terminal, or --json). */
    static Terminal plain() {
        return new Terminal(false, DEFAULT_WIDTH);
    }

    /** The process's terminal: interactive when it has a console; the width from {@code COLUMNS}, else 80. */
    static Terminal detect(Map<String, String> env) {
        int width = DEFAULT_WIDTH;
        try {
            width = Integer.parseInt(env.getOrDefault("COLUMNS", Integer.toString(DEFAULT_WIDTH)).strip());
        } catch (NumberFormatException e) {
            // keep the default
        }
        return new Terminal(System.console() != null, width);
    }
}
