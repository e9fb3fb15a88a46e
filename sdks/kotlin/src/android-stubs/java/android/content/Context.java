package android.content;

import android.content.pm.PackageManager;
import java.io.File;

/** Stub of android.content.Context: only what bloop-kotlin's Android glue uses. */
public abstract class Context {
    public abstract Context getApplicationContext();

    public abstract File getFilesDir();

    public abstract String getPackageName();

    public abstract PackageManager getPackageManager();
}
