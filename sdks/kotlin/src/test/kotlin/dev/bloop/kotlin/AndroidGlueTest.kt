package dev.bloop.kotlin

import android.app.Activity
import android.app.Application
import android.content.Context
import android.content.pm.PackageInfo
import android.content.pm.PackageManager
import dev.bloop.kotlin.android.BloopAndroid
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.io.File

/** The Android glue, against the android.* stubs (the Android SDK is not available here). */
class AndroidGlueTest {
    class CheckoutActivity : Activity()

    class SettingsActivity : Activity()

    class FakeApplication(private val dir: File, private val versionName: String?) : Application() {
        val callbacks = ArrayList<ActivityLifecycleCallbacks>()

        override fun getFilesDir(): File = dir

        override fun getPackageName(): String = "com.example.shop"

        override fun getApplicationContext(): Context = this

        override fun getPackageManager(): PackageManager = object : PackageManager() {
            override fun getPackageInfo(packageName: String, flags: Int): PackageInfo {
                if (packageName != "com.example.shop") throw NameNotFoundException(packageName)
                return PackageInfo().apply {
                    this.packageName = packageName
                    this.versionName = this@FakeApplication.versionName
                    @Suppress("DEPRECATION")
                    versionCode = 42
                }
            }
        }

        override fun registerActivityLifecycleCallbacks(callback: ActivityLifecycleCallbacks) {
            callbacks.add(callback)
        }

        override fun unregisterActivityLifecycleCallbacks(callback: ActivityLifecycleCallbacks) {
            callbacks.remove(callback)
        }
    }

    @AfterEach
    fun closeGlobal() {
        Bloop.close(500)
    }

    @Test
    fun defaultsComeFromThePackage(@TempDir dir: File) {
        val options = BloopAndroid.defaults(FakeApplication(dir, "2.3.1"))
        assertEquals("android", options.source)
        assertEquals("2.3.1", options.release)
        assertEquals("2.3.1", options.appVersion)
        assertEquals("42", options.buildNumber)
        assertEquals(File(dir, "bloop"), options.storageDir)
    }

    @Test
    fun resumedActivityIsTheScreenAndBackgroundSendsAtOnce(@TempDir dir: File) {
        StandIn().use { server ->
            val app = FakeApplication(dir, "2.3.1")
            val client = BloopAndroid.init(app) {
                endpoint = server.endpoint
                secret = TEST_SECRET
                environment = "prod"
                flushIntervalMillis = 60_000
                autoCapture = false
                shutdownHook = false
            }
            val callbacks = app.callbacks.single()
            val checkout = CheckoutActivity()
            callbacks.onActivityCreated(checkout, null)
            callbacks.onActivityStarted(checkout)
            callbacks.onActivityResumed(checkout)
            Bloop.captureMessage("PaymentError", "declined")
            callbacks.onActivityPaused(checkout)
            val settings = SettingsActivity()
            callbacks.onActivityStarted(settings)
            callbacks.onActivityResumed(settings)
            callbacks.onActivityStopped(checkout)
            client.captureMessage("SettingsError", "bad value")
            Thread.sleep(100)
            assertTrue(server.requests.isEmpty(), "an app in the foreground waits for the interval")

            callbacks.onActivityPaused(settings)
            callbacks.onActivityStopped(settings) // the app goes to the background
            server.waitFor("events sent when the app went to the background", 2_000) { server.events.size == 2 }
            val (first, second) = server.events
            assertEquals("CheckoutActivity", first["screen"])
            assertEquals("SettingsActivity", second["screen"])
            for (e in server.events) {
                assertEquals("android", e["source"])
                assertEquals("2.3.1", e["release"])
                assertEquals("2.3.1", e["app_version"])
                assertEquals("42", e["build_number"])
                assertEquals("prod", e["environment"])
            }

            // A second init replaces the callbacks rather than adding more.
            BloopAndroid.init(app) {
                endpoint = server.endpoint
                secret = TEST_SECRET
                environment = "prod"
                autoCapture = false
                shutdownHook = false
            }
            assertEquals(1, app.callbacks.size)
            assertTrue(client.isClosed, "the previous client was closed")
        }
    }
}
