package android.content.pm;

/** Stub of android.content.pm.PackageManager. */
public abstract class PackageManager {
    public abstract PackageInfo getPackageInfo(String packageName, int flags) throws NameNotFoundException;

    /** Stub of android.content.pm.PackageManager.NameNotFoundException (an AndroidException on Android). */
    public static class NameNotFoundException extends Exception {
        public NameNotFoundException() {
        }

        public NameNotFoundException(String name) {
            super(name);
        }
    }
}
