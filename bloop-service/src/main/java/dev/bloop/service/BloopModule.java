package dev.bloop.service;

/**
 * An optional module: a Dropwizard bundle (its config section, its switched-off answer) that also
 * needs the core's parts, which exist only once {@link BloopApplication#run} has built them. The
 * application hands them over with {@link #start} before the server opens its ports.
 */
public interface BloopModule {
    void start(BloopCore core);
}
