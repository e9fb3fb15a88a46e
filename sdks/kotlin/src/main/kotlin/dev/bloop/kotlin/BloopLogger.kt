package dev.bloop.kotlin

import java.util.logging.Level
import java.util.logging.Logger

/** Where the SDK reports its own problems (an unreachable server, a refused batch). Never throws. */
public fun interface BloopLogger {
    public fun log(level: BloopLogLevel, message: String, error: Throwable?)

    public companion object {
        /** `java.util.logging`, logger `dev.bloop` (on Android it ends up in logcat). */
        @JvmField
        public val DEFAULT: BloopLogger = BloopLogger { level, message, error ->
            val jul = when (level) {
                BloopLogLevel.DEBUG -> Level.FINE
                BloopLogLevel.WARNING -> Level.WARNING
                BloopLogLevel.ERROR -> Level.SEVERE
            }
            Logger.getLogger("dev.bloop").log(jul, message, error)
        }

        /** Says nothing. */
        @JvmField
        public val NONE: BloopLogger = BloopLogger { _, _, _ -> }
    }
}

public enum class BloopLogLevel { DEBUG, WARNING, ERROR }
