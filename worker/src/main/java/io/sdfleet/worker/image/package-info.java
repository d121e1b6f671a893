/**
 * Image output: the decoded RGB picture ({@link io.sdfleet.worker.image.RgbImage}), its PNG encoding with
 * the generation parameters embedded as text ({@link io.sdfleet.worker.image.PngEncoder}), and the
 * AUTOMATIC1111-style parameters text other tools read back
 * ({@link io.sdfleet.worker.image.A1111Parameters}).
 *
 * <p>Dependencies: plain Java ({@code java.util.zip}) only; nothing else in sdfleet. The pipeline and the
 * store stage may depend on this package. Everything here is immutable and thread-safe, so the store pool
 * can encode images in parallel.
 */
package io.sdfleet.worker.image;
