package dev.bloop.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.service.ingest.IngestGate;
import dev.bloop.service.project.ProjectDetail;
import dev.bloop.service.project.ProjectKeys;
import dev.bloop.service.releases.ReleaseHealthStore;
import dev.bloop.service.store.Database;
import io.dropwizard.core.setup.Environment;
import java.util.List;

/**
 * What the core lends optional modules: its store, its ingest path (validation, grouping, quota,
 * filters, queue), project key resolution and release health, and two places to add to: the
 * details shown for a project, and the warnings {@code /health} lists.
 */
public record BloopCore(Environment environment, Database database, ObjectMapper json, ProjectKeys projectKeys,
                        IngestGate ingest, ReleaseHealthStore releaseHealth, List<ProjectDetail> projectDetails,
                        List<String> warnings) {
}
