package android.os;

/** Stub of android.os.Bundle (only passed through). */
public final class Bundle {
    public Bundle() {
    }
}
