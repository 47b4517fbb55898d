package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every command's help reads alike: values named by upper-case placeholders (N, FILE, SPEC) or
 * the list of choices (auto|test|train), not picocli's field names in angle brackets; option texts given as one paragraph, so that picocli
 * wraps them at word boundaries; one-line headers that fit the command list; description lines
 * that fit the terminal width, so that they are not wrapped again mid-phrase.
 */
class HelpTextTest {
    /** picocli's usage width. */
    static final int WIDTH = 80;

    /** The root command and every subcommand, at any depth. */
    private static List<CommandLine> commands() {
        List<CommandLine> all = new ArrayList<>();
        List<CommandLine> todo = new ArrayList<>(List.of(new CommandLine(new Main())));
        while (!todo.isEmpty()) {
            CommandLine c = todo.removeLast();
            all.add(c);
            todo.addAll(c.getSubcommands().values());
        }
        return all;
    }

    @Test void everyValueHasAnUpperCasePlaceholder() {
        List<String> bad = new ArrayList<>();
        for (CommandLine c : commands()) {
            for (OptionSpec o : c.getCommandSpec().options()) {
                String label = o.paramLabel();
                if (o.arity().max() > 0 && (label.startsWith("<") || !Character.isUpperCase(label.charAt(0)) && !label.contains("|"))) {
                    bad.add(c.getCommandName() + " " + o.longestName() + " " + o.paramLabel());
                }
            }
        }
        assertEquals(List.of(), bad);
    }

    @Test void everyOptionTextIsOneParagraph() {
        List<String> bad = new ArrayList<>();
        for (CommandLine c : commands()) {
            for (OptionSpec o : c.getCommandSpec().options()) {
                if (o.description().length > 1) bad.add(c.getCommandName() + " " + o.longestName());
            }
        }
        assertEquals(List.of(), bad);
    }

    @Test void headersAreOneLineThatFitsTheCommandList() {
        CommandLine root = new CommandLine(new Main());
        int nameWidth = root.getSubcommands().keySet().stream().mapToInt(String::length).max().orElse(0);
        List<String> bad = new ArrayList<>();
        for (CommandLine c : root.getSubcommands().values()) {
            String[] h = c.getCommandSpec().usageMessage().header();
            if (c.getCommandName().equals("help")) continue;
            if (h.length != 1 || 2 + nameWidth + 2 + h[0].length() > WIDTH) bad.add(c.getCommandName() + ": " + String.join(" / ", h));
        }
        assertEquals(List.of(), bad);
    }

    /**
     * The synopsis wraps between options, never inside one: every line of it opens and closes
     * its brackets, so a placeholder such as {@code --val=N|stratified:F} reads whole.
     */
    @Test void synopsisNeverSplitsAnOption() {
        List<String> bad = new ArrayList<>();
        for (CommandLine c : commands()) {
            String synopsis = c.getHelp().synopsis(0);
            for (String line : synopsis.split("\\R")) {
                int depth = 0;
                for (char ch : line.toCharArray()) {
                    if (ch == '[' || ch == '(') depth++;
                    if (ch == ']' || ch == ')') depth--;
                    if (depth < 0) break;
                }
                if (depth != 0) bad.add(c.getCommandName() + ": " + line.strip());
            }
        }
        assertEquals(List.of(), bad);
    }

    @Test void descriptionLinesFitTheWidth() {
        List<String> bad = new ArrayList<>();
        for (CommandLine c : commands()) {
            CommandSpec s = c.getCommandSpec();
            List<String> lines = new ArrayList<>(List.of(s.usageMessage().description()));
            lines.addAll(List.of(s.usageMessage().footer()));
            for (String l : lines) if (l.length() >= WIDTH) bad.add(c.getCommandName() + ": " + l);
        }
        assertEquals(List.of(), bad);
    }
}
