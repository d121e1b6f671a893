/**
 * Images in and out.
 *
 * <p>Out: the decoded RGB picture ({@link io.sdfleet.worker.image.RgbImage}), its PNG encoding with the generation
 * parameters embedded as text ({@link io.sdfleet.worker.image.PngEncoder}), and the AUTOMATIC1111-style parameters
 * text other tools read back ({@link io.sdfleet.worker.image.A1111Parameters}).
 *
 * <p>In (img2img and inpainting): an uploaded PNG or JPEG checked against size limits on its header alone
 * ({@link io.sdfleet.worker.image.InputImageHeader}, {@link io.sdfleet.worker.image.InputImageLimits}), decoded as
 * diffusers' {@code load_image} sees it with PIL ({@link io.sdfleet.worker.image.InputImageDecoder}, refusals as
 * {@link io.sdfleet.worker.image.InputImageException}), resized bit for bit as PIL's LANCZOS
 * ({@link io.sdfleet.worker.image.PilLanczos}) and turned into the VAE's and the inpainting UNet's tensors as
 * diffusers' VaeImageProcessor and inpaint pipeline do ({@link io.sdfleet.worker.image.DiffusersImageProcessor}).
 * The golden files under src/test/resources/golden/img2img (tools/golden/make_img2img_golden.py) pin all of it.
 *
 * <p>Dependencies: plain Java ({@code java.util.zip}, {@code javax.imageio}) only; nothing else in sdfleet. The
 * pipeline and the store stage may depend on this package. Everything here is immutable and thread-safe, so the
 * store pool can encode images in parallel.
 */
package io.sdfleet.worker.image;
