// The Android set-up (compiled with the tests against the android.* stubs, so it keeps compiling).
// In your app: declare it in AndroidManifest.xml (<application android:name=".ShopApplication">) and
// keep the INTERNET permission.
package example.android

import android.app.Application
import dev.bloop.kotlin.Bloop
import dev.bloop.kotlin.android.BloopAndroid

class ShopApplication : Application() {
    fun onCreate() { // on Android: override fun onCreate() { super.onCreate(); ... }
        BloopAndroid.init(this) {
            endpoint = "https://bloop.example.com"
            secret = "the project's ingest secret" // e.g. BuildConfig.BLOOP_SECRET
            projectKey = "bloop_pk_..." // the project's public key
            environment = "prod"
            // release, appVersion, buildNumber: from the package (versionName, versionCode)
            // storageDir: filesDir/bloop (crash events, sent at the next start)
        }
    }

    fun onPaymentFailed(e: Exception) {
        Bloop.captureException(e, metadata = mapOf("step" to "payment"))
    }
}
