package io.sdfleet.producer.cli;

import io.sdfleet.common.SchedulerName;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli converter for {@code --scheduler}: wire names such as {@code euler-a}, listed when unknown. */
final class SchedulerConverter implements ITypeConverter<SchedulerName> {

    @Override
    public SchedulerName convert(String value) {
        return SchedulerName.fromWireName(value).orElseThrow(() -> new TypeConversionException(
                "unknown scheduler '" + value + "'; one of " + SchedulerName.wireNames()));
    }
}
