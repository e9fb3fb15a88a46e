package dev.bloop.service.errors;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UserAgentsTest {
    private static final String CHROME_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
    private static final String EDGE_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91";
    private static final String FIREFOX_LINUX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
    private static final String CHROME_ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/UD1A.230803.041) "
            + "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36";
    private static final String CHROME_ANDROID_REDUCED = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36";
    private static final String SAFARI_IPAD = "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1";

    @Test
    void namesTheMajorBrowsersWithTheirMajorVersion() {
        assertThat(UserAgents.browser(CHROME_MAC)).isEqualTo("Chrome 120");
        assertThat(UserAgents.browser(EDGE_WINDOWS)).as("Edge, not the Chrome it contains").isEqualTo("Edge 120");
        assertThat(UserAgents.browser(FIREFOX_LINUX)).isEqualTo("Firefox 121");
        assertThat(UserAgents.browser(SAFARI_IPAD)).isEqualTo("Safari 16.6");
        assertThat(UserAgents.browser("curl/8.4.0")).isNull();
    }

    @Test
    void namesTheOperatingSystemAndTheDeviceWhenTheAgentSaysThem() {
        assertThat(UserAgents.os(CHROME_MAC)).isEqualTo("macOS");
        assertThat(UserAgents.os(EDGE_WINDOWS)).isEqualTo("Windows 10/11");
        assertThat(UserAgents.os(FIREFOX_LINUX)).isEqualTo("Linux");
        assertThat(UserAgents.os(CHROME_ANDROID)).isEqualTo("Android 14");
        assertThat(UserAgents.os(SAFARI_IPAD)).isEqualTo("iOS 16.6");
        assertThat(UserAgents.device(CHROME_ANDROID)).isEqualTo("Pixel 8");
        assertThat(UserAgents.device(CHROME_ANDROID_REDUCED)).as("Chrome's reduced agent hides the model").isNull();
        assertThat(UserAgents.device(SAFARI_IPAD)).isEqualTo("iPad");
        assertThat(UserAgents.device(CHROME_MAC)).isNull();
    }
}
