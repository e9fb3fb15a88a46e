package dev.bloop.service.access;

/**
 * The roles of {@code @RolesAllowed} on routes that only people may use: {@link #PEOPLE} any signed-in
 * dashboard session, {@link #ADMIN} a session of an admin. API tokens hold neither (403).
 */
public final class Roles {
    public static final String PEOPLE = "people";
    public static final String ADMIN = "admin";

    private Roles() {
    }
}
