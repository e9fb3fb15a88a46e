package android.app;

import android.content.ContextWrapper;

/** Stub of android.app.Activity (really a ContextThemeWrapper; the glue uses none of that). */
public class Activity extends ContextWrapper {
    public Activity() {
        super(null);
    }
}
