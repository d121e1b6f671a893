package io.sdfleet.worker.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.SchedulerName;
import org.junit.jupiter.api.Test;

/** Parsing scheduler_config.json, class defaults, and clear rejection of unsupported values. */
class SchedulerConfigTest {

    private static final String SD15 = "{\"_class_name\":\"PNDMScheduler\",\"_diffusers_version\":\"0.6.0\","
            + "\"beta_end\":0.012,\"beta_schedule\":\"scaled_linear\",\"beta_start\":0.00085,"
            + "\"num_train_timesteps\":1000,\"set_alpha_to_one\":false,\"skip_prk_steps\":true,\"steps_offset\":1,"
            + "\"trained_betas\":null,\"clip_sample\":false,\"some_future_key\":{\"nested\":[1,2]}}";

    @Test
    void readsStableDiffusionConfigAndIgnoresUnknownKeys() {
        SchedulerConfig c = SchedulerConfig.parse(SD15);
        assertEquals(1000, c.numTrainTimesteps());
        assertEquals(0.00085, c.betaStart());
        assertEquals("scaled_linear", c.betaSchedule());
        assertEquals(1, c.stepsOffset());
        assertFalse(c.trainedBetas().isPresent());
        assertTrue(c.skipPrkSteps());
        assertFalse(c.timestepSpacing().isPresent(), "absent key: each class applies its own default");
        for (SchedulerName kind : SchedulerName.values()) {
            Scheduler s = Schedulers.create(kind.wireName(), c);
            s.setTimesteps(5);
            assertTrue(s.timesteps().length >= 5, kind.wireName());
        }
    }

    @Test
    void lambdaMinClippedMayBeTheStringMinusInf() {
        assertEquals(Double.NEGATIVE_INFINITY,
                SchedulerConfig.parse("{\"lambda_min_clipped\":\"-inf\"}").lambdaMinClipped());
        assertEquals(-5.1, SchedulerConfig.parse("{\"lambda_min_clipped\":-5.1}").lambdaMinClipped());
    }

    @Test
    void lambdaMinClippedShortensTheDpmSchedule() {
        Scheduler clipped = Schedulers.create(SchedulerName.DPMPP_2M,
                SchedulerConfig.parse("{\"beta_schedule\":\"squaredcos_cap_v2\",\"lambda_min_clipped\":-5.1,"
                        + "\"timestep_spacing\":\"linspace\"}"));
        clipped.setTimesteps(10);
        assertTrue(clipped.timesteps()[0] < 999, "cosine schedule's last timesteps have lambda below -5.1");
    }

    private static void assertRejected(String key, SchedulerName kind, String json) {
        UnsupportedSchedulerConfigException e = assertThrows(UnsupportedSchedulerConfigException.class,
                () -> Schedulers.create(kind, SchedulerConfig.parse(json)));
        assertEquals(key, e.key());
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void unsupportedValuesAreRejectedNamingKeyAndValue() {
        assertRejected("timestep_spacing", SchedulerName.DDIM, "{\"timestep_spacing\":\"karras\"}");
        assertRejected("beta_schedule", SchedulerName.EULER, "{\"beta_schedule\":\"sigmoid\"}");
        // the dpmpp-2m wire names set algorithm_type themselves; the class alone rejects other algorithms
        UnsupportedSchedulerConfigException e = assertThrows(UnsupportedSchedulerConfigException.class,
                () -> new DpmSolverMultistepScheduler(SchedulerConfig.parse("{\"algorithm_type\":\"sde-dpmsolver++\"}")));
        assertEquals("algorithm_type", e.key());
        assertEquals("sde-dpmsolver++", e.value());
        assertRejected("prediction_type", SchedulerName.EULER_ANCESTRAL, "{\"prediction_type\":\"sample\"}");
        assertRejected("prediction_type", SchedulerName.LMS, "{\"prediction_type\":\"flow_prediction\"}");
        assertRejected("solver_type", SchedulerName.UNIPC, "{\"solver_type\":\"midpoint\"}");
        assertRejected("skip_prk_steps", SchedulerName.PNDM, "{\"skip_prk_steps\":false}");
        assertRejected("thresholding", SchedulerName.DDIM, "{\"thresholding\":true,\"skip_prk_steps\":true}");
        assertRejected("final_sigmas_type", SchedulerName.EULER, "{\"final_sigmas_type\":\"last\"}");
        assertRejected("num_train_timesteps", SchedulerName.DDIM, "{\"num_train_timesteps\":\"many\"}");
        assertRejected("solver_order", SchedulerName.UNIPC, "{\"solver_order\":3}");
    }

    @Test
    void keysAClassDoesNotAcceptAreIgnored() {
        // algorithm_type belongs to DPM-Solver: Euler ignores it, as diffusers' from_config does
        Scheduler euler = Schedulers.create(SchedulerName.EULER,
                SchedulerConfig.parse("{\"algorithm_type\":\"sde-dpmsolver++\"}"));
        euler.setTimesteps(3);
        assertEquals(3, euler.timesteps().length);
    }

    @Test
    void unknownWireNameIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Schedulers.create("heun", SchedulerConfig.defaults()));
        assertTrue(e.getMessage().contains("heun"));
    }

    @Test
    void stepsMustRunInOrder() {
        Scheduler s = Schedulers.create(SchedulerName.EULER, SchedulerConfig.defaults());
        assertThrows(IllegalStateException.class, () -> s.step(new float[1], 0, new float[1], null));
        s.setTimesteps(4);
        assertThrows(IllegalStateException.class, () -> s.step(new float[1], 1, new float[1], null));
        s.step(new float[1], 0, new float[1], null);
        assertThrows(IllegalStateException.class, () -> s.step(new float[1], 0, new float[1], null));
    }

    @Test
    void timestepsBeyondTheTrainingScheduleAreRefused() {
        // leading spacing with steps_offset 1 and 1000 steps would read alphas_cumprod[1000]
        Scheduler s = Schedulers.create(SchedulerName.DDIM,
                SchedulerConfig.parse("{\"steps_offset\":1,\"timestep_spacing\":\"leading\"}"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.setTimesteps(1000));
        assertTrue(e.getMessage().contains("timestep 1000"), e.getMessage());
    }

    @Test
    void stochasticStepsNeedNoise() {
        Scheduler s = Schedulers.create(SchedulerName.EULER_ANCESTRAL, SchedulerConfig.defaults());
        s.setTimesteps(4);
        assertThrows(IllegalArgumentException.class, () -> s.step(new float[1], 0, new float[1], null));
    }
}
