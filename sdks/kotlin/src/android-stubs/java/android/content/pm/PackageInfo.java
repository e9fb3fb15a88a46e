package android.content.pm;

/** Stub of android.content.pm.PackageInfo: the public fields the glue reads. */
public class PackageInfo {
    public String packageName;
    public String versionName;
    /** Deprecated in API 28 in favour of getLongVersionCode(), which API 21 lacks. */
    @Deprecated
    public int versionCode;

    public PackageInfo() {
    }
}
