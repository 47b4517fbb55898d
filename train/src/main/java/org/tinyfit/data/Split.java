package org.tinyfit.data;

/** A training part and a validation (or test) part of one dataset; both keep the parent's class count. */
public record Split(Dataset train, Dataset validation) {}
