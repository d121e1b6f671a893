/**
 * Random numbers that match PyTorch's CPU generator bit for bit, so that a job's seed gives the same
 * initial latents (and the same Euler-ancestral noise) as diffusers running on a CPU generator.
 *
 * <p>What lives here: {@link io.sdfleet.worker.rng.TorchGenerator} (one {@code torch.Generator('cpu')}:
 * mt19937 plus torch's uniform and normal sampling) and {@link io.sdfleet.worker.rng.LatentNoise} (one
 * generator per image of a batch, so an image never depends on the rest of its batch), and
 * {@link io.sdfleet.worker.rng.DiagonalGaussian}, the VAE latent distribution's sampling (img2img, inpainting)
 * with such a generator. The mt19937 engine
 * and the float32 maths torch's AVX2 kernel uses are package-private details.
 *
 * <p>Dependencies: plain Java only. The pipeline and the scheduler package may depend on this package;
 * this package depends on nothing else in sdfleet.
 */
package io.sdfleet.worker.rng;
