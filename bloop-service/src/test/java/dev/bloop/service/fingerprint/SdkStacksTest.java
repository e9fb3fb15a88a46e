package dev.bloop.service.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Stacks in the forms the first-party SDKs send (found while building them): the library and
 * runtime frames of Python, Ruby and Apple installs are skipped, so an error raised inside a library
 * groups on the app frame that called it.
 */
class SdkStacksTest {

    @Test
    void pythonStandardLibraryAndSitePackagesWhereverThePythonIsInstalled() {
        for (String lib : new String[] {
                "/usr/local/lib/python3.11/json/decoder.py",
                "/root/.pyenv/versions/3.11.7/lib/python3.11/json/decoder.py",
                "/usr/lib/python3/dist-packages/requests/models.py",
                "/usr/local/lib/python3.11/dist-packages/requests/models.py",
                "/app/.venv/lib/python3.12/site-packages/django/core/handlers/base.py"}) {
            // The Python SDK's order: innermost call first, no header.
            String stack = "File \"" + lib + "\", line 355, in raw_decode\n"
                    + "File \"/srv/shop/orders.py\", line 12, in parse_order\n"
                    + "File \"/srv/shop/main.py\", line 3, in <module>";
            assertThat(StackFramePicker.topFrame(stack)).as(lib).contains("/srv/shop/orders.py").contains("parse_order");
        }
        String frozen = "File \"<frozen runpy>\", line 198, in _run_module_as_main\n"
                + "File \"/srv/shop/cli.py\", line 8, in main";
        assertThat(StackFramePicker.topFrame(frozen)).contains("cli.py");
    }

    @Test
    void rubyStandardLibraryGemsAndInternalFrames() {
        for (String lib : new String[] {
                "/usr/lib/ruby/3.1.0/json/common.rb:216:in 'parse'",
                "/usr/lib/ruby/vendor_ruby/rack/builder.rb:8:in 'call'",
                "/var/lib/gems/3.1.0/gems/rack-2.2.22/lib/rack/builder.rb:244:in 'call'",
                "/home/deploy/.rbenv/versions/3.2.2/lib/ruby/gems/3.2.0/gems/activerecord-7.1.0/lib/x.rb:1:in 'save'",
                "/srv/app/vendor/bundle/ruby/3.1.0/gems/pg-1.5.4/lib/pg.rb:1:in 'exec'",
                "<internal:kernel>:90:in 'tap'"}) {
            String stack = lib + "\n/srv/app/lib/orders.rb:12:in 'parse_order'\n/srv/app/main.rb:3:in '<main>'";
            assertThat(StackFramePicker.topFrame(stack)).as(lib).contains("/srv/app/lib/orders.rb").contains("parse_order");
        }
        // An app that lives in a folder called ruby is still app code.
        assertThat(StackFramePicker.topFrame("/home/me/ruby/shop/cart.rb:3:in 'add'")).contains("/home/me/ruby/shop/cart.rb");
    }

    @Test
    void appleRuntimeLibrariesInCallStackSymbols() {
        for (String lib : new String[] {"libobjc.A.dylib", "libsystem_c.dylib", "libc++abi.dylib",
                "libsystem_platform.dylib", "libswift_Concurrency.dylib", "libdyld.dylib", "libsystem_kernel.dylib"}) {
            String stack = "0   " + lib + "   0x00000001800a1234 objc_exception_throw + 60\n"
                    + "1   Shop   0x0000000104a5c3e4 Shop.CartView.checkout() + 88\n";
            assertThat(StackFramePicker.topFrame(stack)).as(lib).isEqualTo("Shop Shop.CartView.checkout()");
        }
    }
}
