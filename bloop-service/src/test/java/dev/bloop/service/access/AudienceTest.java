package dev.bloop.service.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.auth.Auth;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/** Every authenticated route names who may call it; one that does not stops the server from starting. */
class AudienceTest {

    static final class Routes {
        public void open() {
        }

        public void forgotten(@Auth Caller caller) {
        }

        @RequiresScope(Scope.ERRORS_READ)
        public void tokens(@Auth Caller caller) {
        }

        @RolesAllowed(Roles.ADMIN)
        public void admins(@Auth Caller caller) {
        }

        @RolesAllowed({Roles.PEOPLE, "guest"})
        public void unknownRole(@Auth Caller caller) {
        }

        @PermitAll
        public void permitAll(@Auth Caller caller) {
        }

        @RequiresScope(Scope.ERRORS_READ)
        @RolesAllowed(Roles.PEOPLE)
        public void both(@Auth Caller caller) {
        }
    }

    @RolesAllowed(Roles.PEOPLE)
    static final class PeopleRoutes {
        public void inherited(@Auth Caller caller) {
        }

        @RolesAllowed(Roles.ADMIN)
        public void narrower(@Auth Caller caller) {
        }
    }

    @Test
    void anAuthenticatedRouteWithoutAnAudienceIsRefusedAtStart() {
        assertThatThrownBy(() -> audience(Routes.class, "forgotten"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Routes.forgotten").hasMessageContaining("declares no audience");
    }

    @Test
    void publicRoutesNeedNoAudience() throws Exception {
        assertThat(audience(Routes.class, "open")).isNull();
    }

    @Test
    void scopesAndRolesAreTheAudiences() throws Exception {
        assertThat(audience(Routes.class, "tokens")).isEqualTo(new Audience.Scoped(Scope.ERRORS_READ));
        assertThat(audience(Routes.class, "admins")).isEqualTo(new Audience.People(Roles.ADMIN));
        assertThat(audience(PeopleRoutes.class, "inherited")).isEqualTo(new Audience.People(Roles.PEOPLE));
        assertThat(audience(PeopleRoutes.class, "narrower")).isEqualTo(new Audience.People(Roles.ADMIN));
    }

    @Test
    void ambiguousOrUnknownDeclarationsAreRefused() {
        assertThatThrownBy(() -> audience(Routes.class, "unknownRole")).hasMessageContaining("@RolesAllowed takes one of");
        assertThatThrownBy(() -> audience(Routes.class, "permitAll")).hasMessageContaining("not @PermitAll");
        assertThatThrownBy(() -> audience(Routes.class, "both")).hasMessageContaining("both a scope and roles");
    }

    private static Audience audience(Class<?> type, String name) throws NoSuchMethodException {
        return Audience.of(type, method(type, name));
    }

    private static Method method(Class<?> type, String name) throws NoSuchMethodException {
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name)) {
                return m;
            }
        }
        throw new NoSuchMethodException(name);
    }
}
