/**
 * JMH benchmarks of the contract codec (not run by surefire: class names end in Benchmark). Run with ./sdfleet bench codec.
 */
package io.sdfleet.common.bench;
