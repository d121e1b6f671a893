package io.sdfleet.producer.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An image size given as {@code WIDTHxHEIGHT} (e.g. {@code 512x768}). Only the form is checked here; the
 * ranges (multiple of 8 in [64, 2048]) are the request validator's, so the message is the same as for a
 * request read from a file.
 */
record Size(int width, int height) {

    private static final Pattern FORM = Pattern.compile("(\\d{1,5})[xX](\\d{1,5})");

    /** picocli converter for {@code --size}. */
    static final class Converter implements ITypeConverter<Size> {
        @Override
        public Size convert(String value) {
            Matcher m = FORM.matcher(value.strip());
            if (!m.matches()) {
                throw new TypeConversionException("'" + value + "' is not a size like 512x512 (WIDTHxHEIGHT)");
            }
            return new Size(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
    }
}
