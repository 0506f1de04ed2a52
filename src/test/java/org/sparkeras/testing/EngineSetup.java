package org.sparkeras.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.sparkeras.backend.Engine;

/**
 * Sets up the native engine before any test class touches ND4J, so the OpenBLAS kernel choice of
 * {@link Engine#init()} applies to the whole test run (registered in META-INF/services).
 */
public final class EngineSetup implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        Engine.init();
    }
}
