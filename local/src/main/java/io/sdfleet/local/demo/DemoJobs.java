package io.sdfleet.local.demo;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import java.util.ArrayList;
import java.util.List;

/**
 * The requests a demo run submits: job i takes prompt i and scheduler i (each list used in turn), the
 * demo's size and steps, and seed {@code seed + i} when a seed was given. Job ids and missing seeds are
 * left to the producer, as an upstream service would. Stateless.
 */
public final class DemoJobs {

    /** Schedulers in the order jobs use them: the popular ones first, so four jobs show four families. */
    public static final List<SchedulerName> SCHEDULER_ORDER = List.of(SchedulerName.EULER_ANCESTRAL,
            SchedulerName.DPMPP_2M_KARRAS, SchedulerName.DDIM, SchedulerName.PNDM, SchedulerName.EULER,
            SchedulerName.LMS, SchedulerName.UNIPC, SchedulerName.DPMPP_2M);
    /** Metadata key and value that mark a request as the demo's (passed through to the completion). */
    public static final String SOURCE_KEY = "source";
    public static final String SOURCE_VALUE = "sdfleet-demo";

    private DemoJobs() {
    }

    /** The jobs of a demo run, every one at {@code guidance} ({@link DemoOptions#guidanceFor}). */
    public static List<JobRequest> requests(DemoOptions options, double guidance) {
        List<JobRequest> requests = new ArrayList<>(options.count());
        for (int i = 0; i < options.count(); i++) {
            JobRequest.Builder b = JobRequest.builder(options.prompts().get(i % options.prompts().size()))
                    .size(options.width(), options.height())
                    .steps(options.steps())
                    .guidanceScale(guidance)
                    .scheduler(SCHEDULER_ORDER.get(i % SCHEDULER_ORDER.size()))
                    .putMetadata(SOURCE_KEY, SOURCE_VALUE);
            if (options.seed() != null) {
                b.seed(options.seed() + i);
            }
            requests.add(b.build());
        }
        return requests;
    }
}
