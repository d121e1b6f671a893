package io.sdfleet.local;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives integration tests a running {@link LocalStack}: declare a {@code LocalStack} parameter (test
 * method, constructor, or lifecycle method) of a class annotated
 * {@code @ExtendWith(LocalStackExtension.class)}.
 *
 * <p>One stack per test JVM: started lazily by the first test that asks for it, kept in the root
 * context's store and closed by JUnit when the whole run ends (stored {@link AutoCloseable} values are
 * closed by JUnit 5.13+; {@code Store.CloseableResource} is deprecated there). Starting is thread-safe
 * ({@code getOrComputeIfAbsent} on the root store), so parallel test classes share the one stack too.
 *
 * <p>Tests share the stack: each test uses its own topics, groups, transactional ids and object keys
 * (see {@link TestNames}); a test that stops the S3 server must start it again in a {@code finally}.
 */
public final class LocalStackExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(LocalStackExtension.class);
    private static final Logger LOG = LoggerFactory.getLogger(LocalStackExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(LocalStack.class, key -> startStack(), LocalStack.class);
    }

    private static LocalStack startStack() {
        LocalStack stack = LocalStack.start(LocalStack.Options.defaults());
        LOG.info("local stack for the integration tests started in {} ms: {}",
                stack.startupTime().toMillis(), stack);
        return stack;
    }
}
