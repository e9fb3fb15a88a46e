package android.content;

import android.content.pm.PackageManager;
import java.io.File;

/** Stub of android.content.ContextWrapper. */
public class ContextWrapper extends Context {
    public ContextWrapper(Context base) {
    }

    @Override
    public Context getApplicationContext() {
        throw new RuntimeException("Stub!");
    }

    @Override
    public File getFilesDir() {
        throw new RuntimeException("Stub!");
    }

    @Override
    public String getPackageName() {
        throw new RuntimeException("Stub!");
    }

    @Override
    public PackageManager getPackageManager() {
        throw new RuntimeException("Stub!");
    }
}
