/**
 * Noise schedulers of the denoising loop, reimplemented from diffusers in plain Java.
 *
 * <p>What lives here: one class per scheduler ({@link io.sdfleet.worker.scheduler.PndmScheduler},
 * {@link io.sdfleet.worker.scheduler.DdimScheduler}, {@link io.sdfleet.worker.scheduler.EulerDiscreteScheduler},
 * {@link io.sdfleet.worker.scheduler.EulerAncestralScheduler},
 * {@link io.sdfleet.worker.scheduler.DpmSolverMultistepScheduler},
 * {@link io.sdfleet.worker.scheduler.LmsDiscreteScheduler},
 * {@link io.sdfleet.worker.scheduler.UniPcMultistepScheduler}) behind the small
 * {@link io.sdfleet.worker.scheduler.Scheduler} interface, configured from the model's own
 * {@code scheduler/scheduler_config.json} ({@link io.sdfleet.worker.scheduler.SchedulerConfig}) and created by
 * {@link io.sdfleet.worker.scheduler.Schedulers}. Euler, Euler ancestral and LMS share their sigma table and
 * input scaling through the package-private {@code SigmaScheduler}, DPM-Solver++ and UniPC their multistep sigma
 * table through {@code MultistepScheduler}, and every scheduler its step-order checks
 * through {@code TrajectoryScheduler}; each scheduler's class holds only its own step math. The remaining package-private classes are the shared numerics:
 * the float32 training noise schedule as torch computes it, numpy-compatible timestep spacing, interpolation
 * and Karras sigmas.
 *
 * <p>Image-to-image and inpainting: {@link io.sdfleet.worker.scheduler.StrengthSchedule} is diffusers'
 * {@code get_timesteps} (where a strength's trajectory begins), {@code Scheduler.beginAt} its
 * {@code set_begin_index}, {@code Scheduler.addNoise} each scheduler's {@code add_noise}, and
 * {@link io.sdfleet.worker.scheduler.InpaintLatents} the latent arithmetic of the inpaint loop (the 9-channel UNet
 * input, the 4-channel blend-back); golden vectors in {@code worker/src/test/resources/golden/img2img}.
 *
 * <p>Numerics: tensor math is float32 exactly where diffusers uses torch float32 tensors, and float64 where
 * diffusers uses numpy float64 (timesteps and sigmas before their conversion to float32). The golden vectors
 * (a copy in {@code worker/src/test/resources/golden/schedulers}, read by the golden tests) are the reference.
 *
 * <p>Dependencies: this package depends only on the JDK, Jackson (for parsing the config) and
 * {@code io.sdfleet.common.SchedulerName}. It has no native code and no knowledge of the batch size: every
 * operation is elementwise over a flat float array, except the random noise, which callers supply through
 * {@link io.sdfleet.worker.scheduler.NoiseSource}. The pipeline package depends on this one, never the
 * reverse.
 */
package io.sdfleet.worker.scheduler;
