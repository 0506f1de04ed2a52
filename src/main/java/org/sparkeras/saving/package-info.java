/**
 * Names and persistence: the {@link org.sparkeras.saving.Registry} that resolves every string
 * identifier (and, when loading, every type name) through a closed table of factories.
 */
package org.sparkeras.saving;
