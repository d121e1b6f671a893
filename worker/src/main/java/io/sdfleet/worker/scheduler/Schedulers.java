package io.sdfleet.worker.scheduler;

import io.sdfleet.common.SchedulerName;
import java.util.Objects;

/**
 * Creates the scheduler a job asks for from the model's own scheduler config.
 *
 * <p>The wire names map to diffusers classes as front ends map them; two of them add the settings that define
 * the variant on top of the model's config: {@code dpmpp-2m} = DPM-Solver++ (algorithm_type dpmsolver++,
 * solver_order 2, no Karras sigmas), {@code dpmpp-2m-karras} = the same with use_karras_sigmas true. All
 * other settings come from the config; keys a class does not accept are ignored. Every call returns a new,
 * independent instance (one per trajectory).
 */
public final class Schedulers {

    private Schedulers() {
    }

    /**
     * @throws UnsupportedSchedulerConfigException when the config holds a value the scheduler does not support
     */
    public static Scheduler create(SchedulerName name, SchedulerConfig config) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(config, "config");
        return switch (name) {
            case PNDM -> new PndmScheduler(config);
            case DDIM -> new DdimScheduler(config);
            case EULER -> new EulerDiscreteScheduler(config);
            case EULER_ANCESTRAL -> new EulerAncestralScheduler(config);
            case DPMPP_2M -> new DpmSolverMultistepScheduler(
                    config.withDpmSolver("dpmsolver++", 2).withUseKarrasSigmas(false));
            case DPMPP_2M_KARRAS -> new DpmSolverMultistepScheduler(
                    config.withDpmSolver("dpmsolver++", 2).withUseKarrasSigmas(true));
            case LMS -> new LmsDiscreteScheduler(config);
            case UNIPC -> new UniPcMultistepScheduler(config);
        };
    }

    /**
     * Creates by wire name ({@code "euler-a"}, ...; case and surrounding blanks ignored).
     *
     * @throws IllegalArgumentException when the name is not a known scheduler
     */
    public static Scheduler create(String wireName, SchedulerConfig config) {
        SchedulerName name = SchedulerName.fromWireName(wireName).orElseThrow(() -> new IllegalArgumentException(
                "unknown scheduler '" + wireName + "', expected one of " + SchedulerName.wireNames()));
        return create(name, config);
    }
}
