package io.sdfleet.producer.cli;

import io.sdfleet.producer.replay.ActiveGroupMembersException;
import io.sdfleet.producer.replay.InvalidReplaySpecException;
import io.sdfleet.producer.replay.OffsetResetPlan;
import io.sdfleet.producer.replay.RangeBound;
import io.sdfleet.producer.replay.WorkerGroupReset;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * {@code sdfleet replay reset-offsets}: moves the worker group's committed offsets on the requests topic to
 * the offsets of a time ({@link WorkerGroupReset}), so that the workers reprocess everything from then on
 * under the original job ids. Refused while the group has members (Kafka's rule); {@code --dry-run} shows
 * the per-partition old → new offsets without changing them. Gets its context from {@link ReplayCommand}.
 */
@Command(name = "reset-offsets", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Reset the worker group's (SDFLEET_WORKER_GROUP) committed offsets on the requests topic to the first"
                + " record at or after TIME (the partition's end where there is none), so that the workers"
                + " reprocess everything from then on with the original job ids.",
            "The workers must be stopped first: Kafka refuses while the group has members."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:ok: offsets reset (or printed, with --dry-run)",
            "1:refused: the group has active members (stop the workers first); nothing changed",
            "2:usage error, unknown topic or bad configuration; nothing changed",
            "3:Kafka broker unreachable within the bound; nothing changed"})
final class ReplayResetOffsetsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    ReplayCommand parent;

    @Option(names = "--to", paramLabel = "TIME", required = true,
            description = "2026-03-01T10:00:00Z, 'now', or before now: -30m, -2h, -1d.")
    String time;

    @Option(names = "--model", paramLabel = "NAME",
            description = "The model whose workers' group and requests topic are reset (default: the default model's,"
                    + " SDFLEET_TOPIC_REQUESTS).")
    String model;

    @Option(names = "--dry-run", description = "Print each partition's old -> new offset; change nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "Print one JSON line per partition.")
    boolean json;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws IOException {
        CliContext context = parent.context;
        Instant at;
        try {
            at = ((RangeBound.AtTime) RangeBound.parseTime(time, context.clock())).instant();
        } catch (InvalidReplaySpecException e) {
            throw new ParameterException(spec.commandLine(), "--to: " + e.getMessage());
        }
        if (model != null && !io.sdfleet.common.ModelNames.isValid(model)) {
            throw new ParameterException(spec.commandLine(), "--model: '" + model + "' is not a model name; allowed: "
                    + io.sdfleet.common.ModelNames.ALLOWED);
        }
        ConnectionOptions chosen = connection.bootstrapServers != null ? connection : parent.connection;
        OffsetResetPlan plan;
        try {
            plan = new WorkerGroupReset(ReplayCommand.settings(context, chosen), model).reset(at, dryRun);
        } catch (ActiveGroupMembersException e) {
            context.err().println("sdfleet replay reset-offsets: " + e.getMessage());
            return ExitCodes.SOME_FAILED;
        } catch (InvalidReplaySpecException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        for (OffsetResetPlan.PartitionReset p : plan.partitions()) {
            if (json) {
                ObjectNode line = JsonText.mapper().createObjectNode();
                line.put("group", plan.group());
                line.put("topic", plan.topic());
                line.put("partition", p.partition());
                if (p.oldOffset() == null) {
                    line.putNull("oldOffset");
                } else {
                    line.put("oldOffset", p.oldOffset());
                }
                line.put("newOffset", p.newOffset());
                line.put("applied", plan.applied());
                context.out().println(JsonText.mapper().writeValueAsString(line));
            } else {
                context.out().println(plan.topic() + "-" + p.partition() + ": "
                        + (p.oldOffset() == null ? "none" : p.oldOffset()) + " -> " + p.newOffset());
            }
        }
        context.err().println("sdfleet replay reset-offsets: group " + plan.group() + (plan.applied()
                ? " now starts at " + plan.time() + " on " + plan.topic()
                : " unchanged (dry run)" + (plan.activeMembers() > 0
                        ? "; a real reset would be refused: stop the workers first (group has "
                                + plan.activeMembers() + " members)" : "")));
        return ExitCodes.OK;
    }
}
