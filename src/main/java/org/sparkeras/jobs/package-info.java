/**
 * Job entry points run by the scripts in {@code jobs/}: parse arguments, read the config, wire the
 * library together and write the run directory. No math lives here.
 */
package org.sparkeras.jobs;
