package dev.bloop.kotlin.android

import android.app.Activity
import android.app.Application
import android.content.Context
import android.os.Bundle
import dev.bloop.kotlin.Bloop
import dev.bloop.kotlin.BloopClient
import dev.bloop.kotlin.BloopOptions
import java.io.File

/**
 * Android set-up, in `Application.onCreate()`:
 *
 * ```
 * BloopAndroid.init(this) {
 *     endpoint = "https://bloop.example.com"
 *     secret = BuildConfig.BLOOP_SECRET
 *     environment = if (BuildConfig.DEBUG) "dev" else "prod"
 * }
 * ```
 *
 * On top of [Bloop.init]: source `android`; release, app version and build number from the app's
 * package (versionName, versionCode); crash events written to `filesDir/bloop` and sent at the next
 * start; the resumed Activity's class name as the events' `screen`; queued events sent when the app
 * goes to the background.
 */
public object BloopAndroid {
    private var tracker: ScreenTracker? = null
    private var trackedApplication: Application? = null

    /** The options [init] starts from; exposed for Java callers and for inspection. */
    @JvmStatic
    public fun defaults(context: Context): BloopOptions {
        val options = BloopOptions(source = "android", storageDir = File(context.filesDir, "bloop"))
        try {
            val info = context.packageManager.getPackageInfo(context.packageName, 0)
            val versionName = info.versionName
            if (!versionName.isNullOrBlank()) {
                options.release = versionName
                options.appVersion = versionName
            }
            @Suppress("DEPRECATION")
            options.buildNumber = info.versionCode.toString()
        } catch (e: Exception) {
            // no package info (a test context): the caller sets release itself
        }
        return options
    }

    /** [defaults], then [configure], then the application-wide [Bloop] client with the lifecycle hooks. */
    @JvmStatic
    public fun init(application: Application, configure: BloopOptions.() -> Unit): BloopClient =
        init(application, defaults(application).apply(configure))

    @JvmStatic
    public fun init(application: Application, options: BloopOptions): BloopClient {
        val client = Bloop.init(options)
        synchronized(this) {
            tracker?.let { old -> trackedApplication?.unregisterActivityLifecycleCallbacks(old) }
            val t = ScreenTracker(client)
            application.registerActivityLifecycleCallbacks(t)
            tracker = t
            trackedApplication = application
        }
        return client
    }
}

/** Activity lifecycle → the current screen; the last Activity stopped (app in background) → send now. */
internal class ScreenTracker(private val client: BloopClient) : Application.ActivityLifecycleCallbacks {
    private var started = 0

    override fun onActivityResumed(activity: Activity) {
        client.currentScreen = activity.javaClass.simpleName
    }

    override fun onActivityStarted(activity: Activity) {
        started++
    }

    override fun onActivityStopped(activity: Activity) {
        if (started > 0) started--
        if (started == 0) client.sendNow()
    }

    override fun onActivityCreated(activity: Activity, savedInstanceState: Bundle?) {}

    override fun onActivityPaused(activity: Activity) {}

    override fun onActivitySaveInstanceState(activity: Activity, outState: Bundle) {}

    override fun onActivityDestroyed(activity: Activity) {}
}
