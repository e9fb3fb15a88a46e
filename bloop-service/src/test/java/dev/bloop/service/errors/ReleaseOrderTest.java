package dev.bloop.service.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ReleaseOrderTest {
    private static final Map<String, Long> SEEN = Map.of("build-a", 10L, "build-b", 20L, "2024.1", 30L);

    private static boolean newer(String release, String resolvedIn) throws Exception {
        return ReleaseOrder.isNewer(release, resolvedIn, SEEN::get);
    }

    @Test
    void semanticVersionsCompareByNumberNotByText() throws Exception {
        assertThat(newer("1.10.0", "1.2.0")).isTrue();
        assertThat(newer("1.2.0", "1.10.0")).isFalse();
        assertThat(newer("v2.0", "1.9.9")).isTrue();
        assertThat(newer("1.2.0", "1.2.0")).isFalse();
        assertThat(newer("1.2.0+build.7", "1.2.0")).as("build metadata does not count").isFalse();
        assertThat(newer("app@1.3.0", "app@1.2.9")).isTrue();
    }

    @Test
    void aReleaseOutranksItsPreReleasesWhichComparePartByPart() throws Exception {
        assertThat(newer("1.0.0", "1.0.0-rc.1")).isTrue();
        assertThat(newer("1.0.0-rc.1", "1.0.0")).isFalse();
        assertThat(newer("1.0.0-rc.10", "1.0.0-rc.2")).isTrue();
        assertThat(newer("1.0.0-beta", "1.0.0-alpha.5")).isTrue();
        assertThat(newer("1.0.0-alpha.1", "1.0.0-alpha")).isTrue();
    }

    @Test
    void otherReleasesAreOrderedByWhenTheProjectFirstSawThem() throws Exception {
        assertThat(newer("build-b", "build-a")).isTrue();
        assertThat(newer("build-a", "build-b")).isFalse();
        assertThat(newer("build-new", "build-b")).as("never seen: newest").isTrue();
        assertThat(newer("other@1.0.0", "app@2.0.0")).as("different packages: first-seen order, unseen is newer")
                .isTrue();
        assertThat(ReleaseOrder.ruleFor("1.2.3")).isEqualTo(ReleaseOrder.Rule.SEMVER);
        assertThat(ReleaseOrder.ruleFor("build-a")).isEqualTo(ReleaseOrder.Rule.FIRST_SEEN);
    }
}
