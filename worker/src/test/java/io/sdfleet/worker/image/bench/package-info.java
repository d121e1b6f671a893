/**
 * PNG encoder benchmark over deflate levels and row filters, which chose the encoder's defaults. Run with ./sdfleet bench png.
 */
package io.sdfleet.worker.image.bench;
