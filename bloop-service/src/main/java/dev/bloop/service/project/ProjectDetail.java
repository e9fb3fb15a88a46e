package dev.bloop.service.project;

import dev.bloop.api.ProjectDetails;
import java.net.URI;

/**
 * What an optional module adds to a project's details ({@code GET /v1/projects/{slug}} and the
 * answers that return them): the Sentry DSN, for example. The core never knows the modules; they
 * register one of these when they start.
 */
@FunctionalInterface
public interface ProjectDetail {
    /** @param requestBase the URL the request came to ({@code http://host:port/}), for links and DSNs */
    ProjectDetails addTo(Project project, URI requestBase, ProjectDetails details);
}
