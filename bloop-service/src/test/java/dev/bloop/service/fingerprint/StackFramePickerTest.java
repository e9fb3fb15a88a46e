package dev.bloop.service.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StackFramePickerTest {

    @Test
    void skipsLibraryFramesAndStripsPositions() {
        String stack = "  at MyApp.handleError (src/handler.ts:42:10)\n  at node_modules/express/lib/router.js:1:2";
        assertThat(StackFramePicker.topFrame(stack)).isEqualTo("at MyApp.handleError (src/handler.ts)");

        String node = "    at Layer.handle (/app/node_modules/express/lib/router/layer.js:95:5)\n"
                + "    at getUser (/app/src/users.js:17:11)";
        assertThat(StackFramePicker.topFrame(node)).isEqualTo("at getUser (/app/src/users.js)");
    }

    @Test
    void skipsJvmAndAndroidRuntimeFrames() {
        String stack = "\tat java.lang.Thread.run(Thread.java:1012)\n\tat com.example.Foo.bar(Foo.kt:17)";
        assertThat(StackFramePicker.topFrame(stack)).isEqualTo("at com.example.Foo.bar(Foo.kt)");
        String android = "at android.os.Handler.dispatchMessage(Handler.java:106)\n"
                + "at kotlin.collections.ArraysKt.first(Arrays.kt:1)\n"
                + "at com.example.kotlin.Feed.load(Feed.kt:88)";
        assertThat(StackFramePicker.topFrame(android)).isEqualTo("at com.example.kotlin.Feed.load(Feed.kt)");
    }

    @Test
    void skipsAppleSystemModulesButNotLookalikeAppNames() {
        String ios = "0   CoreFoundation   0x00000001804a1234 __exceptionPreprocess + 164\n"
                + "1   MyFoundationKit  0x0000000104a5c3e4 MyFoundationKit.Store.save() + 88\n";
        assertThat(StackFramePicker.topFrame(ios)).isEqualTo("MyFoundationKit MyFoundationKit.Store.save()");
    }

    @Test
    void libraryNamesInsideAppNamesDoNotMakeAppFramesLibraryCode() {
        assertThat(StackFramePicker.topFrame("\tat org.postgresql.Driver.connect(Driver.java:1)\n"
                + "\tat com.acme.foundation.Store.save(Store.java:3)")).isEqualTo("at com.acme.foundation.Store.save(Store.java)");
        // Package names count where a class name starts, not in a file path.
        assertThat(StackFramePicker.topFrame("    at render (/srv/app/android.js:3:1)")).isEqualTo("at render (/srv/app/android.js)");
        assertThat(StackFramePicker.topFrame("    at save (/srv/vendor/my-react-dom.js:3:1)")).isEqualTo("at save (/srv/vendor/my-react-dom.js)");
        assertThat(StackFramePicker.topFrame("2   libAcmeSystem.dylib  0x0001 AcmeSystem.boot() + 4"))
                .isEqualTo("libAcmeSystem.dylib AcmeSystem.boot()");
    }

    @Test
    void jvmModuleAndClassLoaderPrefixesAreSeenThrough() {
        String stack = "\tat java.sql/java.sql.DriverManager.getConnection(DriverManager.java:683)\n"
                + "\tat app//com.acme.shop.Db.open(Db.java:12)";
        assertThat(StackFramePicker.topFrame(stack)).isEqualTo("at app//com.acme.shop.Db.open(Db.java)");
    }

    @Test
    void inJvmAndV8StacksOnlyAtLinesAreFrames() {
        String stack = "org.hibernate.exception.ConstraintViolationException: could not execute statement [ERROR: duplicate key\n"
                + "  Key (sku)=(A-1) already exists.]\n"
                + "\tat org.hibernate.exception.internal.SQLStateConversionDelegate.convert(SQLStateConversionDelegate.java:95)\n"
                + "\tat com.acme.shop.Catalog.add(Catalog.java:20)";
        assertThat(StackFramePicker.topFrame(stack)).isEqualTo("at com.acme.shop.Catalog.add(Catalog.java)");
    }

    @Test
    void sectionHeadersAreNotFrames() {
        assertThat(StackFramePicker.topFrame("Thread 0 Crashed:\n0   ShopApp   0x0001 main + 4")).isEqualTo("ShopApp main");
    }

    @Test
    void theReasonSaysWhyTheFrameWasChosen() {
        assertThat(StackFramePicker.pick("\tat com.example.Foo.bar(Foo.kt:17)", InAppRules.NONE).reason())
                .isEqualTo("first in-app frame");
        assertThat(StackFramePicker.pick("\tat java.lang.Integer.parseInt(Integer.java:652)", InAppRules.NONE).reason())
                .isEqualTo("no in-app frame: first frame");
        assertThat(StackFramePicker.pick("TypeError: only a header", InAppRules.NONE)).isNull();
    }

    @Test
    void pythonStyleLineNumbersAreRemoved() {
        assertThat(StackFramePicker.topFrame("File \"app/views.py\", line 12, in handler"))
                .isEqualTo("File \"app/views.py\", in handler");
    }

    @Test
    void allLibraryFramesFallBackToTheFirst() {
        String stack = "\n\tat java.lang.Integer.parseInt(Integer.java:652)\n\tat java.lang.Thread.run(Thread.java:1)";
        assertThat(StackFramePicker.topFrame(stack)).isEqualTo("at java.lang.Integer.parseInt(Integer.java)");
    }

    @Test
    void causeChainLinesAreNotFrames() {
        String stack = "\tat java.util.concurrent.FutureTask.get(FutureTask.java:205)\n"
                + "Caused by: com.example.OrderException: order 8812 rejected\n"
                + "\tat com.example.Orders.place(Orders.java:41)\n"
                + "\t... 12 more";
        assertThat(StackFramePicker.topFrame(stack)).isEqualTo("at com.example.Orders.place(Orders.java)");
    }

    @Test
    void exceptionHeadersAreNotFrames() {
        String v8 = "TypeError: Cannot price sku 881\n    at c (app.min.js:1:532)\n    at i (app.min.js:1:618)";
        assertThat(StackFramePicker.topFrame(v8)).isEqualTo("at c (app.min.js)");
        String jvm = "com.example.OrderException: order 8812 rejected\n\tat com.example.Orders.place(Orders.java:41)";
        assertThat(StackFramePicker.topFrame(jvm)).isEqualTo("at com.example.Orders.place(Orders.java)");
        assertThat(StackFramePicker.topFrame("Error\n    at f (a.js:1:2)")).isEqualTo("at f (a.js)");
        // Real frames that merely contain a colon stay frames.
        assertThat(StackFramePicker.topFrame("app/models/user.rb:12:in `save'")).isEqualTo("app/models/user.rb:in `save'");
    }

    @Test
    void noStackNoFrame() {
        assertThat(StackFramePicker.topFrame(null)).isEmpty();
        assertThat(StackFramePicker.topFrame(" \n\r\n")).isEmpty();
    }
}
