/** Benchmarks and long-running checks; results go in BENCHMARKS.md with the command that made them. */
package org.tinyfit.bench;
